"""The public pages. Each asks the model's QuerySets for what it shows, in a fixed number of
queries, touches no session and sets no cookie, so that any cache may keep it.

Every page shows the items of one plan: the one named by the `plan` slug of its address
(/plans/<slug>/...), or without one the plan the site opens on."""

import csv
import io
import math
from collections import Counter, defaultdict, namedtuple
from datetime import date
from functools import partial

from django import forms
from django.core.paginator import Paginator
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin
from django_tables2.export import ExportMixin

from .. import clock
from ..as_of import figures_on, requested_as_of, with_as_of
from ..charts import target_panels
from ..filters import PlanItemFilter, UpdateFilter
from ..models import (
    KIND_MODELS,
    CooperationProject,
    Edition,
    FocusArea,
    Initiative,
    ItemKind,
    Member,
    Outcome,
    Plan,
    PlanItem,
    ProgressReport,
    ReportingPeriod,
    Role,
    Schedule,
    Source,
    Status,
    Target,
    Task,
    outlook,
    progress,
)
from ..models.obligations import latest_reporting, with_latest_reporting
from ..models.rounds import outcome_counts
from ..tables import (
    BYTE_ORDER_MARK,
    InitiativeTable,
    ItemTable,
    ProjectTable,
    SafeTableExport,
    TaskTable,
    UpdateTable,
    date_text,
    formula_safe,
    streamed_download,
    streaming_export,
)

LISTS = (
    (Initiative, InitiativeTable, "i", "initiatives:initiative_list"),
    (CooperationProject, ProjectTable, "p", "initiatives:project_list"),
    (Task, TaskTable, "t", "initiatives:task_list"),
)
SHORT_NAMES = {Initiative: _("Initiatives"), CooperationProject: _("Projects"), Task: _("Tasks")}
SCHEDULES = [*(value for value in Schedule.values if value is not None), None]
BEHIND = (Schedule.OVERDUE, Schedule.BEHIND)
BEHIND_SHOWN = 15  # on the dashboard, with those not reported; the filtered lists give the rest
SECTION_PAGE = 25  # rows of a table within a page (member, area, item)
CITED_SHOWN = 50  # figures listed under each source; the API gives them all
# What a summary reads of each item; the code, titles and due date list it when behind.
FIGURE_FIELDS = (
    "pk",
    "kind",
    "focus_area",
    "status",
    "schedule",
    "progress",
    "code",
    "title_en",
    "title_zh",
    "due_date",
    "last_reported",
    "no_report",
    "disagreement",
)


FigureRow = namedtuple("FigureRow", [*FIGURE_FIELDS, "outcome"])


def viewed_plan(slug=None):
    """The plan named by `slug`, or the one the site opens on, and every plan (for the
    switcher), in one query; 404 when there is no such plan."""
    plans = list(Plan.objects.all())
    for plan in plans:
        if (plan.slug == slug) if slug is not None else plan.is_current:
            return plan, plans
    raise Http404("No such plan." if slug is not None else "No plan is open yet.")


class PlanMixin:
    """A view of one plan: `self.plan`, and `plan` and `plans` in the template's context;
    `self.as_of`, and `as_of` in the context, the day `?as_of=` asks for (None: today)."""

    def dispatch(self, request, *args, **kwargs):
        self.plan, self.plans = viewed_plan(kwargs.get("plan"))
        self.as_of = requested_as_of(request, self.plan)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            plan=self.plan, plans=self.plans, as_of=self.as_of, **kwargs
        )


def approved_reports(plan, as_of=None):
    """The plan's approved reports (those dated and approved by `as_of`, for the plan as of
    that day) with what a row about them shows."""
    return ProgressReport.objects.as_of(as_of).in_plan(plan).for_rows()


# How many of the latest approved reports of every plan are looked through first for a plan's
# latest few (latest_reports()).
RECENT_REPORTS = 2000


def latest_reports(plan, as_of, count, **filters):
    """The `count` latest approved reports of `plan` (approved_reports(), with `filters`), the
    latest first: picked among those dated since the RECENT_REPORTS-th latest of every plan
    when there are that many of the plan's there, and among all of the plan's otherwise.

    Asked for the plan's latest directly, SQLite reads every report of the plan and sorts them
    to give a few (805 ms at 100x), where the index of the reports by date finds them at once;
    the date bounds that walk, so a plan with few recent reports is not looked for through all
    the others' (it is then read by its own items, as before). Two queries; three when the
    plan has fewer than `count` of the reports since that date."""
    reports = approved_reports(plan, as_of).filter(**filters).order_by("-as_of", "-pk")
    latest = ProgressReport.objects.as_of(as_of).filter(**filters).order_by("-as_of", "-pk")
    since = latest.values_list("as_of", flat=True)[RECENT_REPORTS - 1 : RECENT_REPORTS].first()
    if since is None:  # fewer reports than that in every plan: few enough to read them all
        return list(reports[:count])
    found = list(reports.filter(as_of__gte=since)[:count])
    return found if len(found) == count else list(reports[:count])


