"""The fixed reference lists: members of the region, focus areas, published sources."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import natural_keys
from .choices import MemberKind
from .i18n import language_suffix, localized


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return natural_keys.get_by_natural_key(self, slug=slug)


class Member(models.Model):
    """A province or municipality of the region; its staff report on what it leads."""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    short_name_zh = models.CharField(
        _("short name (Chinese)"), max_length=4, blank=True, help_text=_("For example 沪 or 苏.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MemberKind.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = SlugManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["position", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=MemberKind.values), name="initiatives_member_kind_valid"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("initiatives:member_detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    @property
    def name(self):
        return localized(self, "name")


class FocusArea(models.Model):
    """One of the five areas the plan's work is grouped in."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_zh = models.TextField(_("summary (Chinese)"), blank=True)

    objects = SlugManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number}. {self.name}"

    def get_absolute_url(self):
        return reverse("initiatives:area_detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    @property
    def name(self):
        return localized(self, "name")

    @property
    def summary(self):
        return localized(self, "summary")


class SourceManager(models.Manager):
    def get_by_natural_key(self, key):
        return natural_keys.get_by_natural_key(self, key=key)


class Source(models.Model):
    """A published document that figures cite."""

    key = models.SlugField(
        _("key"),
        max_length=60,
        unique=True,
        help_text=_("A short stable key, e.g. yrd-2024-12-04."),
    )
    title = models.CharField(_("title (English)"), max_length=300)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    publisher = models.CharField(_("publisher (English)"), max_length=200)
    publisher_zh = models.CharField(_("publisher (Chinese)"), max_length=200, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    date_note = models.CharField(
        _("date as published (English)"),
        max_length=200,
        blank=True,
        help_text=_("Where the exact day is not known, what is, e.g. “2024, day not given”."),
    )
    date_note_zh = models.CharField(_("date as published (Chinese)"), max_length=200, blank=True)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    reference = models.CharField(
        _("reference (English)"),
        max_length=300,
        blank=True,
        help_text=_("Where to find the document when it has no URL."),
    )
    reference_zh = models.CharField(_("reference (Chinese)"), max_length=300, blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Demo content that no real document states."),
    )

    objects = SourceManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["-published_on", "key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(published_on__isnull=False) | ~Q(date_note=""),
                name="initiatives_source_has_date",
                violation_error_message=_("Give the publication date, or say what is known of it."),
            ),
        ]

    def __str__(self):
        return self.localized_title

    def get_absolute_url(self):
        return reverse("initiatives:source_list") + f"#source-{self.key}"

    def natural_key(self):
        return (self.key,)

    @property
    def localized_title(self):
        return self.in_language("title")

    @property
    def localized_publisher(self):
        return self.in_language("publisher")

    @property
    def localized_date_note(self):
        return self.in_language("date_note")

    @property
    def localized_reference(self):
        return self.in_language("reference")

    def in_language(self, field):
        """`field` in the active language: its Chinese copy on a Chinese page, if given."""
        chinese = getattr(self, f"{field}_zh")
        return chinese if language_suffix() == "zh" and chinese else getattr(self, field)
