"""Targets on plan items, the progress reported against them, and the logs kept beside them."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, F, FilteredRelation, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from .. import audit, clock, notifications
from . import natural_keys, progress
from . import outlook as trend
from .choices import Direction, Measure, Qualifier, ReviewState, Status
from .i18n import language_suffix, localized
from .items import PlanItem
from .reference import Member, Source
from .revisions import Governed
from .versioning import Versioned


class UUIDManager(models.Manager):
    def get_by_natural_key(self, uuid):
        return self.get(uuid=uuid)


class ProgressReportQuerySet(models.QuerySet):
    def approved(self, by_end_of=None):
        """The reports that count anywhere public: approved by the office, and not replaced
        by an approved correction (an approved report is never edited: it is corrected).

        With `by_end_of` (a day), the reports that counted at the end of that day in the
        site's time zone: approved by then, and not replaced by a correction approved by then
        (the report a later correction replaces counts until the correction is approved)."""
        corrected = ProgressReport.objects.filter(
            supersedes=OuterRef("pk"), status=ReviewState.APPROVED
        )
        approved = self.filter(status=ReviewState.APPROVED)
        if by_end_of is not None:
            cutoff = progress.end_of(by_end_of)
            corrected = corrected.filter(reviewed_at__lt=cutoff)
            approved = approved.filter(reviewed_at__lt=cutoff)
        return approved.exclude(Exists(corrected))

    def as_of(self, day):
        """The reports the plan as of `day` shows: dated by that day and approved by its end;
        every approved report when `day` is None (the plan as of today)."""
        if day is None:
            return self.approved()
        return self.approved(by_end_of=day).filter(as_of__lte=day)

    def in_plan(self, plan):
        return self.filter(target__item__plan=plan)

    def for_rows(self):
        """With what a row about a report shows: its target, item, plan, member and source."""
        return self.select_related("target__item__plan", "member", "source")


class ProgressReportManager(models.Manager.from_queryset(ProgressReportQuerySet)):
    def get_by_natural_key(self, uuid):
        return self.get(uuid=uuid)


class TargetQuerySet(models.QuerySet):
    def in_plan(self, plan):
        return self.filter(item__plan=plan)

    def headlines(self):
        """The headline indicators, in the plan's order: by item, then as each item lists them."""
        return self.filter(is_headline=True).order_by("item__code", "position", "code")

    def with_revisions(self, as_of=None):
        """With `revisions` holding only the revisions in effect (by the end of `as_of`, if
        given), oldest first: what the public sees of a target's history of terms."""
        from .revisions import Revision

        revisions = progress.approved_by_end_of(Revision.objects.in_effect(), as_of)
        return self.prefetch_related(Prefetch("revisions", queryset=revisions))

    def with_progress(self, today=None, approved_by=None, dated=False):
        """Annotate the latest approved region-wide report and the progress it makes.

        `latest_value`, `latest_as_of`, `latest_report_id`, `latest_illustrative`: that report
        (None when none);
        `progress`: 0-100 or None (see progress.py); `exceeded`: beyond the target.

        With `approved_by` (a day), the target as it stood at the end of that day: only the
        reports dated by `today` (clock.today() by default) and approved by then count, and
        its terms are those in effect then (`<field>_then` for each governed field; the rows
        read come back with those values in place of the fields, progress.ThenIterable).
        Without it, every approved report counts, whatever its date, against the terms now;
        with `dated`, only those dated by `today`.
        """
        if approved_by is not None:
            return self.with_terms_then(approved_by).with_progress_then(
                today or clock.today(), approved_by
            )
        # Built once per database and day, then put back as compiled SQL (progress.CompiledSQL):
        # building and compiling these subqueries cost a page of targets more than running them.
        return self.annotate(**compiled_figures(self.db, today or clock.today(), dated))

    def built_progress(self, today=None, dated=False):
        """with_progress() of today built from Django expressions: what is compiled once, what a
        query nesting the targets' figures in its own reads, and what the tests compare the
        compiled figures with."""
        latest = (
            ProgressReport.objects.approved()
            .filter(target=OuterRef("pk"), member__isnull=True)
            .order_by("-as_of", "-pk")
        )
        if dated:
            latest = latest.filter(as_of__lte=today or clock.today())
        return self.annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_as_of=Subquery(latest.values("as_of")[:1]),
            latest_report_id=Subquery(latest.values("pk")[:1]),
            latest_illustrative=Subquery(latest.values("is_illustrative")[:1]),
            progress=Subquery(latest.annotate(p=progress.report_percent()).values("p")[:1]),
            exceeded=Subquery(latest.annotate(x=progress.report_exceeded()).values("x")[:1]),
        )

    def with_progress_then(self, today, approved_by):
        """with_progress() as of a past day, after with_terms_then()."""
        latest = (
            ProgressReport.objects.approved(by_end_of=approved_by)
            .filter(target=OuterRef("pk"), member__isnull=True, as_of__lte=today)
            .order_by("-as_of", "-pk")
        )

        def term(name):
            return OuterRef(name + progress.THEN)

        return self.annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_as_of=Subquery(latest.values("as_of")[:1]),
            latest_report_id=Subquery(latest.values("pk")[:1]),
            latest_illustrative=Subquery(latest.values("is_illustrative")[:1]),
            progress=Subquery(latest.annotate(p=progress.report_percent(term)).values("p")[:1]),
            exceeded=Subquery(latest.annotate(x=progress.report_exceeded(term)).values("x")[:1]),
        )

    def with_terms_then(self, day):
        """Annotate `<field>_then`, each governed term as it stood at the end of `day` (and
        alias the item's start then, which a target's time may start from); the rows come
        back with those values in place of the fields. Each term's revision is joined (see
        progress.revised_pair)."""
        from .revisions import Revision

        cutoff = progress.end_of(day)
        approved = Revision.objects.approved()
        own = approved.filter(target=OuterRef("pk"))
        queryset, terms = self, {}
        for name in Target.GOVERNED_FIELDS:
            first = progress.first_revised_later(own, name, cutoff).values("pk")[:1]
            joined = FilteredRelation("revisions", condition=Q(revisions__pk=Subquery(first)))
            queryset = queryset.alias(**{f"revised_{name}": joined})
            terms[name + progress.THEN] = progress.value_then(
                Target._meta.get_field(name),
                F(name),
                progress.RevisedPair(F(f"revised_{name}__changes"), name),
            )
        periods = approved.filter(item=OuterRef("item"), target__isnull=True)
        item_start = progress.value_then(
            PlanItem._meta.get_field("start_date"),
            F("item__start_date"),
            progress.revised_pair(periods, "start_date", cutoff),
        )
        queryset = queryset.alias(item_start_date_then=item_start).annotate(**terms)
        queryset._iterable_class = progress.ThenIterable
        return queryset

    def with_schedule(self, today=None):
        """Annotate `schedule`: where each target stands against its own time (after
        with_progress(), whose `progress` it reads, and whose terms: as they stood then, for
        a past day)."""
        today = today or clock.today()
        term = F
        if "target_date" + progress.THEN in self.query.annotations:

            def term(name):  # item__start_date: the alias item_start_date_then
                return F(name.replace("__", "_") + progress.THEN)

        else:
            compiled = compiled_figures(self.db, today)
            if self.query.annotations.get("progress") == compiled["progress"]:
                return self.annotate(schedule=compiled["schedule"])
        return self.annotate(schedule=progress.target_schedule_position(F("progress"), today, term))

    def with_outlook(self, today=None, approved_by=None):
        """With the approved region-wide reports dated by `today` that Target.outlook() reads,
        prefetched: a page of targets computes its outlooks in one more query. With
        `approved_by` (a day), only those approved by its end, as with_progress() counts them
        for the plan as of a past day."""
        reports = outlook_reports(today, approved_by)
        return self.prefetch_related(
            Prefetch("reports", queryset=reports, to_attr="outlook_reports")
        )


