"""What an item page shows of each target: the latest figure, the breakdown and a chart.

The chart is plain geometry computed here and drawn as SVG by templates/includes/chart.html,
so pages need no script and print as they look.
"""

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils.formats import date_format

from . import clock
from .models import Direction, Measure
from .templatetags.figures import measured

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 92, 24, 16, 44


@dataclass
class Point:
    x: float
    y: float
    label: str
    when: date


@dataclass
class Chart:
    points: list
    y_ticks: list
    x_ticks: list
    target_y: float | None = None
    trajectory: tuple | None = None
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM

    @property
    def polyline(self):
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass
class TargetPanel:
    """One target on an item page, with everything approved that was reported against it."""

    target: object
    latest: object = None
    series: list = field(default_factory=list)
    breakdown: list = field(default_factory=list)
    revisions: list = field(default_factory=list)  # set by the view, with the item's own
    outlook: object = None  # the target's Trend (Target.outlook()), set by the view
    chart: Chart | None = None
    schedule: int | None = None
    expected: str | None = None  # where the straight line from baseline to target is today


def nice_step(span, ticks=4):
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about `ticks` intervals."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if raw <= multiple * power:
            return multiple * power
    return 10 * power


def expected_value(target, start, today):
    """Where the straight line from baseline to target stands today."""
    if target.target_value is None or start is None or target.target_date is None:
        return None
    end = target.target_date
    if end <= start:
        return float(target.target_value)
    share = min(max((today - start).days / (end - start).days, 0), 1)
    baseline = float(target.baseline_value or 0)
    return baseline + (float(target.target_value) - baseline) * share


def build_chart(target, series, start):
    """Coordinates for the reported values, the target line and the expected trajectory."""
    values = [float(r.value) for r in series if r.value is not None]
    if not values and target.target_value is None:
        return None
    baseline = target.baseline_value
    if baseline is None and target.direction == Direction.HIGHER:
        baseline = Decimal(0)
    anchors = []
    if start and baseline is not None:
        anchors.append((start, float(baseline)))
    if target.target_date and target.target_value is not None:
        anchors.append((target.target_date, float(target.target_value)))

    dates = [r.as_of for r in series if r.value is not None] + [d for d, _ in anchors]
    if not dates:
        return None
    first, last = min(dates), max(dates)
    if (last - first).days < 30:
        first, last = first - timedelta(days=15), last + timedelta(days=15)
    numbers = values + [v for _, v in anchors]
    if target.target_value is not None:
        numbers.append(float(target.target_value))
    low = min(0.0, min(numbers))
    high = max(numbers)
    step = nice_step(high - low)
    high = math.ceil(high / step) * step
    if high <= low:
        high = low + step

    def x_of(day):
        return LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / (last - first).days

    def y_of(value):
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - (value - low) / (high - low))

    unit_measure = target.measure
    points = [
        Point(
            x_of(r.as_of),
            y_of(float(r.value)),
            measured(r.value, unit_measure, target.unit, r.qualifier),
            r.as_of,
        )
        for r in series
        if r.value is not None
    ]
    y_ticks = []
    tick = low
    while tick <= high + step / 1000:
        y_ticks.append((y_of(tick), measured(Decimal(str(round(tick, 6))), unit_measure, "")))
        tick += step
    years = range(first.year + (first.month > 1 or first.day > 1), last.year + 1)
    stride = max(1, math.ceil(len(years) / 6))
    x_ticks = [(x_of(date(year, 1, 1)), str(year), "middle") for year in years[::stride]]
    if not x_ticks:
        x_ticks = [
            (x_of(first), date_format(first, "Y-m"), "start"),
            (x_of(last), date_format(last, "Y-m"), "end"),
        ]
    chart = Chart(points=points, y_ticks=y_ticks, x_ticks=x_ticks)
    if target.target_value is not None:
        chart.target_y = y_of(float(target.target_value))
    if len(anchors) == 2:
        (d0, v0), (d1, v1) = anchors
        chart.trajectory = (x_of(d0), y_of(v0), x_of(d1), y_of(v1))
    return chart


def target_panels(item, targets, reports, today=None):
    """Group an item's approved reports by target: the series, the latest, the breakdown."""
    today = today or clock.today()
    by_target = {target.pk: TargetPanel(target=target) for target in targets}
    latest_by_member = {}
    for report in reports:  # ordered by as_of, oldest first
        panel = by_target[report.target_id]
        if report.member_id is None:
            panel.series.append(report)
            if report.pk == panel.target.latest_report_id:
                panel.latest = report
        else:
            latest_by_member[(report.target_id, report.member_id)] = report
    for (target_id, _member), report in latest_by_member.items():
        by_target[target_id].breakdown.append(report)
    for panel in by_target.values():
        target = panel.target
        panel.breakdown.sort(key=lambda r: (r.member.position, r.member.slug))
        start = target.baseline_date or item.start_date
        panel.schedule = target.schedule  # TargetQuerySet.with_schedule()
        expected = expected_value(target, start, today)
        if expected is not None:
            figure = Decimal(str(round(expected, 2)))
            panel.expected = measured(figure, target.measure, target.unit)
        if target.measure != Measure.MILESTONE:
            panel.chart = build_chart(target, panel.series, start)
    return list(by_target.values())
