"""The outlook of a target from the trend of its reported values: pure arithmetic on dated values.

The method is the progress measure of Open SDG (after Statistics Canada, from the UN Statistics
Division's SDG progress chart), written out in docs/methods.md: the annual growth observed from
the first value to the latest, against the annual growth needed from the first value to reach
the target by its date. Their ratio, counted positive when the series moves the target's way,
gives the outlook by the thresholds below. Growth is compound (CAGR) when every value involved
is above zero; otherwise, where a compound rate has no meaning (a series from zero, a negative
value), it is the linear pace: so much a year.

Nothing here reads the database or the clock: Target.outlook() gathers the series and today.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta

from .choices import Direction, Outlook

DAYS_A_YEAR = 365.25

# Lower bounds of the ratio of observed to required growth (Open SDG's defaults for a target
# with a value); below the last, the series moves away from the target.
ON_COURSE_FROM = 0.95
FAIR_PROGRESS_FROM = 0.6
LIMITED_PROGRESS_FROM = 0.0

# A projection further out than this from the latest value is "not at this pace".
HORIZON_YEARS = 100

GROWTH = "growth"  # compound annual growth rate: a fraction a year (0.041 is 4.1 %)
LINEAR = "linear"  # linear pace: the target's unit a year


@dataclass(frozen=True)
class Trend:
    """A target's outlook and what it was computed from."""

    outlook: Outlook
    method: str  # GROWTH or LINEAR
    since: date  # the first value's date: the pace is measured from there
    latest: date  # the latest value's date
    observed_rate: float  # a year, signed: by GROWTH a fraction, by LINEAR the unit
    required_rate: float | None  # the same, to reach the target by its date; None if reached
    ratio: float | None  # observed against required, positive the target's way
    projected_date: date | None  # when this pace reaches the target; None: not at this pace
    reached: bool = False  # the latest value meets the target already


def years_between(start, end):
    return (end - start).days / DAYS_A_YEAR


def annual_growth(first, last):
    """The compound annual growth rate from `first` to `last`, each a (date, value), or None
    where it is undefined: no time between them, or a value not above zero."""
    (start, a), (end, b) = first, last
    years = years_between(start, end)
    if years <= 0 or a <= 0 or b <= 0:
        return None
    return (b / a) ** (1 / years) - 1


def annual_change(first, last):
    """The linear pace from `first` to `last`, each a (date, value): the change a year, or
    None when no time passes between them."""
    (start, a), (end, b) = first, last
    years = years_between(start, end)
    if years <= 0:
        return None
    return (b - a) / years


def meets(value, target, direction):
    if direction == Direction.LOWER:
        return value <= target
    return value >= target


def classify(ratio):
    """The Outlook of a ratio of observed to required growth."""
    if ratio >= ON_COURSE_FROM:
        return Outlook.ON_COURSE
    if ratio >= FAIR_PROGRESS_FROM:
        return Outlook.FAIR_PROGRESS
    if ratio >= LIMITED_PROGRESS_FROM:
        return Outlook.LIMITED_PROGRESS
    return Outlook.MOVING_AWAY


def series_of(points):
    """`points` as floats, by date, one value a date (the last given for that date)."""
    by_date = {}
    for when, value in points:
        if value is not None:
            by_date[when] = float(value)
    return sorted(by_date.items())


def reached_since(points, target, direction):
    """The date from which every value meets the target (the last run of them)."""
    since = None
    for when, value in reversed(points):
        if not meets(value, target, direction):
            break
        since = when
    return since


def project(first, latest, rate, method, target):
    """The date at which the pace `rate` from `first` reaches `target`, or None when it does
    not: a pace of zero or away from the target, or more than HORIZON_YEARS after `latest`."""
    start, value = first
    if rate == 0:
        return None
    if method == GROWTH:
        years = math.log(target / value) / math.log(1 + rate)
    else:
        years = (target - value) / rate
    if years < 0 or years - years_between(start, latest) > HORIZON_YEARS:
        return None
    return start + timedelta(days=round(years * DAYS_A_YEAR))


def assess(points, target, target_date, direction):
    """The Trend of a series of (date, value) against `target` by `target_date`, or None.

    None with fewer than two dated values, or without a target date after the first value
    (unless the target is reached already).
    """
    points = series_of(points)
    if len(points) < 2 or target is None:
        return None
    target = float(target)
    first, last = points[0], points[-1]
    sign = -1 if direction == Direction.LOWER else 1
    method = GROWTH if first[1] > 0 and last[1] > 0 and target > 0 else LINEAR
    pace = annual_growth if method == GROWTH else annual_change
    observed = pace(first, last)
    if meets(last[1], target, direction):
        return Trend(
            outlook=Outlook.ON_COURSE,
            method=method,
            since=first[0],
            latest=last[0],
            observed_rate=observed,
            required_rate=None,
            ratio=None,
            projected_date=reached_since(points, target, direction),
            reached=True,
        )
    if target_date is None:
        return None
    required = pace(first, (target_date, target))
    if required is None:
        return None  # the series begins on or after the target date
    if required * sign <= 0:
        # The first value met the target and the series has fallen back since.
        outlook, ratio = Outlook.MOVING_AWAY, None
    else:
        ratio = sign * observed / abs(required)
        outlook = classify(ratio)
    projected = None
    if outlook != Outlook.MOVING_AWAY:
        projected = project(first, last[0], observed, method, target)
    return Trend(
        outlook=outlook,
        method=method,
        since=first[0],
        latest=last[0],
        observed_rate=observed,
        required_rate=required,
        ratio=ratio,
        projected_date=projected,
    )