class KnownCountPaginator(Paginator):
    """A paginator told the number of rows, which the page's summary has already counted."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = count  # the cached property, set: no COUNT query


def configured_table(request, table_class, queryset, prefix, caption, count, **kwargs):
    """A sortable table showing one page of `count` rows: only that page is read."""
    table = table_class(queryset, prefix=f"{prefix}-", **kwargs)
    table.caption = caption
    RequestConfig(request, paginate=False).configure(table)
    pages = max(1, math.ceil(count / SECTION_PAGE))
    try:
        page = min(max(int(request.GET.get(table.prefixed_page_field, 1)), 1), pages)
    except ValueError:
        page = 1
    table.paginate(
        paginator_class=partial(KnownCountPaginator, count=count), page=page, per_page=SECTION_PAGE
    )
    return table


def figure_rows(items, plan, as_of=None):
    """`items` with the figures a summary reads (today's stored ones, or those of a past day
    or of a closed round computed set-based: PlanItemQuerySet.with_progress(every=True))."""
    return items.with_outcome(plan, every=True, **figures_on(as_of)).order_by()


def figure_names(as_of, names=(*FIGURE_FIELDS, "outcome")):
    """The names to read `names` by: as of a past day, the status and due date of then."""
    if as_of is None:
        return list(names)
    return [f"{name}_then" if name in ("status", "due_date") else name for name in names]


# What a summary counts items by (summarise()); a Tally stands for the `n` items alike in all.
TALLY_KEYS = (
    "kind",
    "focus_area",
    "status",
    "schedule",
    "no_report",
    "stale",
    "disagreement",
    "outcome",
)
Tally = namedtuple("Tally", [*TALLY_KEYS, "n", "total", "known", "last_reported"])


def tallies(items, plan, as_of=None, by=None, keys=TALLY_KEYS):
    """A summary's counts of the PlanItem queryset `items` of `plan`, made by the database: a
    Tally for each combination of `keys` (TALLY_KEYS, or fewer: the others are None) found,
    with the number of items, the sum and number of their known progress and the latest
    report behind them. Grouped also by the field or fields `by`, when given: pairs of (the
    value or values of `by`, Tally). Thousands of items come back as a few hundred rows,
    whatever the size of the plan."""
    today = as_of or clock.today()
    names = dict(zip(TALLY_KEYS, figure_names(as_of, TALLY_KEYS), strict=True))
    grouped_by = [names[key] for key in TALLY_KEYS if key in keys]
    by = (by,) if isinstance(by, str) else tuple(by or ())

    cutoff = progress.stale_cutoff(today)

    def grouped():
        rows = figure_rows(items, plan, as_of).annotate(
            stale=Case(
                When(last_reported__lt=cutoff, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        return rows.values(*by, *grouped_by).annotate(
            n=Count("pk"),
            total=Sum("progress"),
            known=Count("progress"),
            latest=Max("last_reported"),
        )

    found = []
    shape = ("tallies", *plan_shape(plan), as_of, cutoff, by, keys)
    for row in progress.kept_values(items, shape, grouped, plan=plan.pk):
        tally = Tally(
            *(row[names[key]] if key in keys else None for key in TALLY_KEYS),
            row["n"],
            row["total"] or 0,
            row["known"],
            row["latest"],
        )
        if not by:
            found.append(tally)
        else:
            key = tuple(row[name] for name in by)
            found.append((key[0] if len(by) == 1 else key, tally))
    return found


def behind_rows(items, plan, as_of=None, limit=BEHIND_SHOWN):
    """The first `limit` items that need asking (behind schedule, overdue or not reported),
    the most overdue first, then behind, then not reported within its grace; by due date and
    code within each: FigureRows, picked by the database in one query.

    In an open plan today, the overdue come first and are told by the items' own columns
    (progress.overdue_condition()): when there are `limit` of them, they are the answer, picked
    from the due-date index, and no other item is placed against the schedule. At 100 times
    the plan, placing every item to pick 15 took 30 ms."""
    due = "due_date_then" if as_of is not None else "due_date"
    names = figure_names(as_of)
    today = as_of or clock.today()
    by_due = (F(due).asc(nulls_last=True), "code")

    def first_rows():
        needs_asking = Q(schedule__in=BEHIND) | Q(no_report=True)
        if as_of is None and not plan.is_closed(today):
            overdue = items.filter(progress.overdue_condition(today))
            # The first `limit` inside a subquery of their own: SQLite allows no LIMIT in a
            # member of a UNION.
            first = items.filter(pk__in=overdue.order_by(*by_due).values("pk")[:limit])
            enough = Exists(overdue.order_by()[limit - 1 : limit])
            rest = figure_rows(items, plan).filter(~Q(enough) & needs_asking)
            chosen = first.order_by().values("pk").union(rest.order_by().values("pk"), all=True)
            needs_asking = Q(pk__in=chosen)
        rows = (
            figure_rows(items, plan, as_of)
            .filter(needs_asking)
            .annotate(
                rank=Case(
                    When(schedule__in=BEHIND, then=F("schedule")),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            )
            .order_by("rank", *by_due)
        )
        return rows.values(*names)[:limit]

    shape = ("behind", *plan_shape(plan), as_of, limit)
    return [
        FigureRow(*(row[name] for name in names))
        for row in progress.kept_values(items, shape, first_rows, plan=plan.pk)
    ]


def plan_shape(plan):
    """What of `plan` a summary's SQL is made from (progress.kept_values()): its key, and its
    dates, which say whether it is closed and its items' outcomes counted."""
    return (plan.pk, plan.start_date, plan.end_date)