FIGURES = (
    "latest_value",
    "latest_as_of",
    "latest_report_id",
    "latest_illustrative",
    "progress",
    "exceeded",
)


def compiled_figures(using, today, dated=False):
    """with_progress()'s annotations of today (with `dated`, of the reports dated by `today`)
    and with_schedule()'s `schedule` after them, as compiled SQL kept per database and day."""

    def term(name):
        # Compiled SQL carries no join: the item's start is read by its key instead.
        if name == "item__start_date":
            items = PlanItem.objects.filter(pk=OuterRef("item_id"))
            return Subquery(items.values("start_date")[:1])
        return F(name)

    def build():
        built = Target.objects.using(using).order_by().built_progress(today, dated=dated)
        schedule = progress.target_schedule_position(F("progress"), today, term)
        return built.annotate(schedule=schedule)

    names = (*FIGURES, "schedule")
    return progress.compiled_annotations(Target, using, today, build, names, dated=dated)


def outlook_reports(today=None, approved_by=None):
    """The reports a target's outlook is computed from: approved (by the end of `approved_by`,
    if given), for the whole region, with a value, dated by `today`, oldest first."""
    return (
        ProgressReport.objects.approved(by_end_of=approved_by)
        .filter(member__isnull=True, value__isnull=False, as_of__lte=today or clock.today())
        .order_by("as_of", "pk")
        .only("pk", "target", "as_of", "value")
    )


