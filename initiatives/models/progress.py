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
- The plan as of a past day D (`with_progress(today=D, approved_by=D)`): only the reports dated
  by D and approved by the end of D count (a correction approved later leaves the report it
  corrects in place), and each governed term and each item's status is what it was at the end
  of D (`value_then`, `status_then`). Nothing is stored for it: approved reports are never
  edited, an approved revision keeps the value it replaced and a status change the status it
  left, so the past is read back from the records of each change.
"""

import itertools
import re
import threading
from collections import OrderedDict
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import EmptyResultSet
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
    JSONField,
    OuterRef,
    Q,
    Subquery,
    TextField,
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
from django.db.models.query import ModelIterable
from django.utils import timezone

from .. import clock
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


def report_ratio(term=OuterRef, value=None, reached=None):
    """Ratio of a report's value between its target's baseline (0) and target (1).

    Evaluated inside a ProgressReport subquery whose outer query is the Target; `term(name)`
    reads a term of that target (OuterRef to the field, or to its value then). With `value`
    and `reached` (expressions), the ratio of a value not yet saved, e.g. on the Target
    itself with `term=F`: the figure a report form would give.
    """
    value = F("value") if value is None else value
    reached = F("milestone_reached") if reached is None else reached
    number = _float(value)
    baseline = _float(term("baseline_value"))
    target = _float(term("target_value"))
    return Case(
        When(
            Exact(term("measure"), Measure.MILESTONE),
            then=Case(When(Exact(reached, True), then=Value(1.0)), default=Value(0.0)),
        ),
        When(IsNull(term("target_value"), True), then=Value(None)),
        When(IsNull(term("baseline_value"), False), then=(number - baseline) / (target - baseline)),
        When(Exact(term("direction"), Direction.HIGHER), then=number / target),
        When(LessThanOrEqual(value, term("target_value")), then=Value(1.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )


def report_percent(term=OuterRef, value=None, reached=None):
    ratio = report_ratio(term, value, reached)
    return Case(
        When(IsNull(ratio, True), then=Value(None)),
        When(LessThanOrEqual(ratio, 0), then=Value(0.0)),
        When(GreaterThan(ratio, 1), then=Value(100.0)),
        default=ratio * Value(100.0),
        output_field=FloatField(),
    )


def report_exceeded(term=OuterRef, value=None):
    """Whether a report's value is strictly beyond its target, in the target's direction."""
    value = F("value") if value is None else value
    return Case(
        When(
            Exact(term("measure"), Measure.MILESTONE) | IsNull(term("target_value"), True),
            then=Value(False),
        ),
        When(
            Exact(term("direction"), Direction.HIGHER),
            then=GreaterThan(value, term("target_value")),
        ),
        default=LessThan(value, term("target_value")),
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
    return Cast(Bucket(progress, expected - Value(float(SCHEDULE_TOLERANCE))), IntegerField())


class Bucket(Func):
    """sign(floor((progress - (expected - tolerance)) / (2 * tolerance))), with `progress` as
    shallow in the SQL as it can be: it nests the roll-up's subqueries, and the disagreement
    nests this, within SQLite's parser depth."""

    template = f"SIGN(FLOOR((%(expressions)s) / {float(2 * SCHEDULE_TOLERANCE)}))"
    arg_joiner = " - "
    output_field = FloatField()


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


def no_report_condition(today, status=None, start=None):
    """An item owed a report with no approved one behind it: "no report yet". A cancelled item
    is owed none, nor one whose time has not begun. Reads the `last_reported` of
    PlanItemQuerySet.with_progress(); `status` and `start` are the item's (as they were then,
    in a plan as of a past day; the fields by default)."""
    status = F("status") if status is None else status
    start = F("start_date") if start is None else start
    return (
        Q(last_reported__isnull=True)
        & ~Q(Exact(status, Status.CANCELLED))
        & Q(IsNull(start, True) | LessThanOrEqual(start, today))
    )


