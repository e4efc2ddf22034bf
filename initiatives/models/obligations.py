"""What each member owes in a reporting period, and how it stands.

A period's targets must report in it. A target is owed by each member that leads its item; the
report that meets the obligation is one of the target's reports dated within the period, for the
whole of the target (no member) or for that member. Its state (Obligation), the first that
applies:

- approved: such a report is approved;
- submitted: one waits for review;
- returned: one came back (its reviewer's reason is the report's) and nothing newer is
  submitted or approved;
- late: nothing submitted, and the tracker's today is past the due date (on the due date itself
  the report is still due);
- due: otherwise.

Drafts are private to the member: they meet nothing. Everything here is computed from the rows
in a fixed number of queries, whatever the number of periods, targets and reports.
"""

from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, Subquery

from .. import clock
from . import progress
from .choices import Obligation, ReviewState, Role
from .items import Responsibility
from .reference import Member
from .targets import ProgressReport, Target

# The first state that applies, by the review state of the reports dated in the period.
PRECEDENCE = (
    (ReviewState.APPROVED, Obligation.APPROVED),
    (ReviewState.SUBMITTED, Obligation.SUBMITTED),
    (ReviewState.RETURNED, Obligation.RETURNED),
)


@dataclass(frozen=True)
class Owed:
    """One report a member owes in a period, on a target of an item it leads.

    `report` is the report that sets the state (the latest of its kind), None when due or late.
    """

    period: object
    member: Member
    target: Target
    state: str
    report: ProgressReport | None = None

    @property
    def due_date(self):
        return self.period.due_date

    @property
    def reason(self):
        """The reviewer's reason, for a returned report; else empty."""
        if self.state == Obligation.RETURNED:
            return self.report.review_reason
        return ""

    @property
    def is_open(self):
        """Whether the member still has something to do: due, returned or late."""
        return self.state in (Obligation.DUE, Obligation.RETURNED, Obligation.LATE)

    def get_state_display(self):
        return Obligation(self.state).label


@dataclass
class Counts:
    """How many owed reports stand in each state; one attribute per Obligation value."""

    due: int = 0
    submitted: int = 0
    approved: int = 0
    returned: int = 0
    late: int = 0

    def add(self, state):
        setattr(self, Obligation(state).value, getattr(self, state) + 1)

    @property
    def total(self):
        return sum(getattr(self, state) for state in Obligation.values)


@dataclass
class MemberStanding(Counts):
    member: Member | None = None


@dataclass
class Standing:
    """A period's standing: each member's counts, their sum, and of the period's targets how
    many have an approved report dated within the period (what the public pages count)."""

    period: object
    members: list = field(default_factory=list)
    total: Counts = field(default_factory=Counts)
    targets: int = 0
    targets_approved: int = 0

    def __iter__(self):
        return iter(self.members)


def owed_in(periods, member=None, today=None):
    """{period pk: [Owed, ...]} for each of `periods`, by member (in the members' order) and
    target code; with `member`, only what that member owes. Three queries."""
    periods = {period.pk: period for period in periods}
    if not periods:
        return {}
    periods, links, leads, reports = _rows(periods, member)
    return _owed(periods, links, leads, reports, today or clock.today())


def standings(periods, today=None, as_of=None):
    """{period pk: Standing} for each of `periods` (a list, or a QuerySet read with the
    targets: then only the periods that require some target), in three queries.

    With `as_of` (a past day), the standing as it was at the end of that day: a report
    submitted later did not count yet, one reviewed later was still waiting (as_of_status)."""
    if isinstance(periods, list | tuple):
        periods = {period.pk: period for period in periods}
        if not periods:
            return {}
    periods, links, leads, reports = _rows(periods, None, lean=True)
    if as_of is not None:
        reports = as_of_statuses(reports, as_of)
        today = as_of
    owed = _owed(periods, links, leads, reports, today or clock.today())
    result = {pk: Standing(period) for pk, period in periods.items()}
    for pk, rows in owed.items():
        standing, by_member = result[pk], {}
        for row in rows:
            if row.member.pk not in by_member:
                by_member[row.member.pk] = MemberStanding(member=row.member)
                standing.members.append(by_member[row.member.pk])
            by_member[row.member.pk].add(row.state)
            standing.total.add(row.state)
    for link in links:
        period, standing = periods[link.reportingperiod_id], result[link.reportingperiod_id]
        standing.targets += 1
        standing.targets_approved += any(
            report.status == ReviewState.APPROVED
            and period.start_date <= report.as_of <= period.end_date
            for report in reports.get(link.target_id, ())
        )
    return result


def as_of_statuses(reports, day):
    """The reports ({target pk: [report, ...]}) as they stood at the end of `day`: each with
    the review status it had then, those not yet submitted left out. A report reviewed after
    the day was then submitted and waiting."""
    cutoff = progress.end_of(day)
    then = {}
    for target, rows in reports.items():
        for report in rows:
            if report.submitted_at is None or report.submitted_at >= cutoff:
                continue
            if report.reviewed_at is None or report.reviewed_at >= cutoff:
                report.status = ReviewState.SUBMITTED
            then.setdefault(target, []).append(report)
    return then