def describe(model, link):
    """The name of one of the three lists and a link to it."""
    return {
        "label": capfirst(model._meta.verbose_name_plural),
        "short": SHORT_NAMES[model],
        "url": link,
        "key": model.KIND.value,
    }


def mean(values):
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def needs_asking(item):
    """Behind schedule, overdue or with no approved report: what the overview lists."""
    return item.schedule in BEHIND or bool(item.no_report)


def tally_of(item, cutoff):
    """A Tally of one item (a model or a FigureRow with its figures), or the Tally given."""
    if isinstance(item, Tally):
        return item
    stale = item.last_reported is not None and item.last_reported < cutoff
    known = item.progress is not None
    return Tally(
        item.kind,
        None,  # the area, which a summary does not count by (and a model would read)
        item.status,
        item.schedule,
        item.no_report,
        stale,
        item.disagreement,
        getattr(item, "outcome", None),
        1,
        item.progress if known else 0,
        int(known),
        item.last_reported,
    )


def summarise(items, today):
    """Counts by status and schedule position, and the mean known progress, of items, their
    figures or tallies of them; `behind` counts those behind schedule, overdue or with no
    report yet."""
    cutoff = progress.stale_cutoff(today)  # progress.is_stale(), with the cutoff read once
    statuses, schedules, outcomes = Counter(), Counter(), Counter()
    count = total = known = behind = no_report = stale = disagrees = 0
    for item in items:
        tally = tally_of(item, cutoff)
        count += tally.n
        total += tally.total
        known += tally.known
        statuses[tally.status] += tally.n
        schedules[tally.schedule] += tally.n
        outcomes[tally.outcome] += tally.n
        behind += tally.n if needs_asking(tally) else 0
        no_report += tally.n if tally.no_report else 0
        stale += tally.n if tally.stale else 0
        disagrees += tally.n if tally.disagreement is not None else 0
    return {
        "count": count,
        "progress": total / known if known else None,
        "statuses": [(label, statuses[value]) for value, label in Status.choices],
        "schedules": [(value, schedules[value]) for value in SCHEDULES],
        "behind": behind,
        "no_report": no_report,
        "stale": stale,
        "disagrees": disagrees,
        "outcomes": [(outcome, outcomes[outcome.value]) for outcome in Outcome],
    }


# What the members' tables show of what each leads: how many, how far, how many behind and
# not reported; grouped by these alone, each member's items come back as a few rows.
MEMBER_KEYS = ("schedule", "no_report")


def led_tallies(plan, as_of=None):
    """{member pk: [Tally]} of the items of `plan` each member leads (by MEMBER_KEYS only),
    and {member pk: number} of those it co-leads: one query, grouped by member and role."""
    led, co = defaultdict(list), defaultdict(int)
    items = PlanItem.objects.in_plan(plan)
    by = ("responsibilities__member", "responsibilities__role")
    for (member, role), tally in tallies(items, plan, as_of, by=by, keys=MEMBER_KEYS):
        if role == Role.LEAD:
            led[member].append(tally)
        else:
            co[member] += tally.n
    return led, co


def crosstab(lists, key):
    """Rows of (label, [count in each list]) from the lists' summaries."""
    rows = zip(*(entry[key] for entry in lists), strict=True)
    return [(row[0][0], [count for _label, count in row]) for row in rows]


class ExportableListView(PlanMixin, ExportMixin, SingleTableMixin, FilterView):
    """A filtered, sorted, paginated table that also downloads as CSV or JSON."""

    export_class = SafeTableExport
    export_formats = tuple(SafeTableExport.FORMATS)
    table_pagination = {"per_page": 25}
    template_name_suffix = "_list"

    def exporting(self):
        return self.export_class.is_valid_format(self.request.GET.get(self.export_trigger_param))

    def get_table_pagination(self, table):
        return False if self.exporting() else super().get_table_pagination(table)

    def get_context_data(self, **kwargs):
        if self.exporting():  # the export builds its own table; skip the page's
            return kwargs
        return super().get_context_data(**kwargs)

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        table.caption = capfirst(self.model._meta.verbose_name_plural)
        return table

    def create_export(self, export_format):
        table = self.get_table(**self.get_table_kwargs())
        filename = self.get_export_filename(export_format)
        return streaming_export(table, export_format, filename, self.exclude_columns)


class PlanItemListView(ExportableListView):
    filterset_class = PlanItemFilter

    def get_queryset(self):
        items = self.model.objects.in_plan(self.plan)
        return items.with_outcome(self.plan, **figures_on(self.as_of)).for_table(self.as_of)

    def get_table_kwargs(self):
        return {
            **super().get_table_kwargs(),
            "closed": self.plan.is_closed(self.as_of),
            "as_of": self.as_of,
        }


class InitiativeListView(PlanItemListView):
    model = Initiative
    table_class = InitiativeTable
    export_name = "initiatives"


class ProjectListView(PlanItemListView):
    model = CooperationProject
    table_class = ProjectTable
    export_name = "projects"


class TaskListView(PlanItemListView):
    model = Task
    table_class = TaskTable
    export_name = "tasks"


def until(rows, moment, day):
    """The rows whose `moment` (a date and time) falls by the end of `day`; all when None."""
    if day is None:
        return rows
    return rows.filter(**{f"{moment}__lt": progress.end_of(day)})


