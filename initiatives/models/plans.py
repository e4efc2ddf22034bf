"""Plans: one round of one region's action plan, which every item belongs to."""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import clock
from . import natural_keys
from .choices import PlanState
from .i18n import localized
from .reference import Member, Source


class PlanQuerySet(models.QuerySet):
    def current(self):
        """The plan the site opens on (None before any is marked)."""
        return self.filter(is_current=True).first()


class PlanManager(models.Manager.from_queryset(PlanQuerySet)):
    def get_by_natural_key(self, slug):
        return natural_keys.get_by_natural_key(self, slug=slug)


class Plan(models.Model):
    """One plan round of one region, e.g. the Yangtze River Delta's third three-year action
    plan (2024-2026). Item codes are unique within a plan; the same code may recur in the next
    round."""

    slug = models.SlugField(
        _("slug"),
        max_length=60,
        unique=True,
        help_text=_("Names the plan in addresses: /plans/<slug>/."),
    )
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    short_name_en = models.CharField(
        _("short name (English)"),
        max_length=60,
        blank=True,
        help_text=_("For the plan switcher, e.g. “YRD 2024-2026”."),
    )
    short_name_zh = models.CharField(_("short name (Chinese)"), max_length=60, blank=True)
    region_en = models.CharField(_("region (English)"), max_length=100)
    region_zh = models.CharField(_("region (Chinese)"), max_length=100, blank=True)
    members = models.ManyToManyField(
        Member, blank=True, related_name="plans", verbose_name=_("members of the region")
    )
    start_date = models.DateField(_("start of the period"))
    end_date = models.DateField(_("end of the period"))
    sources = models.ManyToManyField(
        Source, blank=True, related_name="plans", verbose_name=_("sources")
    )
    follows = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_rounds",
        verbose_name=_("follows"),
        help_text=_("The previous round, whose unfinished items this one may carry over."),
    )
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("A demo round that the source documents do not state."),
    )
    is_current = models.BooleanField(
        _("the plan the site opens on"),
        default=False,
        help_text=_("Its pages have the short addresses; one plan at a time."),
    )

    objects = PlanManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-start_date", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="initiatives_plan_ends_after_start",
                violation_error_message=_("A plan cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="initiatives_plan_one_current",
                violation_error_message=_(
                    "Another plan is the one the site opens on: unmark it first."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(follows=F("pk")),
                name="initiatives_plan_does_not_follow_itself",
                violation_error_message=_("A plan cannot follow itself."),
            ),
            models.CheckConstraint(
                condition=~Q(name_en=""),
                name="initiatives_plan_has_name",
                violation_error_message=_("A plan needs an English name."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.reverse("initiatives:dashboard")

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["initiatives.member", "initiatives.source"]

    def reverse(self, viewname, args=None):
        """The address of a page of this plan: the short one for the plan the site opens on,
        the one under /plans/<slug>/ for the others."""
        if self.is_current:
            return reverse(viewname, args=args)
        name = viewname.split(":", 1)[-1]
        return reverse(f"plans:{name}", args=[self.slug, *(args or ())])

    def state(self, today=None):
        """A PlanState: upcoming before its start date, closed once its end date has passed,
        active in between."""
        today = today or clock.today()
        if today < self.start_date:
            return PlanState.UPCOMING
        if today > self.end_date:
            return PlanState.CLOSED
        return PlanState.ACTIVE

    def is_closed(self, today=None):
        return self.state(today) == PlanState.CLOSED

    def next_active_round(self, plans=None, today=None):
        """The round following this one that is active on `today`, from `plans` when they have
        been read already, else from the database; None when there is none.

        The site opens on the plan marked current and never changes it by the date: once that
        round has closed, its pages link to the round under way instead."""
        plans = Plan.objects.filter(follows=self) if plans is None else plans
        for plan in plans:
            if plan.follows_id == self.pk and plan.state(today) == PlanState.ACTIVE:
                return plan
        return None

    @property
    def name(self):
        return localized(self, "name")

    @property
    def short_name(self):
        return localized(self, "short_name") or self.name

    @property
    def region(self):
        return localized(self, "region")
