"""Time in a plan round: the office's reporting periods and its dated editions."""

from collections import namedtuple
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import clock
from .choices import ItemKind, ReviewState, Role
from .i18n import localized
from .items import KIND_CODES, PlanItem, Responsibility
from .plans import Plan
from .reference import FocusArea, Source
from .revisions import Revision
from .targets import ProgressReport, Target, log_on_commit


class ReportingPeriodQuerySet(models.QuerySet):
    def in_plan(self, plan):
        return self.filter(plan=plan)

    def started(self, today=None):
        """The periods that have begun by the tracker's today."""
        return self.filter(start_date__lte=today or clock.today())

    def current(self, plan, today=None):
        """The plan's period containing today, else the next one due; None when neither."""
        return current_of(self.in_plan(plan), today or clock.today())

    def current_of_each_plan(self, today=None):
        """The current period (as current()) of every plan that has one, in one query."""
        today = today or clock.today()
        by_plan = {}
        for period in self.select_related("plan").order_by("plan__start_date", "plan_id"):
            by_plan.setdefault(period.plan_id, []).append(period)
        found = (current_of(periods, today) for periods in by_plan.values())
        return [period for period in found if period is not None]

    def latest_closed(self, plan, today=None):
        """The plan's latest period whose due date has passed: the last one whose reports are
        all expected in. None before the first due date."""
        today = today or clock.today()
        periods = self.in_plan(plan).filter(due_date__lt=today)
        return periods.order_by("-due_date", "-end_date").first()

    def obligations(self, member=None, today=None):
        """{period pk: [Owed, ...]}: what is owed in each period (obligations.owed_in)."""
        from .obligations import owed_in

        return owed_in(self, member=member, today=today)

    def standings(self, today=None, as_of=None):
        """{period pk: Standing}: each period's standing by member (obligations.standings),
        as it was at the end of `as_of` if given."""
        from .obligations import standings

        return standings(list(self), today=today, as_of=as_of)

    def latest_closed_standing(self, plan, today=None):
        """The standing of the plan's latest closed period (latest_closed()), or None: three
        queries, the period read with the targets it requires (one requiring none has no
        standing)."""
        from .obligations import standings

        today = today or clock.today()
        latest = self.in_plan(plan).filter(due_date__lt=today)
        latest = latest.order_by("-due_date", "-end_date")[:1]
        return next(iter(standings(latest, today=today).values()), None)


def current_of(periods, today):
    """Of one plan's periods, the latest one containing today, else the earliest one due from
    today on; None when neither."""
    periods = list(periods)
    containing = [p for p in periods if p.start_date <= today <= p.end_date]
    if containing:
        return max(containing, key=lambda p: p.start_date)
    coming = [p for p in periods if p.due_date >= today]
    return min(coming, key=lambda p: (p.due_date, p.start_date), default=None)


class ReportingPeriodManager(models.Manager.from_queryset(ReportingPeriodQuerySet)):
    def get_by_natural_key(self, plan, start_date, end_date):
        return self.get(plan__slug=plan, start_date=start_date, end_date=end_date)

    def make_quarters(self, plan, due_after_days=15, targets=None, **fields):
        """Create the quarters of every year of the plan's period (Q1 to Q4, clipped to the
        period), each due `due_after_days` after its last day, requiring `targets` if given.

        All or nothing: refused with a ValidationError when a quarter would overlap a period
        the plan already has."""
        if due_after_days is None or due_after_days < 0:
            raise ValidationError(_("The number of days after the quarter cannot be negative."))
        quarters = list(plan_quarters(plan))
        with transaction.atomic():
            clashes = [
                period
                for period in self.in_plan(plan).select_for_update().order_by("start_date")
                if any(period.overlaps(start, end) for start, end, *_names in quarters)
            ]
            if clashes:
                raise ValidationError(
                    _("The plan already has periods in these quarters: %(periods)s.")
                    % {"periods": ", ".join(period.name for period in clashes)}
                )
            created = []
            for start, end, name_en, name_zh in quarters:
                period = self.model(
                    plan=plan,
                    name_en=name_en,
                    name_zh=name_zh,
                    start_date=start,
                    end_date=end,
                    due_date=end + timedelta(days=due_after_days),
                    **fields,
                )
                period.full_clean()
                period.save()
                if targets is not None:
                    period.targets.set(targets)
                created.append(period)
        return created


QUARTER_MONTHS = ((1, 3), (4, 6), (7, 9), (10, 12))
QUARTERS_ZH = ("一", "二", "三", "四")