def continued_in():
    """The plan of the earliest round an item was carried into, read within the item's own
    query: a carried item keeps its code, and the plans are read already."""
    later = PlanItem.objects.filter(carried_from=OuterRef("pk")).order_by("plan__start_date")
    return Subquery(later.values("plan")[:1])


def continuations(item, plans):
    """The item that continues `item` in a later round, built from its plan and code (not
    read), as a list for the page: empty when it was not carried over."""
    plan = next((plan for plan in plans if plan.pk == item.continued_in), None)
    return [] if plan is None else [KIND_MODELS[item.kind](plan=plan, code=item.code)]


def task_count():
    """The number of tasks that support the item, counted within the item's own query."""
    tasks = Task.objects.filter(parent=OuterRef("pk")).order_by().values("parent")
    return Coalesce(Subquery(tasks.annotate(n=Count("pk")).values("n")), 0)


class PlanItemDetailView(PlanMixin, DetailView):
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_queryset(self):
        queryset = (
            self.model.objects.in_plan(self.plan)
            .with_outcome(self.plan, **figures_on(self.as_of))
            .for_table(self.as_of)
            .with_carry_over(into=False)
            .annotate(continued_in=continued_in())
            .prefetch_related("sources")
        )
        if self.model.KIND == ItemKind.TASK:
            return queryset.select_related("parent__plan")
        return queryset.annotate(task_count=task_count())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item = self.object
        as_of = self.as_of
        targets = list(
            with_latest_reporting(
                item.targets.with_progress(as_of, approved_by=as_of)
                .with_schedule(as_of)
                .select_related("source"),
                as_of,
            )
        )
        reports = (
            ProgressReport.objects.as_of(as_of)
            .filter(target__in=targets)
            .select_related("member", "source")
            .order_by("as_of", "pk")
        )
        # The revisions in effect (by then), the item's own and its targets', in one query.
        revisions = until(item.revisions.in_effect(), "reviewed_at", as_of)
        by_target = {}
        shown_targets = {target.pk: target for target in targets}
        for revision in revisions:
            if revision.target_id in shown_targets:
                revision.target = shown_targets[revision.target_id]
            by_target.setdefault(revision.target_id, []).append(revision)
        context["panels"] = target_panels(item, targets, reports, as_of, by_target)
        reporting = latest_reporting(targets)  # each target's latest closed period, if any
        context["status_changes"] = list(until(item.status_changes.all(), "changed_at", as_of))
        context["continued"] = continuations(item, self.plans)
        context["closed"] = self.plan.is_closed(as_of)  # targets too have no schedule then
        for panel in context["panels"]:
            panel.revisions = by_target.get(panel.target.pk, [])
            panel.outlook = panel.target.outlook(reports=panel.series)
            panel.reporting = reporting.get(panel.target.pk)
        context["period_revisions"] = by_target.get(None, [])
        if item.has_tasks:
            context["task_count"] = item.task_count
            context["task_table"] = configured_table(
                self.request,
                TaskTable,
                item.tasks.with_outcome(self.plan, **figures_on(as_of)).for_table(as_of),
                "tasks",
                _("Tasks that support it"),
                item.task_count,
                exclude=("supports",),
                closed=self.plan.is_closed(as_of),
                as_of=as_of,
            )
        return context


class InitiativeDetailView(PlanItemDetailView):
    model = Initiative


class ProjectDetailView(PlanItemDetailView):
    model = CooperationProject


class TaskDetailView(PlanItemDetailView):
    model = Task


def shown_item(row, plan):
    """An item of a summary, built from its figures to be listed (not saved)."""
    item = KIND_MODELS[row.kind](
        pk=row.pk,
        plan=plan,
        code=row.code,
        title_en=row.title_en,
        title_zh=row.title_zh,
        status=row.status,
        due_date=row.due_date,
    )
    item.progress, item.schedule = row.progress, row.schedule
    item.last_reported, item.no_report = row.last_reported, row.no_report
    item.disagreement = row.disagreement
    item.outcome = getattr(row, "outcome", None)
    return item


def split_headlines(targets):
    """The headline targets (what the plan promises, with a value or milestone to reach) and
    the monitored indicators (figures watched without one), each in the order given."""
    promised, monitored = [], []
    for target in targets:
        (monitored if target.is_monitored else promised).append(target)
    return promised, monitored


def headline_tally(targets):
    """How many of the headline targets are reached, and how many have no figure yet."""
    return {
        "count": len(targets),
        "reached": sum(
            target.progress is not None and target.progress >= 100 for target in targets
        ),
        "no_report": sum(target.latest_as_of is None for target in targets),
    }


def plan_headlines(plan, as_of):
    """The plan's headline targets and monitored indicators (split_headlines), with their
    latest approved figures (as of a past day `as_of`, if given), in one query."""
    return split_headlines(
        Target.objects.in_plan(plan)
        .headlines()
        .with_progress(as_of, approved_by=as_of)
        .select_related("source", "item__plan")
    )