def _owed(periods, links, leads, reports, today):
    owed = {pk: [] for pk in periods}
    for link in links:
        period, target = periods[link.reportingperiod_id], link.target
        dated = [
            report
            for report in reports.get(target.pk, ())
            if period.start_date <= report.as_of <= period.end_date
        ]
        for lead in leads.get(target.item_id, ()):
            mine = [r for r in dated if r.member_id in (None, lead.pk)]
            state, report = _state(mine, period, today)
            owed[period.pk].append(Owed(period, lead, target, state, report))
    for rows in owed.values():
        rows.sort(key=lambda row: (row.member.position, row.member.slug, row.target.code))
    return owed


# What a standing reads of the rows (lean=True): it counts states and shows members, never a
# target's item or a report's text; at 100x the models of every field took twice the queries.
LEAN_TARGET = ("reportingperiod_id", "target_id", "target__code", "target__item_id")
LEAN_REPORT = ("target_id", "member_id", "status", "as_of", "submitted_at", "reviewed_at")


def _rows(periods, member, lean=False):
    """The periods, their links to the targets they require (with target, item and plan), the
    leading members of each item, and each target's reports past the draft stage dated within
    the periods' span; `lean`, only what the states are computed from (LEAN_TARGET and
    LEAN_REPORT), and the members.

    `periods` is {pk: period}, or a QuerySet of periods read with the links (one query less:
    then only the periods that require some target are returned)."""
    from .cycles import ReportingPeriod

    known = isinstance(periods, dict)
    links = ReportingPeriod.targets.through.objects
    read = list(LEAN_TARGET)
    if known:
        links = links.filter(reportingperiod_id__in=list(periods))
    else:
        links = links.filter(reportingperiod__in=periods).select_related("reportingperiod")
        read.append("reportingperiod")  # the period is shown whole
    if lean:
        links = links.select_related("target").only(*read)
    else:
        links = links.select_related("target__item__plan")
    if member is not None:
        links = links.filter(
            target__item__responsibilities__member=member,
            target__item__responsibilities__role=Role.LEAD,
        )
    links = links.order_by("target__code")
    found = list(links)
    if not known:
        periods = {link.reportingperiod_id: link.reportingperiod for link in found}
    if not found:
        return periods, [], {}, {}
    lead_rows = Responsibility.objects.filter(
        role=Role.LEAD, item_id__in=links.values("target__item_id")
    ).select_related("member")
    report_rows = ProgressReport.objects.filter(
        target_id__in=links.values("target_id"),
        as_of__gte=min(period.start_date for period in periods.values()),
        as_of__lte=max(period.end_date for period in periods.values()),
        status__in=[state for state, _obligation in PRECEDENCE],
    )
    if lean:
        lead_rows = lead_rows.only("item_id", "member")
        report_rows = report_rows.only(*LEAN_REPORT)
    if member is not None:
        lead_rows = lead_rows.filter(member=member)
        report_rows = report_rows.filter(Q(member__isnull=True) | Q(member=member))
    leads, reports = {}, {}
    for responsibility in lead_rows:
        leads.setdefault(responsibility.item_id, []).append(responsibility.member)
    for report in report_rows.order_by("as_of", "pk"):
        reports.setdefault(report.target_id, []).append(report)
    return periods, found, leads, reports


def _state(reports, period, today):
    for review_state, obligation in PRECEDENCE:
        found = [report for report in reports if report.status == review_state]
        if found:
            if review_state == ReviewState.RETURNED:
                return obligation, max(found, key=lambda r: (r.reviewed_at, r.pk))
            return obligation, found[-1]
    if today > period.due_date:
        return Obligation.LATE, None
    return Obligation.DUE, None


@dataclass(frozen=True)
class PeriodReport:
    """Of one target, the latest period that requires it and whose due date has passed, and
    the date of the latest approved report dated within it (None when it is not in)."""

    period: object
    reported_on: object = None

    @property
    def is_in(self):
        return self.reported_on is not None


def with_latest_reporting(targets, today=None):
    """`targets` (a QuerySet) annotated for latest_reporting(): `reporting_period`, the pk of
    the latest period that requires the target and whose due date has passed, and
    `reporting_as_of`, the date of the latest approved report dated within that period."""
    from .cycles import ReportingPeriod

    periods = ReportingPeriod.objects.filter(
        targets=OuterRef("pk"), due_date__lt=today or clock.today()
    ).order_by("-due_date", "-end_date")
    approved = ProgressReport.objects.filter(
        target=OuterRef("pk"),
        status=ReviewState.APPROVED,
        as_of__gte=OuterRef("reporting_start"),
        as_of__lte=OuterRef("reporting_end"),
    ).order_by("-as_of")
    return targets.annotate(
        reporting_period=Subquery(periods.values("pk")[:1]),
        reporting_start=Subquery(periods.values("start_date")[:1]),
        reporting_end=Subquery(periods.values("end_date")[:1]),
    ).annotate(reporting_as_of=Subquery(approved.values("as_of")[:1]))


def latest_reporting(targets):
    """{target pk: PeriodReport} for each of `targets` (read with_latest_reporting()) that some
    closed period requires: one query for the periods, none when there are none."""
    from .cycles import ReportingPeriod

    wanted = {target.pk: target for target in targets if target.reporting_period}
    if not wanted:
        return {}
    periods = ReportingPeriod.objects.in_bulk({t.reporting_period for t in wanted.values()})
    return {
        pk: PeriodReport(periods[target.reporting_period], target.reporting_as_of)
        for pk, target in wanted.items()
    }