def plan_quarters(plan):
    """(first day, last day, English name, Chinese name) of each quarter of the plan's period,
    clipped to it."""
    for year in range(plan.start_date.year, plan.end_date.year + 1):
        for number, (first, last) in enumerate(QUARTER_MONTHS, start=1):
            start = max(date(year, first, 1), plan.start_date)
            following = date(year + 1, 1, 1) if last == 12 else date(year, last + 1, 1)
            end = min(following - timedelta(days=1), plan.end_date)
            if start <= end:
                yield start, end, f"Q{number} {year}", f"{year}年第{QUARTERS_ZH[number - 1]}季度"


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

    def clean(self):
        super().clean()
        if not (self.plan_id and self.start_date and self.end_date):
            return
        if self.end_date < self.start_date:
            return  # the constraint's message says so
        others = ReportingPeriod.objects.in_plan(self.plan_id).exclude(pk=self.pk)
        clash = others.filter(start_date__lte=self.end_date, end_date__gte=self.start_date)
        clash = clash.order_by("start_date").first()
        if clash is not None:
            raise ValidationError(
                _("This period overlaps %(period)s (%(start)s to %(end)s) of the same plan.")
                % {"period": clash.name, "start": clash.start_date, "end": clash.end_date}
            )
        if self.due_date and self.due_date < self.end_date:
            raise ValidationError(
                {"due_date": _("Reports are due after the period ends, not before.")}
            )

    def overlaps(self, start, end):
        return self.start_date <= end and start <= self.end_date

    def require_valued_targets(self):
        """Require every target of the plan that has a target value; returns how many were
        added."""
        valued = Target.objects.in_plan(self.plan_id).filter(target_value__isnull=False)
        missing = valued.exclude(pk__in=self.targets.values("pk"))
        added = list(missing.values_list("pk", flat=True))
        self.targets.add(*added)
        return len(added)

    def obligations(self, member=None, today=None):
        """What is owed in this period: a list of obligations.Owed (member, target, state,
        report), by member and target code; with `member`, only what that member owes."""
        from .obligations import owed_in

        return owed_in([self], member=member, today=today)[self.pk]

    def standing(self, today=None):
        """Each member's counts by state, their sum, and how many of the period's targets
        have an approved report within it (obligations.Standing)."""
        from .obligations import standings

        return standings([self], today=today)[self.pk]

    def is_closed(self, today=None):
        """Whether the due date has passed: from the next day on, what is missing is late."""
        return (today or clock.today()) > self.due_date


class EditionQuerySet(models.QuerySet):
    def in_plan(self, plan):
        return self.filter(plan=plan)

    def published(self, by_end_of=None):
        """The editions the public sees: published by the office (by the end of the day
        `by_end_of`, if given: the editions of a page as of that day), newest first."""
        published = self.filter(published_at__isnull=False)
        if by_end_of is not None:
            published = published.filter(published_at__lt=end_of(by_end_of))
        return published.order_by("-as_of", "-published_at", "slug")

    def for_rows(self):
        """With what a row about an edition names: its plan, source and publisher."""
        return self.select_related("plan", "source", "published_by")


class EditionManager(models.Manager.from_queryset(EditionQuerySet)):
    def get_by_natural_key(self, plan, slug):
        return self.get(plan__slug=plan, slug=slug)