def headline_rows(headlines):
    """The headline targets' table as its download gives it: the header, then a row a target,
    its figures as stored; a milestone's latest figure says whether it was reached."""
    yield [
        str(label)
        for label in (
            _("Code"),
            _("Item"),
            _("Name"),
            _("Unit"),
            _("Baseline"),
            _("Target"),
            _("Target date"),
            _("Latest approved"),
            _("Latest as of"),
            _("Progress"),
            _("Source"),
            _("Illustrative"),
            _("Plan"),
        )
    ]
    for target in headlines:
        latest = target.latest_value
        if not target.is_numeric and target.latest_as_of is not None:
            latest = target.progress == 100
        yield [
            target.code,
            target.item.code,
            target.name,
            target.unit,
            target.baseline_value,
            target.target_value,
            target.target_date,
            latest,
            date_text(target.latest_as_of),
            progress_cell(target.progress),
            target.source.key if target.source else None,
            target.is_illustrative,
            target.item.plan.slug,
        ]


def progress_cell(value):
    """A progress figure as the downloads give it, to one decimal place."""
    return None if value is None else round(value, 1)


def dashboard(request, plan=None):
    """The whole plan at a glance. Summaries are counted by the database from every item's
    figures (tallies()); only the items listed as behind schedule are read and built as
    models. `?_export=csv` or `json`
    downloads its headline targets."""
    plan, plans = viewed_plan(plan)
    as_of = requested_as_of(request, plan)
    try:
        export_format = requested_download(request)
    except NotOffered:
        return download_refused()
    if export_format:
        headlines, _monitored = plan_headlines(plan, as_of)
        filename = f"headline-targets.{export_format}"
        return streamed_download(headline_rows(headlines), export_format, filename)
    today = as_of or clock.today()
    items = PlanItem.objects.in_plan(plan)
    counted = defaultdict(list)
    areas = defaultdict(list)
    for tally in tallies(items, plan, as_of):
        counted[tally.kind].append(tally)
        areas[tally.focus_area].append(tally)
    lists = [
        {**describe(model, plan.reverse(list_url)), **summarise(counted[model.KIND], today)}
        for model, _table, _prefix, list_url in LISTS
    ]
    led, co = led_tallies(plan, as_of)
    area_names = FocusArea.objects.in_bulk(list(areas))
    members = Member.objects.filter(pk__in={*led, *co}).order_by("position")
    headlines, monitored = plan_headlines(plan, as_of)
    return render(
        request,
        "initiatives/dashboard.html",
        {
            "plan": plan,
            "plans": plans,
            "as_of": as_of,
            "lists": lists,
            "by_area": [
                {"area": area_names[pk], **summarise(counts, today)}
                for pk, counts in sorted(areas.items(), key=lambda pair: area_names[pair[0]].number)
            ],
            "by_member": [
                {
                    "member": member,
                    "co_count": co.get(member.pk, 0),
                    **summarise(led[member.pk], today),
                }
                for member in members
            ],
            "behind": [shown_item(row, plan) for row in behind_rows(items, plan, as_of)],
            "behind_count": sum(entry["behind"] for entry in lists),
            "headlines": headlines,
            "monitored": monitored,
            "headline_tally": headline_tally(headlines),
            "updates": latest_reports(plan, as_of, 8),
            "status_rows": crosstab(lists, "statuses"),
            "schedule_rows": crosstab(lists, "schedules"),
            "stale_since": progress.stale_cutoff(today),
            # A closed round's overview is its final balance (includes/final_balance.html).
            "closed": plan.is_closed(today),
            "outcome_rows": outcome_rows(lists),
            "last_report": last_report([tally for kind in counted.values() for tally in kind]),
            "reporting": reporting_standing(plan, today),
        },
    )


def reporting_standing(plan, today):
    """The plan's standing in its latest closed reporting period, or None before the first
    due date (includes/reporting_standing.html)."""
    return ReportingPeriod.objects.latest_closed_standing(plan, today)


def outcome_rows(lists):
    """Rows of (outcome, [(count, link to the list filtered by it) in each list])."""
    rows = []
    for outcome, counts in crosstab(lists, "outcomes"):
        links = (f"{entry['url']}?outcome={outcome.value}" for entry in lists)
        rows.append((outcome, list(zip(counts, links, strict=True))))
    return rows


def last_report(rows):
    """The as-of date of the latest approved report behind any of the rows."""
    dates = [row.last_reported for row in rows if row.last_reported]
    latest = max(dates, default=None)
    return date.fromisoformat(latest[:10]) if isinstance(latest, str) else latest


def summary_sections(request, plan, queryset_of, table_options, link_query, as_of=None):
    """The three lists' sections of a member's or an area's page: a summary of every item and
    a table of one page of them (as of a past day `as_of`, if given)."""
    sections = []
    today = as_of or clock.today()
    counted = defaultdict(list)
    for tally in tallies(queryset_of(PlanItem), plan, as_of):
        counted[tally.kind].append(tally)
    for model, table_class, prefix, list_url in LISTS:
        kind_rows = counted[model.KIND]
        table = configured_table(
            request,
            table_class,
            queryset_of(model).with_outcome(plan, **figures_on(as_of)).for_table(as_of),
            prefix,
            SHORT_NAMES[model],
            sum(tally.n for tally in kind_rows),
            closed=plan.is_closed(today),
            as_of=as_of,
            **table_options,
        )
        link = with_as_of(f"{plan.reverse(list_url)}?{link_query}", as_of)
        sections.append({**describe(model, link), "table": table, **summarise(kind_rows, today)})
    return sections


