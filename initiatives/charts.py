"""What an item page shows of each target: the latest figure, the breakdown and a chart.

The chart is plain geometry computed here and drawn as SVG by templates/includes/chart.html,
so pages need no script and print as they look.
"""

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import clock
from .models import Measure
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
    target_steps: list = field(default_factory=list)  # (x, y) corners of the target line
    revision_marks: list = field(default_factory=list)  # (x, y, label, text x, anchor)
    deadline: tuple | None = None  # (x, label, text x, anchor): the target date
    no_baseline: bool = False  # a target to reach but no baseline: no expected path
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM

    @property
    def polyline(self):
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def target_line(self):
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in self.target_steps)


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
    if target.baseline_value is None:
        return None  # no line to stand on: a missing baseline is not zero
    end = target.target_date
    if end <= start:
        return float(target.target_value)
    share = min(max((today - start).days / (end - start).days, 0), 1)
    baseline = float(target.baseline_value)
    return baseline + (float(target.target_value) - baseline) * share


def revised_values(target, revisions):
    """The target's value over time: [(day it took effect or None, value)], oldest first, from
    the approved revisions of `target_value` (each with `changes` and `reviewed_at`)."""
    steps = []
    for revision in sorted(revisions, key=lambda r: r.reviewed_at):
        if "target_value" not in revision.changes or revision.reviewed_at is None:
            continue
        old, new = revision.changes["target_value"]
        if not steps:
            steps.append((None, None if old is None else float(Decimal(old))))
        value = None if new is None else float(Decimal(new))
        steps.append((timezone.localdate(revision.reviewed_at), value))
    if target.target_value is not None and steps:
        steps[-1] = (steps[-1][0], float(target.target_value))  # the terms shown win
    return steps or [(None, None if target.target_value is None else float(target.target_value))]


def time_ticks(first, last, x_of):
    """Year ticks, with quarters between them when the span is under three years; labelled
    in the page's language."""
    ticks = []
    short = (last - first).days < 3 * 365
    years = range(first.year, last.year + 1)
    stride = 1 if short else max(1, math.ceil(len(years) / 6))
    for year in years:
        day = date(year, 1, 1)
        if first <= day <= last and (year - years[0]) % stride == 0:
            ticks.append((x_of(day), _("%(year)s") % {"year": year}, "middle"))
        if short:
            for quarter in (2, 3, 4):
                day = date(year, 3 * quarter - 2, 1)
                if first <= day <= last:
                    named = {"quarter": quarter, "year": year}
                    # A quarter says its year when no year tick before it does.
                    text = _("Q%(quarter)s") if ticks else _("%(year)s Q%(quarter)s")
                    ticks.append((x_of(day), text % named, "middle"))
    if not ticks:
        ticks = [
            (x_of(first), date_format(first, "Y-m"), "start"),
            (x_of(last), date_format(last, "Y-m"), "end"),
        ]
    return sorted(ticks)


def beside(x):
    """Where a label by the vertical at `x` goes, (text x, text-anchor): on the side with room."""
    return (x - 4, "end") if x > (LEFT + WIDTH - RIGHT) / 2 else (x + 4, "start")


def build_chart(target, series, start, revisions=()):
    """Coordinates for the reported values, the target line (a step where it was revised),
    the target date and the expected trajectory (only from a recorded baseline)."""
    values = [float(r.value) for r in series if r.value is not None]
    if not values and target.target_value is None:
        return None
    steps = revised_values(target, revisions)
    anchors = []
    if start and target.baseline_value is not None:
        anchors.append((start, float(target.baseline_value)))
    if target.target_date and target.target_value is not None:
        anchors.append((target.target_date, float(target.target_value)))

    dates = [r.as_of for r in series if r.value is not None] + [d for d, _ in anchors]
    dates += [day for day, _ in steps if day is not None]
    if not dates:
        return None
    first, last = min(dates), max(dates)
    if (last - first).days < 30:
        first, last = first - timedelta(days=15), last + timedelta(days=15)
    numbers = values + [v for _, v in anchors] + [v for _, v in steps if v is not None]
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
    chart = Chart(points=points, y_ticks=y_ticks, x_ticks=time_ticks(first, last, x_of))
    if target.target_value is not None:
        chart.target_y = y_of(float(target.target_value))
        corners, value, x_from = [], steps[0][1], LEFT
        for day, new in steps[1:]:  # a step at each revision of the value
            x = x_of(day)
            if value is not None:
                corners += [(x_from, y_of(value)), (x, y_of(value))]
            if new is not None:
                mark = _("revised %(date)s") % {"date": date_format(day, "DATE_FORMAT")}
                chart.revision_marks.append((x, y_of(new) - 6, mark, *beside(x)))
            value, x_from = new, x
        corners += [(x_from, chart.target_y), (WIDTH - RIGHT, chart.target_y)]
        chart.target_steps = corners
        if target.baseline_value is None:
            chart.no_baseline = True
    if target.target_date:
        label = _("target date %(date)s") % {"date": date_format(target.target_date, "DATE_FORMAT")}
        chart.deadline = (x_of(target.target_date), label, *beside(x_of(target.target_date)))
    if len(anchors) == 2:
        (d0, v0), (d1, v1) = anchors
        chart.trajectory = (x_of(d0), y_of(v0), x_of(d1), y_of(v1))
    return chart


def target_panels(item, targets, reports, today=None, revisions=None):
    """Group an item's approved reports by target: the series, the latest, the breakdown;
    `revisions`, {target pk: its approved revisions, oldest first}, step the target line."""
    today = today or clock.today()
    revisions = revisions or {}
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
            panel.chart = build_chart(target, panel.series, start, revisions.get(target.pk, ()))
    return list(by_target.values())
