"""The summaries' figures, computed set-based (PlanItemQuerySet.joined_progress()), against
the correlated figures they replace (with_progress(), which tests/test_progress.py holds to
the expressions it is compiled from) on random plans.

Each example builds a small plan of its own inside a transaction that is rolled back: a few
initiatives and projects, tasks supporting some of them, targets of every kind (higher and
lower, with and without a baseline, milestones, monitored indicators) and reports approved,
unapproved, member-level and dated on either side of the days compared. The figures of a
past day are SQLite's slowest query to prepare (about a second each there, with the
correlated form): a few examples only, whatever the profile, and no shrinking.
"""

import math
from datetime import date, datetime, time

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from initiatives.models import PlanItem, Schedule, Task
from initiatives.models.items import ANNOTATIONS

pytestmark = pytest.mark.django_db

TODAY = date(2025, 7, 1)
PAST = date(2025, 3, 31)  # a past day: only what was dated and approved by then counts
CLOSED = date(2027, 3, 1)  # after the plan's end: each item's outcome
FIELDS = ("pk", "kind", *ANNOTATIONS)
STATUSES = ["not_started", "on_track", "at_risk", "delayed", "completed", "cancelled"]
DAYS = [date(2024, 3, 31), date(2024, 12, 31), date(2025, 3, 31), date(2025, 6, 30)]

target_terms = st.one_of(
    st.fixed_dictionaries(
        {
            "direction": st.just("higher"),
            "baseline_value": st.sampled_from([0, 10, None]),
            "target_value": st.sampled_from([50, 100, 300]),
        }
    ),
    st.fixed_dictionaries(
        {
            "direction": st.just("lower"),
            "baseline_value": st.sampled_from([80, None]),
            "target_value": st.sampled_from([20, 40]),
        }
    ),
    st.just({"measure": "milestone"}),
    st.just({"target_value": None}),  # a monitored indicator: no progress of its own
)
report = st.fixed_dictionaries(
    {
        "value": st.integers(0, 320),
        "as_of": st.sampled_from(DAYS),
        "approved_on": st.sampled_from([date(2025, 1, 15), date(2025, 5, 1), None]),
        "by_member": st.booleans(),
    }
)
target = st.tuples(target_terms, st.lists(report, max_size=3))
item = st.fixed_dictionaries(
    {
        "status": st.sampled_from(STATUSES),
        "start": st.sampled_from([date(2024, 1, 1), date(2025, 1, 1), None]),
        "due": st.sampled_from([date(2025, 6, 30), date(2026, 12, 31)]),
        "targets": st.lists(target, max_size=3),
    }
)
plan_shape = st.tuples(
    st.lists(st.tuples(item, st.lists(item, max_size=3)), min_size=1, max_size=3),
    st.lists(item, max_size=2),  # tasks that support nothing
)


def build(make, shape):
    parents, loose = shape
    members = ["shanghai", "jiangsu"]

    def add(kind, spec, number, **fields):
        obj = kind(
            status=spec["status"],
            start_date=spec["start"],
            due_date=spec["due"],
            lead=members[number % 2],
            **fields,
        )
        for terms, reports in spec["targets"]:
            if terms.get("measure") == "milestone":
                terms = {**terms, "target_value": None}
            goal = make.target(obj, **terms)
            for entry in reports:
                approved = entry["approved_on"]
                milestone = terms.get("measure") == "milestone"
                make.report(
                    goal,
                    value=None if milestone else entry["value"],
                    milestone_reached=milestone and entry["value"] > 160,
                    narrative_en="Under way.",
                    as_of=entry["as_of"],
                    status="approved" if approved else "submitted",
                    member=make.member("anhui") if entry["by_member"] else None,
                    reviewed_at=(
                        timezone.make_aware(datetime.combine(approved, time(12)))
                        if approved
                        else None
                    ),
                )
        return obj

    for number, (spec, tasks) in enumerate(parents):
        parent = add(make.initiative if number % 2 else make.project, spec, number)
        for task_number, task in enumerate(tasks):
            add(make.task, task, number + task_number, parent=parent)
    for number, task in enumerate(loose):
        add(make.task, task, number)


def same(joined, built):
    """Equal, the progress to within floating-point rounding: a sum of tasks' means may be
    added up in another order."""
    assert len(joined) == len(built)
    for left, right in zip(joined, built, strict=True):
        for a, b in zip(left, right, strict=True):
            if isinstance(a, float) and isinstance(b, float):
                assert math.isclose(a, b, rel_tol=1e-9), (left, right)
            else:
                assert a == b, (left, right)


@settings(max_examples=3, phases=[Phase.explicit, Phase.generate])  # no shrinking: slow here
@given(shape=plan_shape)
def test_the_set_based_figures_are_the_correlated_ones(make, shape):
    with transaction.atomic():
        build(make, shape)
        # Every item as a summary reads them (initiatives and projects are rolled up alike);
        # tasks alone, whose progress is the mean of their targets'; one member's items.
        led = PlanItem.objects.for_member(make.member("jiangsu")).order_by("pk")
        every = PlanItem.objects.order_by("pk")
        for items, options in (
            (every, {"today": TODAY}),
            (every, {"today": PAST, "approved_by": PAST}),
            (Task.objects.order_by("pk"), {"today": TODAY}),
            (led, {"today": TODAY}),
        ):
            joined = items.with_progress(every=True, **options).values_list(*FIELDS)
            correlated = items.with_progress(live=True, **options).values_list(*FIELDS)
            same(list(joined), list(correlated))
        plan = make.plan()
        closed = PlanItem.objects.order_by("pk")
        same(
            list(closed.with_outcome(plan, CLOSED, every=True).values_list(*FIELDS, "outcome")),
            list(closed.with_outcome(plan, CLOSED).values_list(*FIELDS, "outcome")),
        )
        transaction.set_rollback(True)


@settings(max_examples=3, phases=[Phase.explicit, Phase.generate])  # no shrinking: slow here
@given(shape=plan_shape)
def test_the_items_behind_are_picked_in_the_order_of_their_figures(make, shape):
    """The overview's first items to ask about (views.behind_rows()): the overdue, told by the
    items' columns and picked from an index when there are enough of them, then the full
    ranking by the figures otherwise; either way the first rows of every item's figures
    ranked in Python, whatever the number asked for."""
    from initiatives.models.progress import overdue_condition
    from initiatives.views import BEHIND, behind_rows, figure_names, figure_rows

    with transaction.atomic(), override_settings(TRACKER_TODAY=TODAY):
        build(make, shape)
        plan = make.plan()
        items = PlanItem.objects.in_plan(plan)
        names = ["pk", *figure_names(None)]
        every = list(figure_rows(items, plan).values(*names))
        overdue = {row["pk"] for row in every if row["schedule"] == Schedule.OVERDUE}
        assert set(items.filter(overdue_condition(TODAY)).values_list("pk", flat=True)) == overdue

        def rank(row):
            placed = row["schedule"] if row["schedule"] in BEHIND else 0
            return (placed, row["due_date"] is None, row["due_date"] or date.min, row["code"])

        ranked = sorted(
            (row for row in every if row["schedule"] in BEHIND or row["no_report"]), key=rank
        )
        for limit in sorted({1, 2, len(overdue), len(overdue) + 1, 15} - {0}):
            shown = [tuple(row) for row in behind_rows(items, plan, limit=limit)]
            assert shown == [tuple(row[name] for name in names[1:]) for row in ranked[:limit]]
        transaction.set_rollback(True)