class NotOffered(Exception):
    """A download a page does not offer: answered 400 (`download_refused`)."""


def requested_download(request):
    """The download `?_export=` asks of a summary page: None for the page itself; NotOffered
    for a format the lists do not offer."""
    export_format = request.GET.get("_export")
    if export_format is None:
        return None
    if not SafeTableExport.is_valid_format(export_format):
        raise NotOffered
    return export_format


def download_refused():
    return HttpResponseBadRequest(_("Download as _export=csv or _export=json."))


def items_download(plan, items, export_format, filename, as_of, **options):
    """Every item of `items` (of the three lists), as a summary page downloads them."""
    table = ItemTable(
        items.with_outcome(plan, **figures_on(as_of)).for_table(as_of),
        closed=plan.is_closed(as_of),
        as_of=as_of,
        **options,
    )
    return streaming_export(table, export_format, f"{filename}.{export_format}")


def member_detail(request, slug, plan=None):
    plan, plans = viewed_plan(plan)
    as_of = requested_as_of(request, plan)
    member = get_object_or_404(Member, slug=slug)
    try:
        export_format = requested_download(request)
    except NotOffered:
        return download_refused()
    if export_format:
        items = PlanItem.objects.in_plan(plan).for_member(member)
        return items_download(plan, items, export_format, member.slug, as_of)
    sections = summary_sections(
        request,
        plan,
        lambda model: model.objects.in_plan(plan).for_member(member),
        {"member": member},
        f"member={member.slug}",
        as_of,
    )
    reports = latest_reports(plan, as_of, 20, member=member)
    return render(
        request,
        "initiatives/member_detail.html",
        {
            "plan": plan,
            "plans": plans,
            "as_of": as_of,
            "member": member,
            "sections": sections,
            "reports": reports,
            "stale_since": progress.stale_cutoff(as_of or clock.today()),
        },
    )


def area_detail(request, slug, plan=None):
    plan, plans = viewed_plan(plan)
    as_of = requested_as_of(request, plan)
    area = get_object_or_404(FocusArea, slug=slug)
    try:
        export_format = requested_download(request)
    except NotOffered:
        return download_refused()
    if export_format:
        items = PlanItem.objects.in_plan(plan).filter(focus_area=area)
        return items_download(plan, items, export_format, area.slug, as_of, exclude=("focus_area",))
    sections = summary_sections(
        request,
        plan,
        lambda model: model.objects.in_plan(plan).filter(focus_area=area),
        {"exclude": ("focus_area",)},
        f"area={area.slug}",
        as_of,
    )
    return render(
        request,
        "initiatives/focusarea_detail.html",
        {
            "plan": plan,
            "plans": plans,
            "as_of": as_of,
            "area": area,
            "sections": sections,
            "stale_since": progress.stale_cutoff(as_of or clock.today()),
        },
    )


SOURCE_COLUMNS = (
    ("key", _("Key")),
    ("title", _("Title")),
    ("publisher", _("Publisher")),
    ("published_on", _("Published")),
    ("date_note", _("Date as published")),
    ("url", _("URL")),
    ("reference", _("Reference")),
    ("target_count", _("Targets that cite it")),
    ("report_count", _("Approved reports that cite it")),
    ("is_illustrative", _("Illustrative")),
)


class SourceListView(PlanMixin, ListView):
    """Every source, with what of the plan being viewed cites it; `?_export=csv` or `json`
    downloads the sources with those counts, in the page's language."""

    model = Source

    def get(self, request, *args, **kwargs):
        try:
            export_format = requested_download(request)
        except NotOffered:
            return download_refused()
        if export_format is None:
            return super().get(request, *args, **kwargs)
        return streamed_download(self.download_rows(), export_format, f"sources.{export_format}")

    def download_rows(self):
        yield [str(label) for _name, label in SOURCE_COLUMNS]
        for source in self.get_queryset().prefetch_related(None):
            values = {
                "title": source.localized_title,
                "publisher": source.localized_publisher,
                "date_note": source.localized_date_note,
                "reference": source.localized_reference,
            }
            yield [values.get(name, getattr(source, name)) for name, _label in SOURCE_COLUMNS]

    def get_queryset(self):
        plan = self.plan

        def count(queryset):
            counted = queryset.filter(source=OuterRef("pk")).order_by().values("source")
            return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")), 0)

        def first(model):
            items = model.objects.in_plan(plan).select_related("plan").order_by("code")
            return items[:CITED_SHOWN]

        targets = Target.objects.in_plan(plan)
        cited = targets  # listed with their terms as they stood then, for a past day
        if self.as_of is not None:
            cited = targets.with_terms_then(self.as_of)
        approved = ProgressReport.objects.as_of(self.as_of).in_plan(plan)
        return Source.objects.annotate(
            target_count=count(targets), report_count=count(approved)
        ).prefetch_related(
            Prefetch(
                "targets",
                queryset=cited.select_related("item__plan").order_by("code")[:CITED_SHOWN],
                to_attr="cited_targets",
            ),
            Prefetch(
                "reports",
                queryset=approved.for_rows().order_by("-as_of", "-pk")[:CITED_SHOWN],
                to_attr="cited_reports",
            ),
            Prefetch("items", queryset=first(Initiative), to_attr="cited_i"),
            Prefetch("items", queryset=first(CooperationProject), to_attr="cited_p"),
            Prefetch("items", queryset=first(Task), to_attr="cited_t"),
        )