class Edition(models.Model):
    """A dated, titled publication of the office: the plan as of its date, fixed and citable.

    It holds no copy of the figures: approved reports are never edited, so the plan as of the
    edition's date is computed again, the same, whenever its pages are opened: reports dated
    and approved by that day, terms as revised by then (`items()`, `headlines()`). Once
    published, its plan and date no longer change (`clean()`, and a trigger in db.py)."""

    FIXED_FIELDS = ("plan", "as_of")  # what publishing fixes

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

    def get_absolute_url(self):
        return self.plan.reverse("initiatives:edition_detail", args=[self.slug])

    def natural_key(self):
        return (self.plan.slug, self.slug)

    natural_key.dependencies = ["initiatives.plan", "initiatives.source"]

    @property
    def title(self):
        return localized(self, "title")

    @property
    def description(self):
        return localized(self, "description")

    @property
    def is_published(self):
        return self.published_at is not None

    def clean(self):
        super().clean()
        errors = {}
        if self.pk is not None:
            saved = (
                type(self)
                ._base_manager.filter(pk=self.pk)
                .values("published_at", "plan_id", "as_of")
            )
            saved = saved.first()
            if saved and saved["published_at"] is not None:
                if saved["as_of"] != self.as_of:
                    errors["as_of"] = _(
                        "This edition is published: its date is fixed. Make a new edition "
                        "for another date."
                    )
                if saved["plan_id"] != self.plan_id:
                    errors["plan"] = _("This edition is published: it stays with its plan.")
        if self.slug == "feed":
            errors["slug"] = _("“feed” names the editions' Atom feed: choose another slug.")
        plan = self.plan if self.plan_id else None
        if plan is not None and self.as_of and not plan.start_date <= self.as_of:
            errors["as_of"] = _("An edition is dated within its plan, from %(date)s.") % {
                "date": plan.start_date.isoformat()
            }
        if self.as_of and self.as_of > clock.today():
            errors.setdefault("as_of", _("An edition cannot be dated in the future."))
        if errors:
            raise ValidationError(errors)

    def publish(self, by):
        """Make the edition public, as of its date, from now on: its plan and date are fixed."""
        with transaction.atomic():
            saved = type(self)._base_manager.select_for_update().get(pk=self.pk)
            if saved.published_at is not None:
                raise ValidationError(_("This edition is already published."))
            self.published_at, self.published_by = timezone.now(), by
            self.full_clean()
            self.save()
            log_on_commit(
                "edition_published",
                by,
                plan=self.plan.slug,
                edition=self.slug,
                as_of=self.as_of.isoformat(),
            )

    def items(self):
        """The plan's items with their figures as of the edition's date."""
        return figures_as_of(self.plan, PlanItem.objects.in_plan(self.plan), self.as_of)

    def rows(self, fields, items=None):
        """Named rows of `fields` of the plan's items (or of `items`) as of the edition's
        date, read as tuples in one query: for summaries of every item."""
        items = PlanItem.objects.in_plan(self.plan) if items is None else items
        return rows_as_of(self.plan, items, self.as_of, fields)

    def headlines(self):
        """The plan's headline indicators with their figures as of the edition's date."""
        targets = Target.objects.in_plan(self.plan).headlines()
        return targets_as_of(targets, self.as_of).select_related("source", "item__plan")

    def changes(self, until=None):
        """What changed from this edition to another (`until`), or to today: `Changes`."""
        if until is not None and until.plan_id != self.plan_id:
            raise ValueError("Editions of two plans are not compared.")
        return changes_between(self.plan, self.as_of, until.as_of if until else None)


def figures_as_of(plan, items, day):
    """Items of `plan` with their figures as its pages show them on `day`: reports dated and
    approved by then, terms and statuses of then, and outcomes once the plan has closed."""
    return items.with_outcome(plan, today=day, approved_by=day)


def targets_as_of(targets, day):
    return targets.with_progress(today=day, approved_by=day)


# The fields whose value of then with_progress(approved_by=) annotates beside them.
THEN_FIELDS = {name: f"{name}_then" for name in ("status", "start_date", "due_date")}


def rows_as_of(plan, items, day, fields):
    """Named rows of `fields` of `items` as of `day` (None: today, as today's pages show
    them), in one query; a status or an item's dates are those of then."""
    Row = namedtuple("Row", fields)
    if day is None:
        queryset, asked = items.with_outcome(plan), fields
    else:
        queryset = figures_as_of(plan, items, day)
        asked = [THEN_FIELDS.get(name, name) for name in fields]
    return [Row(*values) for values in queryset.order_by().values_list(*asked)]


