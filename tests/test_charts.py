"""How figures are written and charts are drawn on item pages."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from initiatives.charts import build_chart, nice_step
from initiatives.models import Schedule, Target
from initiatives.templatetags.figures import figure, measured, percent


@pytest.mark.parametrize(
    "value, text",
    [
        (Decimal("600000.0000"), "600,000"),
        (Decimal("1.5500"), "1.55"),
        (Decimal("24.4000"), "24.4"),
        (Decimal("0"), "0"),
        (7600, "7,600"),
        (None, ""),
    ],
)
def test_figures_are_written_as_published(value, text):
    assert figure(value) == text


def test_units_and_wording():
    assert measured(Decimal("70000"), "number", "piles", "over") == "over 70,000 piles"
    assert measured(Decimal("24.4"), "percentage", "%") == "24.4%"
    assert measured(Decimal("30"), "number", "µg/m³") == "30 µg/m³"


def test_progress_is_rounded_down():
    assert percent(99.6) == "99%" and percent(100.0) == "100%" and percent(None) == ""


@pytest.mark.parametrize("span, step", [(600000, 200000), (1.9, 0.5), (83.3, 25), (0, 1)])
def test_round_steps(span, step):
    assert nice_step(span) == step


def target(**fields):
    defaults = {
        "measure": "number",
        "direction": "higher",
        "unit": "km",
        "baseline_value": Decimal("0"),
        "target_value": Decimal("660"),
        "target_date": date(2024, 12, 31),
    }
    return SimpleNamespace(**{**defaults, **fields})


def report(day, value):
    return SimpleNamespace(as_of=day, value=Decimal(value), qualifier="")


def test_chart_puts_points_in_time_order_and_the_target_above_them():
    chart = build_chart(
        target(), [report(date(2024, 6, 30), 300), report(date(2024, 9, 30), 500)], date(2024, 1, 1)
    )
    first, second = chart.points
    assert first.x < second.x and first.y > second.y  # later and higher
    assert chart.target_y < second.y  # 660 km is above 500 km
    x0, y0, x1, y1 = chart.trajectory
    assert (x0, x1) == (chart.left, chart.right) and y0 == chart.bottom and y1 == chart.target_y
    assert [label for _, label in chart.y_ticks][-1] == "800"


def test_a_falling_target_draws_its_trajectory_downwards():
    falling = target(direction="lower", baseline_value=Decimal("42"), target_value=Decimal("30"))
    chart = build_chart(falling, [report(date(2024, 10, 31), 30)], date(2018, 1, 1))
    x0, y0, x1, y1 = chart.trajectory
    assert y1 > y0  # lower on the page is a smaller value
    assert [label for _, label, _ in chart.x_ticks] == ["2018", "2020", "2022", "2024"]


def test_no_chart_without_values_or_target():
    assert build_chart(target(target_value=None), [], date(2024, 1, 1)) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value,today,position",
    [
        (50, date(2024, 7, 2), Schedule.ON_SCHEDULE),  # half the time elapsed
        (25, date(2024, 7, 2), Schedule.BEHIND),
        (80, date(2024, 7, 2), Schedule.AHEAD),
        (99, date(2025, 2, 1), Schedule.OVERDUE),
        (100, date(2025, 2, 1), Schedule.ON_SCHEDULE),
        (None, date(2024, 3, 1), None),  # no report yet, within its first quarter
        (None, date(2024, 7, 2), Schedule.BEHIND),  # no report at half its time
        (None, date(2025, 2, 1), Schedule.OVERDUE),
    ],
)
def test_target_schedule_follows_the_item_rule(make, value, today, position):
    """A target's time runs from its item's start (no baseline date) to its target date;
    the database works the position out by the items' rule (models/progress.py)."""
    task = make.task(start_date=date(2024, 1, 1))
    goal = make.target(task, target_value=100, target_date=date(2025, 1, 1))
    if value is not None:
        make.report(goal, value=value, as_of=date(2024, 6, 30))
    found = Target.objects.filter(pk=goal.pk).with_progress().with_schedule(today).get()
    assert found.schedule == position


@pytest.mark.django_db
def test_a_target_schedule_counts_from_its_baseline_date(make):
    task = make.task(start_date=date(2024, 1, 1))
    goal = make.target(
        task, target_value=100, baseline_date=date(2024, 7, 1), target_date=date(2025, 7, 1)
    )
    make.report(goal, value=10, as_of=date(2024, 7, 2))
    found = Target.objects.filter(pk=goal.pk).with_progress().with_schedule(date(2024, 7, 2))
    assert found.get().schedule == Schedule.ON_SCHEDULE  # from the start of the item: behind