def past_due(today, status=None, due=None):
    """Past its due date and not completed: Schedule.OVERDUE, unless the item is cancelled
    (schedule_position() tells that first). `status` and `due` are the item's (as they were
    then, as of a past day; the fields by default)."""
    status = F("status") if status is None else status
    due = F("due_date") if due is None else due
    return Q(LessThan(due, Value(today))) & ~Q(Exact(status, Status.COMPLETED))


def overdue_condition(today):
    """An item whose schedule_position() is Schedule.OVERDUE today: past its due date, neither
    completed nor cancelled. Told by the item's own columns alone, without its figures, so that
    the database can pick the most overdue from an index (behind_rows() in views)."""
    return ~Q(Exact(F("status"), Status.CANCELLED)) & past_due(today)


def schedule_position(progress, last_reported, today, status=None, start=None, due=None):
    """The Schedule value of an item, from its progress and last-reported expressions and
    today's date; `status`, `start` and `due` are the item's (as they were then, as of a past
    day; the fields by default)."""
    status = F("status") if status is None else status
    start = F("start_date") if start is None else start
    due = F("due_date") if due is None else due
    overdue = past_due(today, status, due)
    today = Value(today)
    completed = Exact(status, Status.COMPLETED)
    # A completed item is placed as at 100 %: a branch of its own rather than a CASE around
    # `progress`, which the disagreement nests in turn (SQLite's parser has a depth limit).
    return Case(
        When(Exact(status, Status.CANCELLED), then=Value(None)),
        When(overdue, then=Value(Schedule.OVERDUE.value)),
        When(IsNull(start, True) | IsNull(due, True), then=Value(None)),
        When(completed, then=schedule_bucket(Value(100.0), start, due, today)),
        When(
            IsNull(last_reported, True) & silent_too_long(start, due, today),
            then=Value(Schedule.BEHIND.value),
        ),
        default=schedule_bucket(progress, start, due, today),
        output_field=IntegerField(),
    )


def status_check(schedule, progress, unmet_target, status=None):
    """The Disagreement between an item's declared status and its figures, or NULL.

    `unmet_target` is a condition: one of the item's own targets with a goal is short of it
    or has no approved figure (a target never reported is not met). `status` is the item's
    (as it was then, as of a past day; the field by default).

    `schedule` is written once in the SQL, as the subject of a CASE over its values: it is the
    longest expression of an item's figures, and each mention of it costs its compilation and
    its evaluation on every row again. The declared statuses each position is checked against
    exclude one another, and exclude a completed item."""
    status = F("status") if status is None else status

    def declared(*statuses):
        return In(status, [value.value for value in statuses])

    def unless(statuses, disagreement):
        return Case(When(declared(*statuses), then=Value(disagreement.value)), default=None)

    return Case(
        When(
            declared(Status.COMPLETED) & (LessThan(progress, 100.0) | unmet_target),
            then=Value(Disagreement.UNMET.value),
        ),
        default=Switch(
            schedule,
            {
                Schedule.OVERDUE.value: unless(
                    (Status.NOT_STARTED, Status.ON_TRACK, Status.AT_RISK), Disagreement.OVERDUE
                ),
                Schedule.BEHIND.value: unless(
                    (Status.NOT_STARTED, Status.ON_TRACK), Disagreement.BEHIND
                ),
                Schedule.AHEAD.value: unless((Status.AT_RISK, Status.DELAYED), Disagreement.AHEAD),
            },
            output_field=CharField(),
        ),
        output_field=CharField(),
    )


class Switch(Func):
    """CASE subject WHEN value THEN result ... END (NULL when none matches): the subject is
    written, and evaluated, once, where Case() repeats it in each of its conditions."""

    def __init__(self, subject, results, output_field=None):
        pairs = [part for value, result in results.items() for part in (Value(value), result)]
        super().__init__(subject, *pairs, output_field=output_field)

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, expression_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(expression_params)
        subject, rest = parts[0], parts[1:]
        whens = " ".join(f"WHEN {rest[i]} THEN {rest[i + 1]}" for i in range(0, len(rest), 2))
        return f"CASE {subject} {whens} END", params


