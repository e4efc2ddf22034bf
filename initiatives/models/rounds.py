"""Rounds that close: each item's outcome at the close, and carrying unfinished items over.

Once a plan's end date has passed (Plan.is_closed, on clock.today()), its items are no longer
"behind" or "overdue": each has an outcome (choices.Outcome) in place of a schedule position,
computed in SQL by `with_outcome()` so that lists filter and sort by it. The rule:

- Suspended and cancelled items are that, from their status.
- Progress at the close is that of the reports dated by the plan's end date, as approved by
  the day the page is seen on (`with_progress(today=plan.end_date, dated=True)`, with
  `approved_by` on an as-of page): a report on the last quarter approved in January counts,
  one dated in January does not.
- An item was completed at the close when its progress then was 100, or when its status is
  completed and it was declared so by the close (its latest change of status to completed is
  dated by the end date, or it has no such change recorded at all).
- It was completed on the day of its latest change of status to completed made by the close;
  without one, on the as-of date of the latest approved report behind it at the close. Completed
  by its due date (or without a due date, or with no date known) it is achieved; completed later,
  achieved late. The figures count before the declaration: an item whose progress at the close
  is 100 with its latest report dated by the due date is achieved, however late its status was
  set to completed.
- Not completed, it is partly achieved when its progress at the close is above 0 (the progress
  is shown beside it), not achieved with no progress (0 or no figure at all).

For a closed plan the schedule is NULL, and of the checks of the status against the figures
only "declared completed, but a target is not met" is kept: the others compare with a time
that has run out. An open plan's items have `outcome` NULL and today's figures.

The status read is the item's current one: a status changed after the close (other than to
completed, whose date is checked) changes the outcome too.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext_lazy as _

from .. import clock
from .choices import Disagreement, Outcome, Status

UNFINISHED_REFUSED = (Status.COMPLETED, Status.CANCELLED)


def with_outcome(queryset, plan, today=None, **figures):
    """PlanItemQuerySet.with_outcome(): the figures of `plan`'s items as its pages show them on
    `today`, with `outcome`. `figures` go to with_progress() (e.g. approved_by)."""
    today = today or clock.today()
    if not plan.is_closed(today):
        return queryset.with_progress(today=today, **figures).annotate(
            outcome=Value(None, output_field=models.CharField())
        )
    from .targets import StatusChange

    close = plan.end_date
    to_completed = StatusChange.objects.filter(item=OuterRef("pk"), new_status=Status.COMPLETED)
    declared_on = Subquery(
        to_completed.filter(changed_at__date__lte=close)
        .order_by("-changed_at")
        .annotate(day=TruncDate("changed_at"))
        .values("day")[:1]
    )
    # Only the reports dated by the close count: with_progress(today=close) leaves later ones
    # out. An as-of page passes its day as approved_by; today's pages need not, as every
    # approval so far counts, and the plain figures cost a fraction of the as-of ones.
    figures.setdefault("dated", True)
    rows = (
        queryset.with_progress(today=close, **figures)
        .annotate(declared_on=declared_on)
        .annotate(completed_on=Coalesce(F("declared_on"), F("last_reported")))
    )
    declared = Q(status=Status.COMPLETED) & (Q(declared_on__isnull=False) | ~Exists(to_completed))
    completed = declared | Q(progress__gte=100)
    in_time = (
        Q(due_date__isnull=True)
        | Q(completed_on__isnull=True)
        | Q(completed_on__lte=F("due_date"))
        | Q(progress__gte=100, last_reported__lte=F("due_date"))
    )
    outcome = Case(
        When(status=Status.CANCELLED, then=Value(Outcome.CANCELLED.value)),
        When(status=Status.SUSPENDED, then=Value(Outcome.SUSPENDED.value)),
        When(completed & in_time, then=Value(Outcome.ACHIEVED.value)),
        When(completed, then=Value(Outcome.ACHIEVED_LATE.value)),
        When(progress__gt=0, then=Value(Outcome.PARTLY_ACHIEVED.value)),
        default=Value(Outcome.NOT_ACHIEVED.value),
        output_field=models.CharField(),
    )
    unmet = Value(Disagreement.UNMET.value)
    return rows.annotate(
        outcome=outcome,
        schedule=Value(None, output_field=models.IntegerField()),
        disagreement=Case(
            When(disagreement=Disagreement.UNMET.value, then=unmet),
            default=Value(None),
            output_field=models.CharField(),
        ),
    )


def outcome_counts(rows):
    """(Outcome, count) for every outcome, of rows with an `outcome` (none for an open round)."""
    counts = {}
    for row in rows:
        outcome = getattr(row, "outcome", None)
        counts[outcome] = counts.get(outcome, 0) + 1
    return [(outcome, counts.get(outcome.value, 0)) for outcome in Outcome]


def carry_over(item, into, by):
    """PlanItem.carry_over(): a new item of the plan `into` continuing the unfinished `item`.

    The new item keeps the kind, code, titles, summary, focus area, responsible members and
    sources; it starts not started, over the new round's period. A task supports the item its
    parent was carried into, if it was. Each target is copied with its terms; a numeric target
    starts from where the old one stood: its baseline is the latest approved region-wide value
    (and its date), unless there is none or the target is already met by it, when the old
    baseline stays. A target date within the old round moves to the new round's end. The
    history (reports, status changes, revisions) stays with the old item."""
    from .items import PlanItem
    from .targets import Target, log_on_commit

    if not item.plan.is_closed():
        raise ValidationError(
            _("%(plan)s has not closed yet: an item is carried over once its outcome is known.")
            % {"plan": item.plan}
        )
    if item.status in UNFINISHED_REFUSED:
        raise ValidationError(
            _("%(code)s is %(status)s: only an unfinished item is carried over.")
            % {"code": item.code, "status": item.get_status_display().lower()}
        )
    if into.follows_id != item.plan_id:
        raise ValidationError(
            _("%(plan)s does not follow %(old)s: an item is carried into the next round.")
            % {"plan": into, "old": item.plan}
        )
    if PlanItem.objects.filter(plan=into, carried_from=item).exists():
        raise ValidationError(
            _("%(code)s has already been carried over into %(plan)s.")
            % {"code": item.code, "plan": into}
        )
    if PlanItem.objects.filter(plan=into, code=item.code).exists():
        raise ValidationError(
            _("%(plan)s already has an item %(code)s.") % {"code": item.code, "plan": into}
        )
    parent = None
    if item.parent_id:
        parent = PlanItem.objects.filter(plan=into, carried_from=item.parent_id).first()
    with transaction.atomic():
        new = type(item)(
            plan=into,
            kind=item.kind,
            code=item.code,
            parent=parent,
            title_en=item.title_en,
            title_zh=item.title_zh,
            summary_en=item.summary_en,
            summary_zh=item.summary_zh,
            focus_area_id=item.focus_area_id,
            status=Status.NOT_STARTED,
            start_date=into.start_date,
            due_date=into.end_date,
            is_illustrative=item.is_illustrative or into.is_illustrative,
            carried_from=item,
        )
        new._change_reason = _("Carried over from %(plan)s") % {"plan": item.plan}
        new.save()
        new.sources.set(item.sources.all())
        for responsibility in item.responsibilities.all():
            new.responsibilities.create(
                member_id=responsibility.member_id, role=responsibility.role
            )
        for target in Target.objects.filter(item=item).with_progress().order_by("position", "pk"):
            copied = Target(
                item=new,
                code=new.code + target.code[len(item.code) :],
                name_en=target.name_en,
                name_zh=target.name_zh,
                unit_en=target.unit_en,
                unit_zh=target.unit_zh,
                measure=target.measure,
                direction=target.direction,
                **carried_baseline(target),
                target_value=target.target_value,
                target_qualifier=target.target_qualifier,
                target_date=carried_date(target.target_date, item.plan, into),
                source_id=target.source_id,
                is_illustrative=target.is_illustrative or new.is_illustrative,
                is_headline=target.is_headline,
                position=target.position,
            )
            copied._change_reason = new._change_reason
            copied.save()
        log_on_commit("item_carried_over", by, item=item.code, plan=item.plan.slug, into=into.slug)
    return new


def carried_baseline(target):
    """The baseline of a target carried over: the latest approved value where it can be one."""
    kept = {"baseline_value": target.baseline_value, "baseline_date": target.baseline_date}
    if not target.is_numeric or target.latest_value is None or target.target_value is None:
        return kept
    higher = target.direction == "higher"
    short_of_target = (
        target.latest_value < target.target_value
        if higher
        else target.latest_value > target.target_value
    )
    if not short_of_target:
        return kept
    return {"baseline_value": target.latest_value, "baseline_date": target.latest_as_of}


def carried_date(target_date, old_plan, into):
    if target_date is None or target_date <= old_plan.end_date:
        return into.end_date
    return target_date
