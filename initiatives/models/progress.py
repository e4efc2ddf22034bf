"""SQL expressions for derived figures: target progress, item roll-up, schedule position.

They are computed in the database so that lists can be filtered and sorted by them, and so a
page costs a fixed number of queries whatever the number of rows. Nothing here is stored.

- A target's progress is where its latest approved region-wide report stands between baseline
  and target, as a percentage clamped to 0-100. The direction is carried by the signs: a target
  below its baseline (lower is better) gives a positive ratio when the value falls. Without a
  baseline, a "higher" target counts from zero and a "lower" one is met or not. A qualitative
  milestone is 0 until a report marks it reached, then 100. A target with no target value (a
  monitored indicator) has no progress.
- An item's progress is the mean of its own targets' progress and, for projects and
  initiatives, of their tasks' progress; unknown figures are left out of the mean.
- The schedule position compares progress (100 for a completed item) with the share of time
  elapsed between start and due date: ahead when at least SCHEDULE_TOLERANCE percentage
  points ahead of it, behind when more than that behind, on schedule in between; overdue once
  the due date has passed without completion; unknown (NULL) without dates or progress, and
  for cancelled items.
- Silence counts: an item whose time has begun with no approved report behind it is "no report
  yet" (`no_report_condition`; a target, with no approved figure), and once
  TRACKER_NO_REPORT_BEHIND_AT percent of its period has passed without one it is behind schedule
  (overdue after its due date, as any other). A share of the period rather than a fixed number
  of days: a six-month task is owed its first figure sooner than a three-year initiative.
- The declared status is checked against the schedule (`status_check`): on track or not started
  while behind or overdue, at risk while overdue, at risk or delayed while ahead, completed while
  a target is not met. The contradiction is a Disagreement value, NULL when none.
- A figure is stale when it was approved as of a date more than TRACKER_STALE_AFTER_DAYS before
  today (`stale_cutoff`): the pages flag it "not updated since" that date.
"""

from datetime import timedelta

from django.conf import settings
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    Expression,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, NullIf
from django.db.models.lookups import (
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    In,
    IsNull,
    LessThan,
    LessThanOrEqual,
)

from .choices import Direction, Disagreement, Measure, Schedule, Status

SCHEDULE_TOLERANCE = 10  # percentage points either side of the expected progress


class SQLSum(Func):
    """SUM over the rows of a subquery without GROUP BY (Django's Sum would add one)."""

    function = "SUM"
    output_field = FloatField()


class SQLAvg(Func):
    function = "AVG"
    output_field = FloatField()


class SQLMax(Func):
    function = "MAX"
    output_field = DateField()


class LaterDate(Func):
    """The later of two dates, either of which may be NULL."""

    function = "GREATEST"  # PostgreSQL's GREATEST leaves NULLs out
    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite's MAX(a, b) is NULL when either is; coalescing each with the other is not.
        first, second = self.source_expressions
        return Func(Coalesce(first, second), Coalesce(second, first), function="MAX").as_sql(
            compiler, connection, **extra_context
        )


class SQLCount(Func):
    function = "COUNT"
    output_field = IntegerField()