class UpdateListView(ExportableListView):
    model = ProgressReport
    table_class = UpdateTable
    filterset_class = UpdateFilter
    template_name = "initiatives/update_list.html"

    export_name = "updates"

    def get_queryset(self):
        return approved_reports(self.plan, self.as_of).order_by("-as_of", "-pk")

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "as_of": self.as_of}


# Editions: the plan as the office published it on a date, and what changed since.


def published_edition(plan, slug):
    """A published edition of `plan`, with its source and publisher; 404 for any other."""
    editions = Edition.objects.published().in_plan(plan).for_rows()
    return get_object_or_404(editions, slug=slug)


# What an edition's page counts of each item, as of its date.
EDITION_FIELDS = ("kind", "status", "schedule", "progress", "no_report", "outcome")


def edition_summary(rows):
    """Counts by status, schedule position and outcome, and the mean known progress."""
    statuses = Counter(row.status for row in rows)
    schedules = Counter(row.schedule for row in rows)
    return {
        "count": len(rows),
        "progress": mean(row.progress for row in rows),
        "statuses": [(label, statuses[value]) for value, label in Status.choices],
        "schedules": [(value, schedules[value]) for value in SCHEDULES],
        "no_report": sum(bool(row.no_report) for row in rows),
        "outcomes": outcome_counts(rows),
    }


def edition_rows(editions):
    """The editions' table as its download gives it: the header, then a row an edition."""
    yield [
        str(label)
        for label in (
            _("Slug"),
            _("Title (English)"),
            _("Title (Chinese)"),
            _("As of"),
            _("Published"),
            _("Plan"),
        )
    ]
    for edition in editions:
        yield [
            edition.slug,
            edition.title_en,
            edition.title_zh,
            edition.as_of,
            edition.published_at.isoformat(),
            edition.plan.slug,
        ]


def edition_list(request, plan=None):
    """The plan's published editions, newest first; `?_export=csv` or `json` downloads them."""
    plan, plans = viewed_plan(plan)
    as_of = requested_as_of(request, plan)  # the editions published by then
    try:
        export_format = requested_download(request)
    except NotOffered:
        return download_refused()
    editions = Edition.objects.published(by_end_of=as_of).in_plan(plan).for_rows()
    if export_format:
        return streamed_download(edition_rows(editions), export_format, f"editions.{export_format}")
    return render(
        request,
        "initiatives/edition_list.html",
        {"plan": plan, "plans": plans, "editions": editions, "as_of": as_of},
    )


def edition_detail(request, slug, plan=None):
    """An edition: the plan's counts by status and schedule and its headline indicators as of
    the edition's date, in a fixed number of queries."""
    plan, plans = viewed_plan(plan)
    edition = published_edition(plan, slug)
    rows = {kind: [] for kind in ItemKind.values}
    for row in edition.rows(EDITION_FIELDS):
        rows[row.kind].append(row)
    lists = [
        {**describe(model, plan.reverse(list_url)), **edition_summary(rows[model.KIND])}
        for model, _table, _prefix, list_url in LISTS
    ]
    as_of = f"?as_of={edition.as_of.isoformat()}"
    pages = [
        (_("Overview"), plan.reverse("initiatives:dashboard") + as_of),
        *((entry["label"], entry["url"] + as_of) for entry in lists),
        (_("Approved updates"), plan.reverse("initiatives:update_list") + as_of),
        (_("Sources"), plan.reverse("initiatives:source_list") + as_of),
    ]
    headlines, monitored = split_headlines(edition.headlines())
    return render(
        request,
        "initiatives/edition_detail.html",
        {
            "plan": plan,
            "plans": plans,
            "edition": edition,
            "lists": lists,
            "status_rows": crosstab(lists, "statuses"),
            "schedule_rows": crosstab(lists, "schedules"),
            "outcome_rows": crosstab(lists, "outcomes"),
            "closed": edition.plan.is_closed(edition.as_of),
            "headlines": headlines,
            "monitored": monitored,
            "headline_tally": headline_tally(headlines),
            "pages": pages,
        },
    )


CHANGE_COLUMNS = (
    "change",
    "list",
    "item",
    "title_en",
    "title_zh",
    "focus_area",
    "members",
    "what",
    "before",
    "after",
    "date",
    "url",
    "is_illustrative",
)


def change_rows(request, changes):
    """The changes as rows of CHANGE_COLUMNS, one for each changed figure, report and
    revised field: what the CSV and JSON downloads hold."""

    def row(record, change, what, before, after, day, url, illustrative):
        ref = record.item
        return (
            change,
            ref.kind,
            ref.code,
            ref.title_en,
            ref.title_zh,
            ref.area,
            " ".join(ref.members),
            what,
            before,
            after,
            day,
            request.build_absolute_uri(url),
            illustrative,
        )

    def shown(name, value):
        if value is None:
            return None
        if name == "schedule":
            return Schedule(value).slug
        return value

    for record in changes.items:
        for name in record.changed:
            yield row(
                record,
                "item",
                name,
                shown(name, record.before[name]),
                shown(name, record.after[name]),
                None,
                record.item.url,
                record.item.is_illustrative,
            )
    for record in changes.reports:
        report = record.report
        corrected = report.supersedes
        yield row(
            record,
            "correction" if record.is_correction else "report",
            report.target.code + (f" ({report.member.slug})" if report.member else ""),
            figure_value(corrected) if corrected else None,
            figure_value(report),
            report.as_of,
            f"{record.item.url}#target-{report.target.code}",
            report.is_illustrative,
        )
    for record in changes.revisions:
        revision = record.revision
        subject = revision.target.code if revision.target_id else record.item.code
        for name, (old, new) in revision.changes.items():
            yield row(
                record,
                "revision",
                f"{subject} {name}",
                old,
                new,
                timezone.localdate(revision.reviewed_at),
                record.item.url,
                revision.is_illustrative,
            )