def has_goal(term=F):
    """A target that something can be measured against: a milestone, or a target value (a
    monitored indicator has none)."""
    return Q(Exact(term("measure"), Measure.MILESTONE)) | Q(IsNull(term("target_value"), False))


def target_schedule_position(progress, today, term=F):
    """The Schedule value of a target, by the items' rule: its time runs from its baseline
    date (or its item's start) to its target date; unknown without both, or without
    progress; overdue once the target date has passed short of 100.

    A target with a goal and no approved region-wide report (`latest_as_of`, as annotated by
    TargetQuerySet.with_progress()) is behind once enough of its time has passed without one,
    as an item is, and overdue after its date. `term(name)` reads a term of the target (F, or
    its value then)."""
    today = Value(today)
    start = Coalesce(term("baseline_date"), term("item__start_date"))
    end = term("target_date")
    silent = IsNull(F("latest_as_of"), True) & has_goal(term)
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


THEN = "_then"  # the suffix of an annotation holding a field's value as it was on a past day


def end_of(day):
    """The first moment after `day` in the site's time zone: what was approved or changed "by
    `day`" was approved or changed before it."""
    midnight = datetime.combine(day + timedelta(days=1), time.min)
    return timezone.make_aware(midnight, timezone.get_default_timezone())


class RevisedPair(Func):
    """The [old, new] pair a revision's `changes` keeps for the field `name`, as JSON."""

    template = "(%(expressions)s -> %(name)s)"

    def __init__(self, changes, name):
        super().__init__(changes, output_field=JSONField())
        self.name = name

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(compiler, connection, name="%s", **extra_context)
        return sql, (*params, self.name)

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(
            compiler, connection, template="JSON_EXTRACT(%(expressions)s, %%s)", **extra_context
        )
        return sql, (*params, f'$."{self.name}"')


class ValueBefore(Func):
    """The first element of a revision's pair (the value it replaced, NULL when it was
    empty), or when there is no such revision (the pair is NULL) the value now: one JSON
    function over COALESCE(pair, [now]), with no CASE."""

    template = "(COALESCE(%(pair)s, JSONB_BUILD_ARRAY((%(now)s)::text)) ->> 0)"
    output_field = TextField()

    def as_sql(self, compiler, connection, template=None, **extra_context):
        pair, now = (compiler.compile(expression) for expression in self.source_expressions)
        sql = (template or self.template) % {"pair": pair[0], "now": now[0]}
        return sql, (*pair[1], *now[1])

    def as_sqlite(self, compiler, connection, **extra_context):
        template = "JSON_EXTRACT(COALESCE(%(pair)s, JSON_ARRAY(%(now)s)), '$[0]')"
        return self.as_sql(compiler, connection, template=template, **extra_context)


def first_revised_later(revisions, name, cutoff):
    """The first of `revisions` (a record's approved revisions, correlated to it with
    OuterRef) that revised the field `name` from `cutoff` on."""
    return revisions.filter(reviewed_at__gte=cutoff, changes__has_key=name).order_by(
        "reviewed_at", "pk"
    )


def revised_pair(revisions, name, cutoff):
    """The [old, new] pair of the field `name` in the first revision of it from `cutoff` on:
    a subquery, NULL when there is none. Where the value is read deep in the figures (a
    target's terms, inside a report's subquery inside a task's inside a project's), SQLite's
    parser cannot nest one more subquery: there the revision is joined instead (a
    FilteredRelation on the pk of first_revised_later(), and RevisedPair on its changes)."""
    first = first_revised_later(revisions, name, cutoff)
    return Subquery(first.annotate(pair=RevisedPair(F("changes"), name)).values("pair")[:1])


def approved_by_end_of(revisions, day):
    """The revisions approved by the end of `day`; all of them when it is None."""
    return revisions if day is None else revisions.filter(reviewed_at__lt=end_of(day))


def value_then(field, current, pair):
    """A governed field's value as it stood then: the value the first revision of it approved
    since replaced (`pair`, that revision's [old, new], NULL when there is none), else its
    value now (`current`, e.g. F of the field). A revision keeps each value as text
    (revisions.stored), and the value it replaced may be empty (JSON null)."""
    return Cast(ValueBefore(pair, current), field.clone())