class DaysBetween(Func):
    """Whole days from the second date to the first."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


def _float(expression):
    return Cast(expression, FloatField())


def report_ratio():
    """Ratio of a report's value between its target's baseline (0) and target (1).

    Evaluated inside a ProgressReport subquery whose outer query is the Target.
    """
    value = _float(F("value"))
    baseline = _float(OuterRef("baseline_value"))
    target = _float(OuterRef("target_value"))
    return Case(
        When(
            Exact(OuterRef("measure"), Measure.MILESTONE),
            then=Case(When(milestone_reached=True, then=Value(1.0)), default=Value(0.0)),
        ),
        When(IsNull(OuterRef("target_value"), True), then=Value(None)),
        When(
            IsNull(OuterRef("baseline_value"), False), then=(value - baseline) / (target - baseline)
        ),
        When(Exact(OuterRef("direction"), Direction.HIGHER), then=value / target),
        When(LessThanOrEqual(F("value"), OuterRef("target_value")), then=Value(1.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )


def report_percent():
    ratio = report_ratio()
    return Case(
        When(IsNull(ratio, True), then=Value(None)),
        When(LessThanOrEqual(ratio, 0), then=Value(0.0)),
        When(GreaterThan(ratio, 1), then=Value(100.0)),
        default=ratio * Value(100.0),
        output_field=FloatField(),
    )


def report_exceeded():
    """Whether a report's value is strictly beyond its target, in the target's direction."""
    return Case(
        When(
            Exact(OuterRef("measure"), Measure.MILESTONE) | IsNull(OuterRef("target_value"), True),
            then=Value(False),
        ),
        When(
            Exact(OuterRef("direction"), Direction.HIGHER),
            then=GreaterThan(F("value"), OuterRef("target_value")),
        ),
        default=LessThan(F("value"), OuterRef("target_value")),
        output_field=BooleanField(),
    )


def rolled_up_progress(own_sum, own_count, task_sum, task_count):
    """Mean over own targets and tasks, each counted once; NULL when none is known."""
    return (Coalesce(own_sum, Value(0.0)) + Coalesce(task_sum, Value(0.0))) / NullIf(
        Coalesce(own_count, Value(0)) + Coalesce(task_count, Value(0)), Value(0)
    )


def schedule_bucket(progress, start, end, today):
    """Ahead (1), on schedule (0) or behind (-1): `progress` against the share of the time
    from `start` to `end` elapsed by `today`.

    `progress` appears once in the SQL (the heavy part); the bucket is
    sign(floor((progress - expected + tolerance) / (2 * tolerance))).
    """
    span = DaysBetween(end, start)
    elapsed = DaysBetween(today, start)
    expected = Case(
        When(GreaterThanOrEqual(elapsed, span), then=Value(100.0)),
        When(LessThanOrEqual(elapsed, 0), then=Value(0.0)),
        default=_float(elapsed) * Value(100.0) / _float(span),
        output_field=FloatField(),
    )
    width = 2 * SCHEDULE_TOLERANCE
    bucket = Func(
        Func(
            (progress - expected + Value(float(SCHEDULE_TOLERANCE))) / Value(float(width)),
            function="FLOOR",
        ),
        function="SIGN",
    )
    return Cast(bucket, IntegerField())


def silence_rules():
    """The settings the figures are built with: part of what the compiled SQL is kept under."""
    return (settings.TRACKER_NO_REPORT_BEHIND_AT,)


def silent_too_long(start, end, today):
    """Whether TRACKER_NO_REPORT_BEHIND_AT percent of the time from `start` to `end` has
    passed by `today`: from then on, no report at all is behind schedule."""
    share = settings.TRACKER_NO_REPORT_BEHIND_AT
    return GreaterThanOrEqual(
        DaysBetween(today, start) * Value(100), DaysBetween(end, start) * Value(share)
    )


def no_report_condition(today):
    """An item owed a report with no approved one behind it: "no report yet". A cancelled item
    is owed none, nor one whose time has not begun. Reads the `last_reported` of
    PlanItemQuerySet.with_progress()."""
    return (
        Q(last_reported__isnull=True)
        & ~Q(status=Status.CANCELLED)
        & (Q(start_date__isnull=True) | Q(start_date__lte=today))
    )


def schedule_position(progress, last_reported, today):
    """The Schedule value of an item, from its progress and last-reported expressions and
    today's date."""
    today = Value(today)
    effective = Case(
        When(status=Status.COMPLETED, then=Value(100.0)),
        default=progress,
        output_field=FloatField(),
    )
    return Case(
        When(status=Status.CANCELLED, then=Value(None)),
        When(
            Q(due_date__lt=today) & ~Q(status=Status.COMPLETED),
            then=Value(Schedule.OVERDUE.value),
        ),
        When(Q(start_date__isnull=True) | Q(due_date__isnull=True), then=Value(None)),
        When(
            IsNull(last_reported, True)
            & ~Q(status=Status.COMPLETED)
            & silent_too_long(F("start_date"), F("due_date"), today),
            then=Value(Schedule.BEHIND.value),
        ),
        default=schedule_bucket(effective, F("start_date"), F("due_date"), today),
        output_field=IntegerField(),
    )