def end_of(day):
    """The first moment after `day`, in the site's time zone: "approved by `day`" is before."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


# What the difference between two dates compares of each item, as with_progress() names it.
COMPARED = ("progress", "status", "schedule", "outcome")
PROGRESS_DECIMALS = 1  # a change the pages would not show is no change


@dataclass(frozen=True)
class ItemRef:
    """The item a change is about, as the difference lists and filters it."""

    kind: str
    code: str
    title_en: str
    title_zh: str
    area: str  # the focus area's slug
    members: tuple[str, ...]  # the responsible members' slugs, lead first
    url: str
    is_illustrative: bool

    @property
    def title(self):
        return localized(self, "title")


@dataclass(frozen=True)
class ItemChange:
    """An item whose figures differ between the two dates: `before` and `after` map each of
    COMPARED to its value then (`outcome` is None while the plan is open)."""

    item: ItemRef
    before: dict
    after: dict
    changed: tuple[str, ...]


@dataclass(frozen=True)
class ReportChange:
    """A report approved between the two dates: new, or a correction of an earlier one."""

    item: ItemRef
    report: ProgressReport  # with its target, member, source and what it corrects

    @property
    def is_correction(self):
        return self.report.supersedes_id is not None


@dataclass(frozen=True)
class RevisionChange:
    """A revision of an item's period or a target's terms approved between the two dates."""

    item: ItemRef
    revision: Revision  # with its target


@dataclass
class Changes:
    """The difference of a plan between two dates (`until` None: today), as plain records."""

    plan: Plan
    since: date
    until: date | None
    items: list = field(default_factory=list)
    reports: list = field(default_factory=list)
    revisions: list = field(default_factory=list)

    @property
    def until_date(self):
        return self.until or clock.today()

    def filtered(self, area=None, member=None):
        """The changes of items in one focus area and/or with one responsible member (slugs)."""

        def kept(record):
            ref = record.item
            return (area is None or ref.area == area) and (member is None or member in ref.members)

        return Changes(
            self.plan,
            self.since,
            self.until,
            [r for r in self.items if kept(r)],
            [r for r in self.reports if kept(r)],
            [r for r in self.revisions if kept(r)],
        )

    def by_list(self):
        """[(kind, items, reports, revisions)] for each of the three lists, in their order."""
        return [
            (
                kind,
                [r for r in self.items if r.item.kind == kind],
                [r for r in self.reports if r.item.kind == kind],
                [r for r in self.revisions if r.item.kind == kind],
            )
            for kind in ItemKind.values
        ]

    def __len__(self):
        return len(self.items) + len(self.reports) + len(self.revisions)


def compared_values(row):
    values = {name: getattr(row, name) for name in COMPARED}
    if values["progress"] is not None:
        values["progress"] = round(values["progress"], PROGRESS_DECIMALS)
    return values


def changes_between(plan, since, until=None):
    """What changed in `plan` from the day `since` to the day `until` (None: today): items
    whose progress, status, schedule position or outcome changed (figures as of each day, reports
    approved by then), reports approved in between (new ones and corrections) and revisions
    approved in between.

    Six queries whatever the size of the plan: the items' figures on each day, their focus
    areas and responsible members, the reports and the revisions.
    """
    if until is not None and until < since:
        since, until = until, since
    fields = (
        *("pk", "kind", "code", "title_en", "title_zh", "focus_area_id", "is_illustrative"),
        *COMPARED,
    )
    items = PlanItem.objects.in_plan(plan)
    before = {row.pk: row for row in rows_as_of(plan, items, since, fields)}
    after = {row.pk: row for row in rows_as_of(plan, items, until, fields)}
    areas = dict(FocusArea.objects.values_list("pk", "slug"))
    leads, co = {}, {}
    responsibilities = (
        Responsibility.objects.filter(item__plan=plan)
        .order_by("member__position")
        .values_list("item", "member__slug", "role")
    )
    for item, slug, role in responsibilities:
        (leads if role == Role.LEAD else co).setdefault(item, []).append(slug)

    def ref(row):
        url_name = KIND_CODES[row.kind][3]
        return ItemRef(
            kind=row.kind,
            code=row.code,
            title_en=row.title_en,
            title_zh=row.title_zh,
            area=areas.get(row.focus_area_id, ""),
            members=(*leads.get(row.pk, ()), *co.get(row.pk, ())),
            url=plan.reverse(f"initiatives:{url_name}", args=[row.code]),
            is_illustrative=row.is_illustrative,
        )

    refs = {pk: ref(row) for pk, row in after.items()}
    changes = Changes(plan, since, until)
    for pk, row in sorted(after.items(), key=lambda pair: (pair[1].kind, pair[1].code)):
        old = before.get(pk)
        if old is None:
            continue
        then, now = compared_values(old), compared_values(row)
        changed = tuple(name for name in COMPARED if then[name] != now[name])
        if changed:
            changes.items.append(ItemChange(refs[pk], then, now, changed))

    approved_between = Q(reviewed_at__gte=end_of(since))
    if until is not None:
        approved_between &= Q(reviewed_at__lt=end_of(until))
    reports = ProgressReport.objects.in_plan(plan).filter(
        approved_between, status=ReviewState.APPROVED
    )
    if until is not None:
        reports = reports.filter(as_of__lte=until)
    reports = reports.select_related("target", "member", "source", "supersedes").order_by(
        "reviewed_at", "pk"
    )
    for report in reports:
        changes.reports.append(ReportChange(refs[report.target.item_id], report))
    revisions = (
        Revision.objects.approved()
        .in_plan(plan)
        .filter(approved_between)
        .select_related("target", "item")
        .order_by("reviewed_at", "pk")
    )
    for revision in revisions:
        changes.revisions.append(RevisionChange(refs[revision.item_id], revision))
    return changes