def status_then(changes, cutoff, field):
    """An item's status as it stood at `cutoff`: the status its latest change before then
    moved it to, else the one its first later change moved it from, else its status now.

    `changes` are the item's StatusChange rows (correlated to it with OuterRef)."""
    before = changes.filter(changed_at__lt=cutoff).order_by("-changed_at", "-pk")
    after = changes.filter(changed_at__gte=cutoff).order_by("changed_at", "pk")
    return Coalesce(
        Subquery(before.values("new_status")[:1]),
        NullIf(Subquery(after.values("old_status")[:1]), Value("")),
        F("status"),
        output_field=field,
    )


class ThenIterable(ModelIterable):
    """Model instances as they stood on a past day: each `<field>_then` annotation takes the
    place of its field, so that pages, tables, exports and the API show the terms and the
    status of then without knowing it. Such an instance is for reading, never for saving."""

    def __iter__(self):
        names = [name for name in self.queryset.query.annotation_select if name.endswith(THEN)]
        for obj in super().__iter__():
            for name in names:
                setattr(obj, name.removesuffix(THEN), getattr(obj, name))
            yield obj


class Slot(Expression):
    """Where compiled SQL takes an expression of the query it is put into: compiled to a
    marker, which CompiledSQL.as_sql() replaces with that expression's own SQL."""

    def __init__(self, number, output_field):
        super().__init__(output_field=output_field)
        self.number = number

    @staticmethod
    def marker(number):
        return f"\x00slot{number}\x00"

    def as_sql(self, compiler, connection):
        return self.marker(self.number), []


class CompiledSQL(Expression):
    """An expression compiled once to SQL, put back into any query of the same model.

    The SQL refers to the row of the outer query (the item whose figure it is) through the
    alias of that query's base table, filled in at compile time: a query used as a subquery
    gets its tables renamed, and the figure follows.

    With `sources`, expressions of the query it is put into and resolved there (a join to
    another table, say, under whatever alias that query gives it), each Slot marker of the SQL
    is filled in by its source's SQL. A source must compile without parameters: its SQL takes
    the place of a marker, and parameters would land out of order.
    """

    OUTER = "\x00outer\x00"  # stands for the outer table in the stored SQL; never in real SQL

    def __init__(self, template, params, output_field, sources=()):
        super().__init__(output_field=output_field)
        self.template, self.params = template, params
        self.sources = list(sources)

    def get_source_expressions(self):
        return self.sources

    def set_source_expressions(self, exprs):
        self.sources = list(exprs)

    def as_sql(self, compiler, connection):
        outer = compiler.quote_name_unless_alias(next(iter(compiler.query.alias_map)))
        sql = self.template.replace(self.OUTER, outer)
        for number, source in enumerate(self.sources):
            part, part_params = compiler.compile(source)
            if part_params:
                raise ValueError("A slot's expression compiled with parameters.")
            sql = sql.replace(Slot.marker(number), part)
        return sql, list(self.params)

    def get_group_by_cols(self):
        return [self]


_compiled = {}
_templates = itertools.count(1)
# A table alias of Django's inside compiled SQL (U0, V1, T3): unquoted, a capital and digits.
# Nothing else in SQL Django writes has that form; values are parameters.
DJANGO_ALIAS = re.compile(r'(?<![\w"])([A-Z][0-9]+)(?![\w"])')


def own_aliases(sql, connection):
    """The SQL with each of Django's aliases renamed to one of this template's own.

    Put back into another query, a template's subqueries would otherwise keep the aliases
    Django gave them at compile time, and one of them may be the alias the enclosing query
    gives the row the template refers to (its outer table): inside that subquery, the
    reference would read the subquery's own table instead."""
    number = next(_templates)
    return DJANGO_ALIAS.sub(
        lambda alias: connection.ops.quote_name(f"c{number}_{alias.group(1).lower()}"), sql
    )


COMPILED_KEPT = 32  # (model, database, day, names) entries; a process rarely needs more than ten