def figure_value(report):
    """A report's value as the downloads give it: the number, or for a milestone whether it
    was reached."""
    if report.value is None:
        return report.milestone_reached
    return report.value


def changes_download(request, changes, export_format, filename):
    rows = change_rows(request, changes)
    if export_format == "csv":
        buffer = io.StringIO()
        buffer.write(BYTE_ORDER_MARK)  # so that Excel reads the Chinese as UTF-8
        writer = csv.writer(buffer)
        writer.writerow(CHANGE_COLUMNS)
        writer.writerows([formula_safe(cell) for cell in row] for row in rows)
        response = HttpResponse(buffer.getvalue(), content_type=SafeTableExport.FORMATS["csv"])
        extension = "csv"
    else:
        data = [dict(zip(CHANGE_COLUMNS, row, strict=True)) for row in rows]
        response = JsonResponse(data, safe=False, json_dumps_params={"ensure_ascii": False})
        extension = "json"
    response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    return response


class ChangesFilterForm(forms.Form):
    """The changes of one focus area, or of the items of one member."""

    area = forms.ChoiceField(label=_("Focus area"), required=False)
    member = forms.ChoiceField(label=_("Member"), required=False)

    def __init__(self, data, areas, members):
        super().__init__(data)
        everything = [("", _("All"))]
        self.fields["area"].choices = everything + [(area.slug, area.name) for area in areas]
        self.fields["member"].choices = everything + [(m.slug, m.name) for m in members]


def edition_changes(request, slug, other=None, plan=None):
    """What changed from an edition to another, or to today: items whose progress, status or
    schedule changed, reports and revisions approved in between; as a page, CSV or JSON."""
    plan, plans = viewed_plan(plan)
    edition = published_edition(plan, slug)
    later = published_edition(plan, other) if other is not None else None
    if later is not None and later.as_of < edition.as_of:  # from the earlier to the later
        edition, later = later, edition
    export_format = request.GET.get("_export")
    if export_format not in (None, "csv", "json"):
        return HttpResponseBadRequest(_("Download as _export=csv or _export=json."))
    form = ChangesFilterForm(
        request.GET, FocusArea.objects.order_by("number"), Member.objects.order_by("position")
    )
    if not form.is_valid():
        return HttpResponseBadRequest(
            " ".join(message for messages in form.errors.values() for message in messages)
        )
    changes = edition.changes(later).filtered(
        area=form.cleaned_data["area"] or None, member=form.cleaned_data["member"] or None
    )
    if export_format:
        name = f"changes-{edition.slug}-{later.slug if later else 'today'}"
        return changes_download(request, changes, export_format, name)
    return render(
        request,
        "initiatives/edition_changes.html",
        {
            "plan": plan,
            "plans": plans,
            "edition": edition,
            "later": later,
            "changes": changes,
            "form": form,
            "sections": [
                {
                    "label": capfirst(model._meta.verbose_name_plural),
                    "kind": kind,
                    "items": [(record, changed_lines(record)) for record in items],
                    "reports": reports,
                    "revisions": revisions,
                }
                for (model, *_), (kind, items, reports, revisions) in zip(
                    LISTS, changes.by_list(), strict=True
                )
            ],
            "downloads": [(label, export_link(request, key)) for key, label in DOWNLOADS],
        },
    )


DOWNLOADS = (("csv", _("CSV")), ("json", _("JSON")))
CHANGED_NAMES = {
    "progress": _("Progress"),
    "status": _("Status"),
    "schedule": _("Schedule"),
    "outcome": _("Outcome"),
}


def export_link(request, export_format):
    query = request.GET.copy()
    query["_export"] = export_format
    return f"?{query.urlencode()}"


def changed_lines(record):
    """What changed of an item, for the page: (field, name, before, after), a status or an
    outcome by its label."""
    labels = {"status": dict(Status.choices), "outcome": dict(Outcome.choices)}
    lines = []
    for name in record.changed:
        before, after = record.before[name], record.after[name]
        if name in labels:
            before, after = labels[name].get(before, before), labels[name].get(after, after)
        lines.append((name, CHANGED_NAMES[name], before, after))
    return lines


def methods(request, plan=None):
    """How the figures are worked out, in words: the outlook's method and its thresholds."""
    plan, plans = viewed_plan(plan)
    return render(
        request,
        "initiatives/methods.html",
        {
            "plan": plan,
            "plans": plans,
            "thresholds": {
                "on_course": round(outlook.ON_COURSE_FROM * 100),
                "fair": round(outlook.FAIR_PROGRESS_FROM * 100),
                "horizon": outlook.HORIZON_YEARS,
            },
        },
    )