def status_check(schedule, progress, unmet_target):
    """The Disagreement between an item's declared status and its figures, or NULL.

    `unmet_target` is a condition: one of the item's own targets with a goal is short of it
    or has no approved figure (a target never reported is not met)."""
    status = F("status")

    def declared(*statuses):
        return In(status, [value.value for value in statuses])

    return Case(
        When(
            declared(Status.NOT_STARTED, Status.ON_TRACK, Status.AT_RISK)
            & Exact(schedule, Schedule.OVERDUE.value),
            then=Value(Disagreement.OVERDUE.value),
        ),
        When(
            declared(Status.NOT_STARTED, Status.ON_TRACK) & Exact(schedule, Schedule.BEHIND.value),
            then=Value(Disagreement.BEHIND.value),
        ),
        When(
            declared(Status.AT_RISK, Status.DELAYED) & Exact(schedule, Schedule.AHEAD.value),
            then=Value(Disagreement.AHEAD.value),
        ),
        When(
            declared(Status.COMPLETED) & (LessThan(progress, 100.0) | unmet_target),
            then=Value(Disagreement.UNMET.value),
        ),
        default=Value(None),
        output_field=CharField(),
    )


def has_goal():
    """A target that something can be measured against: a milestone, or a target value (a
    monitored indicator has none)."""
    return Q(measure=Measure.MILESTONE) | Q(target_value__isnull=False)


def target_schedule_position(progress, today):
    """The Schedule value of a target, by the items' rule: its time runs from its baseline
    date (or its item's start) to its target date; unknown without both, or without
    progress; overdue once the target date has passed short of 100.

    A target with a goal and no approved region-wide report (`latest_as_of`, as annotated by
    TargetQuerySet.with_progress()) is behind once enough of its time has passed without one,
    as an item is, and overdue after its date."""
    today = Value(today)
    start = Coalesce(F("baseline_date"), F("item__start_date"))
    end = F("target_date")
    silent = IsNull(F("latest_as_of"), True) & has_goal()
    return Case(
        When(IsNull(start, True) | IsNull(end, True), then=Value(None)),
        When(LessThanOrEqual(end, start), then=Value(None)),
        When(IsNull(progress, True) & ~silent, then=Value(None)),
        When(
            LessThan(end, today) & (IsNull(progress, True) | LessThan(progress, 100)),
            then=Value(Schedule.OVERDUE.value),
        ),
        When(
            IsNull(progress, True),
            then=Case(
                When(silent_too_long(start, end, today), then=Value(Schedule.BEHIND.value)),
                default=Value(None),
            ),
        ),
        default=schedule_bucket(progress, start, end, today),
        output_field=IntegerField(),
    )


def stale_cutoff(today):
    """Figures approved as of a date before this one are stale on `today`."""
    return today - timedelta(days=settings.TRACKER_STALE_AFTER_DAYS)


def is_stale(as_of, today):
    """Whether a figure approved as of `as_of` is stale on `today`; no figure is not stale
    (it is "no report yet")."""
    return as_of is not None and as_of < stale_cutoff(today)


class CompiledSQL(Expression):
    """An expression compiled once to SQL, put back into any query of the same model.

    The SQL refers to the row of the outer query (the item whose figure it is) through the
    alias of that query's base table, filled in at compile time: a query used as a subquery
    gets its tables renamed, and the figure follows.
    """

    OUTER = "\x00outer\x00"  # stands for the outer table in the stored SQL; never in real SQL

    def __init__(self, template, params, output_field):
        super().__init__(output_field=output_field)
        self.template, self.params = template, params

    def as_sql(self, compiler, connection):
        outer = compiler.quote_name_unless_alias(next(iter(compiler.query.alias_map)))
        return self.template.replace(self.OUTER, outer), list(self.params)

    def get_group_by_cols(self):
        return [self]


_compiled = {}
COMPILED_KEPT = 32  # (model, database, day) entries; a process rarely needs more than two


def compiled_annotations(model, using, today, build, names):
    """CompiledSQL for each named annotation of the queryset `build()` returns, built the
    first time for this model, database and day, and then kept."""
    key = (model, using, connections[using].vendor, today, silence_rules())
    found = _compiled.get(key)
    if found is None:
        query = build().query
        compiler = query.get_compiler(using)
        outer = compiler.quote_name_unless_alias(query.get_initial_alias()) + "."
        found = {}
        for name in names:
            annotation = query.annotations[name]
            sql, params = compiler.compile(annotation)
            if CompiledSQL.OUTER in sql:
                raise ValueError("The compiled SQL already holds the outer-table marker.")
            template = sql.replace(outer, CompiledSQL.OUTER + ".")
            found[name] = (template, tuple(params), annotation.output_field)
        if len(_compiled) >= COMPILED_KEPT:
            _compiled.clear()
        _compiled[key] = found
    return {
        name: CompiledSQL(template, params, output_field)
        for name, (template, params, output_field) in found.items()
    }