class TargetManager(models.Manager.from_queryset(TargetQuerySet)):
    def get_by_natural_key(self, plan, code):
        return natural_keys.get_by_natural_key(self, item__plan__slug=plan, code=code)


class Target(Governed, Versioned, models.Model):
    """What an item promises, measured: a number, a percentage or a qualitative milestone.

    A numeric target without a target value is a monitored indicator: it has a baseline and
    reported values but no progress. Its terms (GOVERNED_FIELDS) change only by a reviewed
    revision (models/revisions.py).
    """

    GOVERNED_FIELDS = (
        "measure",
        "direction",
        "unit_en",
        "unit_zh",
        "baseline_value",
        "baseline_date",
        "target_value",
        "target_qualifier",
        "target_date",
    )
    # What a target says and how it is measured, in the order the data package, the import
    # and export and the admin's form list them.
    NAME_FIELDS = ("name_en", "name_zh", "unit_en", "unit_zh")
    MEASURE_FIELDS = (
        "measure",
        "direction",
        "baseline_value",
        "baseline_date",
        "target_value",
        "target_qualifier",
        "target_date",
    )

    code = models.CharField(
        _("code"),
        max_length=20,
        help_text=_("The item's code and a number, e.g. I-02.1."),
    )
    item = models.ForeignKey(
        PlanItem, on_delete=models.PROTECT, related_name="targets", verbose_name=_("item")
    )
    name_en = models.CharField(_("name (English)"), max_length=300)
    name_zh = models.CharField(_("name (Chinese)"), max_length=300, blank=True)
    unit_en = models.CharField(_("unit (English)"), max_length=60, blank=True)
    unit_zh = models.CharField(_("unit (Chinese)"), max_length=60, blank=True)
    measure = models.CharField(
        _("measure"), max_length=20, choices=Measure.choices, default=Measure.NUMBER
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    target_value = models.DecimalField(
        _("target value"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    target_qualifier = models.CharField(
        _("target wording"), max_length=10, choices=Qualifier.choices, blank=True
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("source"),
    )
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Demo content that the source documents do not state."),
    )
    is_headline = models.BooleanField(
        _("headline indicator"),
        default=False,
        help_text=_("Shown on the dashboard among the region's headline indicators."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = TargetManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "code"],
                name="initiatives_target_code_once",
                violation_error_message=_("The item already has a target with this code."),
            ),
            models.CheckConstraint(
                condition=Q(measure__in=Measure.values)
                & Q(direction__in=Direction.values)
                & Q(target_qualifier__in=Qualifier.values),
                name="initiatives_target_choices_valid",
            ),
            models.CheckConstraint(
                condition=~Q(measure=Measure.MILESTONE)
                | Q(baseline_value__isnull=True, target_value__isnull=True),
                name="initiatives_target_milestone_has_no_values",
                violation_error_message=_(
                    "A qualitative milestone has no baseline or target value."
                ),
            ),
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True)
                | Q(target_value__isnull=True)
                | Q(direction=Direction.HIGHER, target_value__gt=F("baseline_value"))
                | Q(direction=Direction.LOWER, target_value__lt=F("baseline_value")),
                name="initiatives_target_beyond_baseline",
                violation_error_message=_(
                    "The target must differ from the baseline in the target's direction: "
                    "above it when higher is better, below it when lower is better."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(
                    direction=Direction.HIGHER,
                    baseline_value__isnull=True,
                    target_value__lte=0,
                ),
                name="initiatives_target_positive_without_baseline",
                violation_error_message=_(
                    "Without a baseline, a target that should rise counts from zero: "
                    "it must be above zero."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(measure=Measure.PERCENTAGE)
                | (
                    (Q(baseline_value__isnull=True) | Q(baseline_value__range=(0, 100)))
                    & (Q(target_value__isnull=True) | Q(target_value__range=(0, 100)))
                ),
                name="initiatives_target_percentage_range",
                violation_error_message=_("A percentage lies between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(baseline_date__isnull=True)
                | Q(target_date__isnull=True)
                | Q(target_date__gte=F("baseline_date")),
                name="initiatives_target_date_after_baseline",
                violation_error_message=_("The target date cannot be before the baseline date."),
            ),
            models.CheckConstraint(
                condition=~Q(name_en=""),
                name="initiatives_target_has_name",
                violation_error_message=_("A target needs an English name."),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return f"{self.item.get_absolute_url()}#target-{self.code}"

    def natural_key(self):
        return (self.item.plan.slug, self.code)

    natural_key.dependencies = ["initiatives.planitem"]

    @property
    def name(self):
        return localized(self, "name")

    @property
    def unit(self):
        return localized(self, "unit")

    @property
    def is_numeric(self):
        return self.measure != Measure.MILESTONE

    @property
    def is_final(self):
        """Whether the latest figure with_progress() annotated is dated on or after the target
        date: the figure for the whole term, which no later report is awaited to update."""
        latest = getattr(self, "latest_as_of", None)
        return bool(latest and self.target_date and latest >= self.target_date)

    @property
    def is_monitored(self):
        """A monitored indicator: a number watched without a target value to reach."""
        return self.is_numeric and self.target_value is None

    def outlook(self, today=None, reports=None):
        """The Trend of the target's approved region-wide values dated by `today`
        (models/outlook.py), or None: for a milestone, a monitored indicator, or fewer than two
        dated values. The baseline counts as a value when it has a date.

        `reports`: the target's approved region-wide reports, if the caller has them already
        (oldest first); else those with_outlook() prefetched; else they are read here.
        """
        if not self.is_numeric or self.target_value is None:
            return None
        today = today or clock.today()
        if reports is None:
            reports = getattr(self, "outlook_reports", None)
        if reports is None:
            reports = outlook_reports(today).filter(target=self)
        points = [
            (report.as_of, report.value)
            for report in reports
            if report.as_of <= today and report.value is not None
        ]
        if self.baseline_date is not None and self.baseline_value is not None:
            points.insert(0, (self.baseline_date, self.baseline_value))
        return trend.assess(points, self.target_value, self.target_date, self.direction)

    def clean(self):
        super().clean()
        errors = {}
        item = self.item if self.item_id else None
        if item is not None and self.code and not self.code.startswith(f"{item.code}."):
            # With this, a code is unique within the plan, as the item's code is.
            errors["code"] = _("A target's code is its item's code, a dot and a number: %(e)s.") % {
                "e": f"{item.code}.1"
            }
        if self.is_numeric and self.measure and self.direction:
            if (
                self.direction == Direction.HIGHER
                and self.baseline_value is None
                and self.target_value is not None
                and self.target_value <= 0
            ):
                errors["target_value"] = _(
                    "Without a baseline, a target that should rise counts from zero: "
                    "it must be above zero."
                )
        elif self.measure == Measure.MILESTONE:
            for field in ("baseline_value", "target_value"):
                if getattr(self, field) is not None:
                    errors[field] = _("A qualitative milestone has no value: leave this empty.")
        if errors:
            raise ValidationError(errors)

    def governed_item(self):
        return self.item

    def check_revision(self):
        message = self.report_misfits()
        if message:
            raise ValidationError({"measure": message})

    def report_misfits(self):
        """A message when the target's reports would not fit its (changed) measure, else None.

        The database refuses such a change (initiatives/db.py); say so before it has to.
        """
        if self.pk is None:
            return None
        reports = ProgressReport.objects.filter(target_id=self.pk)
        if self.measure == Measure.MILESTONE:
            misfits = reports.filter(value__isnull=False)
        else:
            misfits = reports.filter(Q(value__isnull=True) | Q(milestone_reached=True))
            if self.measure == Measure.PERCENTAGE:
                misfits = misfits | reports.filter(Q(value__lt=0) | Q(value__gt=100))
        count = misfits.count()
        if not count:
            return None
        return ngettext(
            "%(count)d report on this target does not fit that measure; keep the measure, or "
            "make a new target.",
            "%(count)d reports on this target do not fit that measure; keep the measure, or "
            "make a new target.",
            count,
        ) % {"count": count}


def log_on_commit(event, by, **fields):
    """An audit entry for a step, written once the step's transaction commits: a step rolled
    back with the rest of an import or a bulk action leaves no entry."""
    user = by.get_username() if by is not None else None
    transaction.on_commit(lambda: audit.log(event, user=user, **fields))


class ProgressReport(Versioned, models.Model):
    """A dated value reported against a target, for the whole region or one member.

    Only approved reports count anywhere public.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    target = models.ForeignKey(
        Target, on_delete=models.PROTECT, related_name="reports", verbose_name=_("target")
    )
    as_of = models.DateField(_("as of"))
    value = models.DecimalField(
        _("value"),
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("For numbers and percentages; leave empty for a qualitative milestone."),
    )
    qualifier = models.CharField(_("wording"), max_length=10, choices=Qualifier.choices, blank=True)
    milestone_reached = models.BooleanField(
        _("milestone reached"), default=False, help_text=_("For qualitative milestones only.")
    )
    narrative_en = models.TextField(_("narrative (English)"), blank=True)
    narrative_zh = models.TextField(_("narrative (Chinese)"), blank=True)
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("member"),
        help_text=_("Leave empty for a figure for the whole of the target."),
    )
    note = models.TextField(_("note"), blank=True)
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("source"),
    )
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
        help_text=_(
            "The approved report this one corrects: once this is approved, it takes that one's "
            "place in every public figure, shown as a correction with its reason."
        ),
    )
    correction_reason = models.TextField(
        _("reason for the correction"),
        blank=True,
        help_text=_("Required for a correction; shown publicly beside it."),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_reports",
        verbose_name=_("reported by"),
    )
    status = models.CharField(
        _("review state"), max_length=10, choices=ReviewState.choices, default=ReviewState.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_reports",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_reason = models.TextField(
        _("reviewer's reason"),
        blank=True,
        help_text=_("Required when the report is returned; shown to the reporting member."),
    )
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Demo content that the source documents do not state."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ProgressReportManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-as_of", "-pk"]
        permissions = [
            ("review_progressreport", _("Can approve or return progress reports")),
        ]
        indexes = [
            # Not a partial index: SQLite cannot use one when the status is a bound
            # parameter, and then reads every approved report for each target.
            models.Index(
                fields=["target", "status", "member", "-as_of"],
                name="initiatives_report_latest_of",
            ),
            # The latest approved reports, newest first (the overview's and a member's
            # updates): with the pk, a scan of the index's first rows, no sort of all of them.
            models.Index(fields=["status", "-as_of", "-id"], name="initiatives_report_status"),
            # The corrections, which are few: "not replaced by an approved correction" is a
            # lookup per report. On the foreign key's own index, where nearly every row is
            # NULL, SQLite's statistics say each lookup matches every report, and it reads
            # the approved ones instead (minutes a page at 100x).
            models.Index(
                fields=["supersedes"],
                condition=Q(supersedes__isnull=False),
                name="initiatives_report_corrects",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReviewState.values) & Q(qualifier__in=Qualifier.values),
                name="initiatives_report_choices_valid",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False)
                | ~Q(narrative_en="")
                | ~Q(narrative_zh="")
                | Q(milestone_reached=True),
                name="initiatives_report_says_something",
                violation_error_message=_("Give a value, or for a milestone a narrative."),
            ),
            models.CheckConstraint(
                condition=Q(status=ReviewState.DRAFT) | Q(submitted_at__isnull=False),
                name="initiatives_report_submitted_at",
                violation_error_message=_("A report past the draft stage has a submission time."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=[ReviewState.DRAFT, ReviewState.SUBMITTED])
                | Q(reviewed_by__isnull=False, reviewed_at__isnull=False),
                name="initiatives_report_reviewed_has_reviewer",
                violation_error_message=_("An approved or returned report names its reviewer."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ReviewState.RETURNED) | ~Q(review_reason=""),
                name="initiatives_report_returned_has_reason",
                violation_error_message=_("Say why the report is returned."),
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(correction_reason=""),
                name="initiatives_report_correction_has_reason",
                violation_error_message=_("Say why the approved figure is corrected."),
            ),
            models.CheckConstraint(
                condition=~Q(supersedes=F("pk")),
                name="initiatives_report_corrects_another",
                violation_error_message=_("A report cannot correct itself."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ReviewState.APPROVED)
                | Q(source__isnull=False)
                | ~Q(evidence_url=""),
                name="initiatives_report_approved_has_source",
                violation_error_message=_(
                    "An approved report cites a source or links to its evidence."
                ),
            ),
        ]

    def __str__(self):
        return _("%(target)s as of %(date)s") % {"target": self.target.code, "date": self.as_of}

    def get_absolute_url(self):
        return self.target.get_absolute_url()

    def natural_key(self):
        return (str(self.uuid),)

    natural_key.dependencies = ["initiatives.target", "initiatives.source", "initiatives.member"]

    @property
    def narrative(self):
        return localized(self, "narrative")

    @property
    def is_public(self):
        return self.status == ReviewState.APPROVED

    def submit(self, by):
        """Send a draft or a returned report to the office for review."""
        if self.status not in (ReviewState.DRAFT, ReviewState.RETURNED):
            raise ValidationError(
                _("Only a draft or a returned report can be submitted; this one is %(state)s.")
                % {"state": self.get_status_display().lower()}
            )
        if not (self.source_id or self.evidence_url):
            raise ValidationError(
                _("Cite a source or link to the evidence before submitting the report.")
            )
        self.status = ReviewState.SUBMITTED
        self.submitted_at = timezone.now()
        self._save_step(_("Submitted for review"), "report_submitted", by)

    def approve(self, by):
        """Publish a submitted report: from now on it counts in every public figure.

        Nobody approves a report they wrote (four eyes)."""
        self._require_submitted(_("approved"))
        if by is not None and by.pk == self.reported_by_id:
            raise ValidationError(_("You wrote this report: another reviewer has to approve it."))
        self.status = ReviewState.APPROVED
        self.reviewed_by, self.reviewed_at = by, timezone.now()
        self._save_step(_("Approved"), "report_approved", by)
        notifications.report_reviewed(self)

    def send_back(self, by, reason):
        """Return a submitted report to its member, with the reason it is to act on."""
        self._require_submitted(_("returned"))
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError(_("Say why the report is returned."))
        self.status = ReviewState.RETURNED
        self.review_reason = reason
        self.reviewed_by, self.reviewed_at = by, timezone.now()
        self._save_step(reason, "report_returned", by, reason=reason)
        notifications.report_reviewed(self)

    def _require_submitted(self, verb):
        if self.status != ReviewState.SUBMITTED:
            raise ValidationError(
                _("Only a submitted report can be %(verb)s; this one is %(state)s.")
                % {"verb": verb, "state": self.get_status_display().lower()}
            )

    def _save_step(self, history_reason, event, by, **fields):
        with transaction.atomic():
            self.full_clean()
            self._change_reason = history_reason
            self.save()
            log_on_commit(event, by, report=str(self.uuid), target=self.target.code, **fields)

    def clean(self):
        """The rules that need the target or today's date, which a CHECK cannot see."""
        super().clean()
        errors = {}
        target = self.target if self.target_id else None
        if target is not None:
            if target.measure == Measure.MILESTONE:
                if self.value is not None:
                    errors["value"] = _(
                        "This target is a qualitative milestone: describe progress in the "
                        "narrative and leave the value empty."
                    )
            else:
                if self.value is None:
                    errors["value"] = _("Enter the value reached (in %(unit)s).") % {
                        "unit": target.unit or _("the target's unit")
                    }
                if self.milestone_reached:
                    errors["milestone_reached"] = _(
                        "Only a qualitative milestone can be marked reached."
                    )
            if (
                target.measure == Measure.PERCENTAGE
                and self.value is not None
                and not 0 <= self.value <= 100
            ):
                errors["value"] = _("A percentage lies between 0 and 100.")
            if self.as_of and target.baseline_date and self.as_of < target.baseline_date:
                errors["as_of"] = _(
                    "The report cannot be dated before the target's baseline (%(date)s)."
                ) % {"date": target.baseline_date}
        if self.as_of and self.as_of > clock.today():
            errors["as_of"] = _("A report cannot be dated in the future.")
        if self.status == ReviewState.RETURNED and not self.review_reason.strip():
            errors["review_reason"] = _("Say why the report is returned.")
        if self.status == ReviewState.APPROVED and not (self.source_id or self.evidence_url):
            errors["source"] = _("An approved report cites a source or links to its evidence.")
        corrected = self.supersedes if self.supersedes_id else None
        if corrected is not None:
            if corrected.status != ReviewState.APPROVED:
                errors["supersedes"] = _("Only an approved report is corrected; edit this one.")
            elif (corrected.target_id, corrected.member_id) != (self.target_id, self.member_id):
                errors["supersedes"] = _(
                    "A correction is for the same target and member as the report it corrects."
                )
            if not self.correction_reason.strip():
                errors["correction_reason"] = _("Say why the approved figure is corrected.")
        if errors:
            raise ValidationError(errors)


class StatusChange(models.Model):
    """A change of an item's status, with the reason given; the public status history."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(
        PlanItem, on_delete=models.PROTECT, related_name="status_changes", verbose_name=_("item")
    )
    old_status = models.CharField(
        _("previous status"), max_length=20, choices=Status.choices, blank=True
    )
    new_status = models.CharField(_("new status"), max_length=20, choices=Status.choices)
    reason = models.TextField(_("reason"))
    reason_zh = models.TextField(
        _("reason (Chinese)"), blank=True, help_text=_("Shown on the Chinese pages, if given.")
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="status_changes",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)

    objects = UUIDManager()

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-changed_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="initiatives_statuschange_has_reason",
                violation_error_message=_("Say why the status changed."),
            ),
            models.CheckConstraint(
                condition=~Q(old_status=F("new_status")),
                name="initiatives_statuschange_changes",
                violation_error_message=_("The new status is the same as the old one."),
            ),
        ]

    def __str__(self):
        return (
            f"{self.item.code}: {self.get_old_status_display()} → {self.get_new_status_display()}"
        )

    def natural_key(self):
        return (str(self.uuid),)

    @property
    def localized_reason(self):
        return self.reason_zh if language_suffix() == "zh" and self.reason_zh else self.reason


class SubmittedReport(ProgressReport):
    """The office's review queue: the same reports, listed apart for approval or return."""

    class Meta:
        proxy = True
        verbose_name = _("report to review")
        verbose_name_plural = _("review queue")