def compiled_annotations(
    model, using, today, build, names, approved_by=None, dated=False, sources=()
):
    """CompiledSQL for each named annotation of the queryset `build()` returns, built the
    first time for this model, database, day, approval day (None: every approval) and
    `dated` (only the reports dated by the day), and then kept.

    With `sources`, `build()` reads them through Slot(0), Slot(1)...: each annotation then
    reads them in the query it is put into."""
    key = (model, using, connections[using].vendor, today, approved_by, dated, silence_rules())
    key += (len(sources), *names)
    found = _compiled.get(key)
    if found is None:
        query = build().query
        compiler = query.get_compiler(using)
        outer = compiler.quote_name_unless_alias(query.get_initial_alias()) + "."
        found = {}
        for name in names:
            annotation = query.annotations[name]
            sql, params = compiler.compile(annotation)
            sql = own_aliases(sql, compiler.connection)
            if CompiledSQL.OUTER in sql:
                raise ValueError("The compiled SQL already holds the outer-table marker.")
            template = sql.replace(outer, CompiledSQL.OUTER + ".")
            found[name] = (template, tuple(params), annotation.output_field)
        if len(_compiled) >= COMPILED_KEPT:
            _compiled.clear()
        _compiled[key] = found
    return {
        name: CompiledSQL(template, params, output_field, sources)
        for name, (template, params, output_field) in found.items()
    }


# A summary's whole query compiled once and kept (kept_values()): (key) -> (SQL, parameters,
# column names, converters), the newest SUMMARIES_KEPT; a process needs a few per plan and day.
SUMMARIES_KEPT = 64
_summaries = OrderedDict()
_summaries_lock = threading.Lock()


def kept_values(items, shape, build, plan=None):
    """The rows, as dicts, of the values() queryset `build()` returns, which is built on the
    PlanItem queryset `items`: by SQL compiled the first time and kept; with `plan` (a plan's
    key), the rows themselves kept too, until the plan's next public write or the next day
    (caching.kept_rows()).

    A summary (a page's counts of every item, the items behind schedule) is a handful of rows
    from a query that took Django longer to build and compile than the database to run (at
    100x, 10-15 ms of each 25 ms). What the SQL is made of is the key: `items`' own SQL, the
    database, the settings the figures are built with, the day, and `shape`, which must hold
    all the rest that `build` reads (the plan's dates, an as-of day, a stale cutoff, the
    grouping). The rows
    are converted as Django converts them (dates and booleans on SQLite, say)."""
    from ..caching import kept_rows  # the page cache's generations, which import the models

    using = items.db
    connection = connections[using]
    try:
        own = items.query.get_compiler(using).as_sql()
        key = (using, connection.vendor, items.model, own[0], tuple(own[1]), silence_rules())
        key += (clock.today(), *shape)
        hash(key)
    except (EmptyResultSet, TypeError):  # nothing to read, or a key that cannot be kept
        return list(build())
    if plan is None:
        return _summary_rows(key, build, using)
    return kept_rows(plan, repr(key), lambda: _summary_rows(key, build, using))


def _summary_rows(key, build, using):
    connection = connections[using]
    with _summaries_lock:
        found = _summaries.get(key)
        if found is not None:
            _summaries.move_to_end(key)
    if found is None:
        queryset = build()
        query = queryset.query
        compiler = query.get_compiler(using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return list(queryset)
        # As Django's ValuesIterable names the columns.
        names = list(
            query.selected or (*query.extra_select, *query.values_select, *query.annotation_select)
        )
        columns = [column for column, _sql, _alias in compiler.select[: compiler.col_count]]
        converters = tuple(compiler.get_converters(columns).items())
        found = (sql, tuple(params), names, converters)
        with _summaries_lock:
            _summaries[key] = found
            while len(_summaries) > SUMMARIES_KEPT:
                _summaries.popitem(last=False)
    sql, params, names, converters = found
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [list(row) for row in cursor.fetchall()]
    for row in rows:
        for position, (functions, expression) in converters:
            for convert in functions:
                row[position] = convert(row[position], expression, connection)
    return [dict(zip(names, row, strict=True)) for row in rows]
