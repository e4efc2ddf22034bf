"""Time in a plan round: the office's reporting periods and its dated editions."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .i18n import localized
from .plans import Plan
from .reference import Source


class ReportingPeriodQuerySet(models.QuerySet):
    def in_plan(self, plan):
        return self.filter(plan=plan)


class ReportingPeriodManager(models.Manager.from_queryset(ReportingPeriodQuerySet)):
    def get_by_natural_key(self, plan, start_date, end_date):
        return self.get(plan__slug=plan, start_date=start_date, end_date=end_date)


class ReportingPeriod(models.Model):
    """A period the office asks members to report on (e.g. a quarter), with its due date and
    the targets that must report in it."""

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="periods", verbose_name=_("plan")
    )
    name_en = models.CharField(_("name (English)"), max_length=100, help_text=_("E.g. “Q3 2026”."))
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, blank=True)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    due_date = models.DateField(
        _("due date"), help_text=_("The day by which members submit the period's reports.")
    )
    targets = models.ManyToManyField(
        "Target",
        blank=True,
        related_name="reporting_periods",
        verbose_name=_("targets that must report"),
    )
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Demo content that the source documents do not state."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ReportingPeriodManager()

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["plan", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "start_date", "end_date"],
                name="initiatives_period_once_per_plan",
                violation_error_message=_("This plan already has a period with these dates."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="initiatives_period_ends_after_start",
                violation_error_message=_("A period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("start_date")),
                name="initiatives_period_due_after_start",
                violation_error_message=_("A period cannot be due before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(name_en=""),
                name="initiatives_period_has_name",
                violation_error_message=_("A period needs an English name."),
            ),
        ]

    def __str__(self):
        return f"{self.plan.short_name}: {self.name}"

    def natural_key(self):
        return (self.plan.slug, self.start_date.isoformat(), self.end_date.isoformat())

    natural_key.dependencies = ["initiatives.plan", "initiatives.target"]

    @property
    def name(self):
        return localized(self, "name")


class EditionQuerySet(models.QuerySet):
    def in_plan(self, plan):
        return self.filter(plan=plan)

    def published(self):
        return self.filter(published_at__isnull=False)


class EditionManager(models.Manager.from_queryset(EditionQuerySet)):
    def get_by_natural_key(self, plan, slug):
        return self.get(plan__slug=plan, slug=slug)


class Edition(models.Model):
    """A dated, titled publication of the office: the plan as of its date, fixed and citable.

    It holds no copy of the figures: approved reports are never edited, so the plan as of the
    edition's date is computed again, the same, whenever its pages are opened."""

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="editions", verbose_name=_("plan")
    )
    slug = models.SlugField(
        _("slug"), max_length=80, help_text=_("Names the edition in addresses, e.g. 2024-12-04.")
    )
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    as_of = models.DateField(
        _("as of"), help_text=_("The figures are those reported and approved by this day.")
    )
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="editions",
        verbose_name=_("source"),
        help_text=_("The document in which the office presented these figures, if any."),
    )
    published_at = models.DateTimeField(
        _("published"), null=True, blank=True, help_text=_("Empty while a draft.")
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="editions",
        verbose_name=_("published by"),
    )
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Demo content that the source documents do not state."),
    )

    objects = EditionManager()

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["plan", "-as_of", "slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "slug"],
                name="initiatives_edition_slug_once_per_plan",
                violation_error_message=_("This plan already has an edition with this slug."),
            ),
            models.CheckConstraint(
                condition=~Q(title_en=""),
                name="initiatives_edition_has_title",
                violation_error_message=_("An edition needs an English title."),
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.plan.slug, self.slug)

    natural_key.dependencies = ["initiatives.plan", "initiatives.source"]

    @property
    def title(self):
        return localized(self, "title")

    @property
    def description(self):
        return localized(self, "description")
