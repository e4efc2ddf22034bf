"""The public tables: sortable, paginated by the views, and exported as CSV and JSON."""

import csv
import json
from datetime import date
from operator import attrgetter
from types import SimpleNamespace

import django_tables2 as tables
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Case, F, FilteredRelation, Q, When
from django.http import StreamingHttpResponse
from django.template.base import render_value_in_context
from django.utils.encoding import force_str
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_tables2.export import TableExport
from django_tables2.rows import BoundRow
from django_tables2.utils import Accessor, signature

from . import clock
from .as_of import with_as_of
from .models import (
    CooperationProject,
    FocusArea,
    Initiative,
    ItemKind,
    Member,
    Outcome,
    PlanItem,
    ProgressReport,
    Role,
    Status,
    Task,
    progress,
)
from .models.choices import NO_REPORT_LABEL, Disagreement
from .models.i18n import language_suffix, localized
from .models.items import KIND_CODES
from .templatetags.figures import (
    disagreement_note,
    outcome_badge,
    progress_bar,
    report_figure,
    schedule_badge,
    schedule_label,
    stale_note,
)

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
STATUS_LABELS = dict(Status.choices)
ROLE_LABELS = dict(Role.choices)


def formula_safe(value):
    """A text cell that a spreadsheet would run as a formula, made inert with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class SafeTableExport(TableExport):
    """CSV and JSON only; CSV cells are neutralised against formula injection.

    JSON keeps values as they are: it is read by programs, which do not evaluate formulas.
    """

    FORMATS = {
        TableExport.CSV: "text/csv; charset=utf-8",
        TableExport.JSON: "application/json",
    }

    @classmethod
    def is_valid_format(cls, export_format):
        return export_format in cls.FORMATS

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        if self.format == TableExport.CSV:
            rows = [tuple(formula_safe(cell) for cell in row) for row in dataset]
            headers = [formula_safe(header) for header in dataset.headers or []]
            dataset.wipe()
            dataset.headers = headers
            dataset.extend(rows)
        return dataset


EXPORT_CHUNK = 500  # rows read from the database at a time while an export streams


class Echo:
    """A file-like object for csv.writer that hands each written line back."""

    def write(self, line):
        return line


def cell_reader(table, bound_column, html=False):
    """A function of a record giving its cell in an export, as `Table.as_values()` would; with
    `html`, its cell on the page, as `BoundRow.get_cell()` would (table_body()).

    `as_values()` (a `BoundRow` per record, `get_cell_value()` per cell) inspects each cell's
    value function with `inspect.signature()` and looks its field up again for every cell; the
    lookups are made here once per column. Measured on the demo data with `generate_scale
    --factor 10` (SQLite, best of five, streamed as here either way): the 1,815 tasks take
    0.80 s as CSV and 0.81 s as JSON through `as_values()`, 0.14 s and 0.14 s this way; the
    10,880 reports of `/updates/?member=jiangsu` take 4.9 s as CSV against 1.6 s.
    `test_streamed_export_says_what_the_table_says` keeps the two in agreement.
    """
    column = bound_column.column
    accessor = Accessor(bound_column.accessor)
    model = getattr(table._meta, "model", None)
    choices_field = None
    if model is not None and "__" not in bound_column.accessor:
        try:
            field = accessor.get_field(model)
        except Exception:  # not a field (a property, a method, an annotation)
            field = None
        if field is not None and getattr(field, "choices", None):
            choices_field = field.name

    function = bound_column.render if html else bound_column.value
    if html:
        plain = getattr(function, "__func__", None) is tables.Column.render
    else:
        plain = getattr(function, "__func__", None) is tables.Column.value and (
            type(column).render is tables.Column.render
        )
    wanted, takes_any = ((), False) if plain else signature(function)
    # Whether the cell's value is read at all: a value method that takes only the record
    # needs it just to tell an empty cell, which a column with no empty values never is.
    passes_value = plain or takes_any or "value" in wanted
    needs_value = passes_value or bool(column.empty_values)
    display = f"get_{choices_field}_display" if choices_field and passes_value else None

    attribute = attrgetter(".".join(accessor.bits))

    def resolve(record):
        try:
            value = attribute(record)
            if callable(value):  # django-tables2 calls what the accessor finds callable
                value = accessor.resolve(record)
        except Exception:  # a column with no field behind it, as django-tables2 allows
            return None
        if display and value not in column.empty_values:
            return getattr(record, display)()  # a choice is shown by its label
        return value

    def present(value, record):
        if plain:
            return value
        arguments = {
            "value": value,
            "record": record,
            "column": column,
            "bound_column": bound_column,
            "table": table,
        }
        if takes_any or "bound_row" in wanted:  # a template column renders with its row
            arguments["bound_row"] = BoundRow(record, table=table)
        if not takes_any:
            arguments = {name: arguments[name] for name in wanted if name in arguments}
        return function(**arguments)

    empty = bound_column.default if html else None

    def read(record):
        value = resolve(record) if needs_value else None
        if needs_value and value in column.empty_values:
            return empty
        shown = present(value, record)
        return shown if html else force_str(shown, strings_only=True)

    return read


def table_body(table, context):
    """The rows of a table's page as django-tables2's template renders them, each cell's
    render function and the attributes of its column looked up once per column rather than
    once per cell (`inspect.signature()` of the function, the column's attributes merged
    again): a member's three tables of 25 rows took 66 ms to render at 100x, most of it there.
    None when the table uses what this does not do (attributes computed per row or cell, links
    made by the column, localized cells, pinned rows): the template's own rows then.
    `test_a_table_body_is_django_tables2s` holds the two alike."""
    columns = list(table.columns)
    for bound_column in columns:
        column = bound_column.column
        attrs = [dict(table.attrs), dict(column.attrs)]
        if (
            bound_column.link
            or column.localize is not None
            or isinstance(column, tables.ManyToManyColumn)
            or any(callable(value) for found in attrs for value in _cell_attrs(found))
        ):
            return None
    if table.row_attrs or table.get_top_pinned_data() or table.get_bottom_pinned_data():
        return None
    cells = [
        (cell_reader(table, bound_column, html=True), bound_column.attrs["td"].as_html())
        for bound_column in columns
    ]
    rows = table.page.object_list.data if getattr(table, "page", None) else table.data
    lines = []
    for number, record in enumerate(rows):
        parity = "odd" if number % 2 else "even"
        shown = "".join(
            f"<td {attrs}>{render_value_in_context(read(record), context)}</td>"
            for read, attrs in cells
        )
        lines.append(f'<tr class="{parity}">{shown}</tr>')
    return mark_safe("\n".join(lines))


def _cell_attrs(attrs):
    """The values of the attributes a data cell takes from `attrs` (a table's or a column's)."""
    for key in ("td", "cell"):
        yield from dict(attrs.get(key) or {}).values()


def export_columns(table, exclude_columns=()):
    return [
        column
        for column in table.columns.iterall()
        if not (column.column.exclude_from_export or column.name in exclude_columns)
    ]


def export_rows(table, exclude_columns=()):
    """The header and then each row of a table's export, reading the rows in chunks."""
    columns = export_columns(table, exclude_columns)
    yield [force_str(column.header, strings_only=True) for column in columns]
    readers = [cell_reader(table, column) for column in columns]
    data = table.data.data
    if hasattr(table, "export_records"):
        records = table.export_records(data)
    elif hasattr(data, "iterator"):  # a queryset: read in chunks, not held whole
        records = data.iterator(chunk_size=EXPORT_CHUNK)
    else:
        records = data
    for record in records:
        yield [read(record) for read in readers]


SENT_TOGETHER = 100  # rows written out as one chunk of a streamed export


def in_batches(lines):
    """The first line (the header) alone, so that a download begins before the first query;
    then the lines joined SENT_TOGETHER at a time: each chunk of a streamed response costs the
    server, the page cache and the gzip layer a pass of their own, and a row is one line."""
    lines = iter(lines)
    yield next(lines)
    batch = []
    for line in lines:
        batch.append(line)
        if len(batch) == SENT_TOGETHER:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


# Written before the header of every CSV the site serves: without it Excel reads UTF-8 as the
# system's code page and shows the Chinese as mojibake; csv readers told "utf-8-sig" drop it.
BYTE_ORDER_MARK = "\ufeff"


def csv_lines(rows):
    """Each row as a line of CSV, formula-safe, the first one led by the byte-order mark."""
    writer = csv.writer(Echo())
    for n, row in enumerate(rows):
        line = writer.writerow([formula_safe(cell) for cell in row])
        yield BYTE_ORDER_MARK + line if n == 0 else line


def streamed_csv(rows):
    return in_batches(csv_lines(rows))


def streamed_json(rows):
    """A JSON list of objects keyed by the header, as the whole-table export writes it."""
    return in_batches(json_lines(rows))


def json_lines(rows):
    rows = iter(rows)
    header = next(rows)
    separator = "["
    for row in rows:
        yield separator + json.dumps(dict(zip(header, row, strict=True)), cls=DjangoJSONEncoder)
        separator = ", "
    yield "[]" if separator == "[" else "]"


def streaming_export(table, export_format, filename, exclude_columns=()):
    """A CSV or JSON download of every row of the table that never holds it whole: the rows
    are read from the database in chunks and written out as they come."""
    return streamed_download(export_rows(table, exclude_columns), export_format, filename)


def streamed_download(rows, export_format, filename):
    """A CSV or JSON download of `rows` (the header first), written out as they come."""
    content = streamed_csv(rows) if export_format == TableExport.CSV else streamed_json(rows)
    response = StreamingHttpResponse(content, content_type=SafeTableExport.FORMATS[export_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def date_text(value):
    """A date as YYYY-MM-DD, as a date column exports it (a database may hand back text);
    None (no date) stays None, an empty cell."""
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)[:10]


class IsoDateColumn(tables.DateColumn):
    """A date as YYYY-MM-DD. django-tables2's DateColumn renders each cell through a template
    it compiles anew for every cell (a sixth of a member page's rendering, 75 cells)."""

    def __init__(self, **kwargs):
        super().__init__(format="Y-m-d", attrs={"td": {"class": "date"}}, **kwargs)

    def render(self, value):
        return date_text(value)


def nulls_last(queryset, field, is_descending):
    expression = F(field).desc(nulls_last=True) if is_descending else F(field).asc(nulls_last=True)
    return queryset.order_by(expression, "code"), True


class ExportedItem:
    """An item as its export row reads it, built from its values rather than as a model:
    an export of every item reads the related rows once per chunk and shares them."""

    def __init__(self, values, focus_area, lead_members):
        parent_code = values.pop("parent__code")
        self.plan = SimpleNamespace(slug=values.pop("plan__slug"))
        self.__dict__.update(values)
        self.focus_area = focus_area
        self.lead_members = lead_members
        self.parent = SimpleNamespace(code=parent_code) if parent_code else None

    @property
    def title(self):
        return localized(self, "title")


EXPORTED_FIELDS = (
    "pk",
    "code",
    "title_en",
    "title_zh",
    "status",
    "progress",
    "schedule",
    "due_date",
    "last_reported",
    "no_report",
    "disagreement",
    "revised",
    "is_illustrative",
    "kind",
    "focus_area_id",
    "parent__code",
    "plan__slug",
)


def item_url(plan, kind, code):
    """The page of an item of `plan` (a task's parent is of its own plan: no query for it)."""
    return plan.reverse(f"initiatives:{KIND_CODES[kind][3]}", args=[code])


class PlanItemTable(tables.Table):
    """A row per plan item, with its derived progress and schedule position."""

    code = tables.Column(verbose_name=_("Code"), attrs={"td": {"class": "code"}})
    title = tables.Column(
        verbose_name=_("Title"), order_by=("title_en",), attrs={"td": {"class": "title"}}
    )
    focus_area = tables.Column(
        verbose_name=_("Focus area"), accessor="focus_area__number", order_by=("focus_area",)
    )
    lead = tables.Column(verbose_name=_("Lead"), empty_values=(), orderable=False)
    role = tables.Column(verbose_name=_("Role"), empty_values=(), orderable=False)
    status = tables.Column(verbose_name=_("Status"))
    progress = tables.Column(verbose_name=_("Progress"), empty_values=())
    schedule = tables.Column(verbose_name=_("Schedule"), empty_values=())
    # In place of the schedule once the round has closed (PlanItemQuerySet.with_outcome()).
    outcome = tables.Column(verbose_name=_("Outcome"), empty_values=())
    due_date = IsoDateColumn(verbose_name=_("Due"))
    last_reported = IsoDateColumn(verbose_name=_("Last reported"))
    # Shown in the status, schedule and last-reported cells; columns of their own in exports.
    no_report = tables.Column(verbose_name=_("No report yet"), empty_values=(), visible=False)
    stale = tables.Column(
        verbose_name=_("Not updated for long"), empty_values=(), visible=False, orderable=False
    )
    disagreement = tables.Column(
        verbose_name=_("Status disagrees with progress"), empty_values=(), visible=False
    )
    revised = tables.Column(
        verbose_name=_("Revised"), empty_values=(), visible=False, orderable=False
    )  # a revision of its dates or targets is in effect: shown beside the title
    is_illustrative = tables.Column(
        verbose_name=_("Illustrative"), empty_values=(), visible=False
    )  # shown beside the title; a column of its own in exports
    plan = tables.Column(
        verbose_name=_("Plan"), accessor="plan__slug", visible=False, orderable=False
    )  # the page's header names it; a column of its own in exports

    class Meta:
        fields = ()
        sequence = (
            "code",
            "title",
            "focus_area",
            "lead",
            "role",
            "status",
            "progress",
            "schedule",
            "outcome",
            "due_date",
            "last_reported",
            "no_report",
            "stale",
            "disagreement",
            "revised",
            "is_illustrative",
            "plan",
        )
        order_by = ("code",)
        attrs = {"class": "data-table"}
        template_name = "includes/table.html"
        empty_text = _("Nothing matches these filters.")

    def __init__(self, *args, member=None, closed=False, as_of=None, **kwargs):
        self.member = member
        self.as_of = as_of  # the plan as of a past day: its links stay on that day
        self.today = as_of or clock.today()
        if member is None:
            kwargs["exclude"] = (*kwargs.get("exclude", ()), "role")
        # A closed round's items have an outcome, an open round's a schedule position.
        kwargs["exclude"] = (*kwargs.get("exclude", ()), "schedule" if closed else "outcome")
        super().__init__(*args, **kwargs)

    def link(self, url):
        return with_as_of(url, self.as_of)

    @cached_property
    def _addresses(self):
        return {}

    def _link_once(self, key, address):
        """The link to `address()` on the table's day, worked out once for each key."""
        if key not in self._addresses:
            self._addresses[key] = self.link(address())
        return self._addresses[key]

    def item_link(self, record):
        """The row's item page, worked out once for its two links."""
        return self._link_once(("item", record.pk), record.get_absolute_url)

    def area_link(self, record):
        """The row's area page: one address for all the rows of an area and plan."""
        slug = record.focus_area.slug
        return self._link_once(
            ("area", record.plan_id, slug),
            lambda: record.plan.reverse("initiatives:area_detail", args=[slug]),
        )

    def render_code(self, record, value):
        return format_html('<a href="{}">{}</a>', self.item_link(record), value)

    def value_code(self, value):
        return value

    def export_records(self, queryset):
        """Every item of the table's queryset, in its order, read as values in one query
        streamed in chunks: an item with several leads comes as consecutive rows, one per lead,
        so the query is the same however many items there are."""
        areas = FocusArea.objects.in_bulk()
        members = Member.objects.in_bulk()
        ordering = queryset.query.order_by or queryset.model._meta.ordering
        # As of a past day, the status and due date of then (PlanItemQuerySet.with_progress).
        then = [
            name for name in ("status", "due_date") if f"{name}_then" in queryset.query.annotations
        ]
        fields = [f"{name}_then" if name in then else name for name in EXPORTED_FIELDS]
        rows = (
            queryset.prefetch_related(None)
            .annotate(
                lead=FilteredRelation(
                    "responsibilities", condition=Q(responsibilities__role=Role.LEAD)
                )
            )
            .order_by(*ordering, "pk", "lead__member__position")
            .values(
                *fields,
                *(["outcome"] if "outcome" in queryset.query.annotations else []),
                lead_member=F("lead__member"),
            )
        )
        item = None
        for row in rows.iterator(chunk_size=EXPORT_CHUNK):
            if item is not None and row["pk"] == item.pk:  # the same item's next lead
                item.lead_members.append(members[row["lead_member"]])
                continue
            if item is not None:
                yield item
            lead = row.pop("lead_member")
            leads = [members[lead]] if lead is not None else []
            for name in then:
                row[name] = row.pop(f"{name}_then")
            item = ExportedItem(row, areas[row["focus_area_id"]], leads)
        if item is not None:
            yield item

    def order_title(self, queryset, is_descending):
        field = f"title_{language_suffix()}"
        return queryset.order_by(F(field).desc() if is_descending else F(field).asc(), "code"), True

    def order_progress(self, queryset, is_descending):
        return nulls_last(queryset, "progress", is_descending)

    def order_schedule(self, queryset, is_descending):
        return nulls_last(queryset, "schedule", is_descending)

    def order_outcome(self, queryset, is_descending):
        return nulls_last(queryset, "outcome", is_descending)

    def order_due_date(self, queryset, is_descending):
        return nulls_last(queryset, "due_date", is_descending)

    def order_last_reported(self, queryset, is_descending):
        return nulls_last(queryset, "last_reported", is_descending)

    def render_title(self, record, value):
        link = format_html('<a href="{}">{}</a>', self.item_link(record), value)
        if getattr(record, "revised", False):
            revised = format_html('<span class="tag tag-revised">{}</span>', _("Revised"))
            link = format_html("{} {}", link, revised)
        if record.is_illustrative and self.mixes_illustrative:
            tag = format_html('<span class="demo-tag">{}</span>', _("Illustrative demo"))
            return format_html("{} {}", link, tag)
        return link

    @cached_property
    def illustrative_rows(self):
        """How many of the rows shown are illustrative, how many rows there are, and whether
        they are of an illustrative round (which says so once, above the page): the rows of
        the page, read from the page's own (cached) result, so no query of their own."""
        rows = list(self.page.object_list.data if self.page else self.data)
        round_illustrative = any(row.plan.is_illustrative for row in rows)
        return sum(bool(row.is_illustrative) for row in rows), len(rows), round_illustrative

    @property
    def mixes_illustrative(self):
        """Whether the page shows illustrative rows beside sourced ones: only then does a row's
        tag tell something; where every row is illustrative, one note says so instead."""
        illustrative, shown, round_illustrative = self.illustrative_rows
        return 0 < illustrative < shown and not round_illustrative

    @property
    def all_illustrative(self):
        """Whether every row is illustrative, in a round that is not: a note above the table."""
        illustrative, shown, round_illustrative = self.illustrative_rows
        return 0 < shown == illustrative and not round_illustrative

    def value_revised(self, record):
        return bool(getattr(record, "revised", False))

    def value_title(self, record, value):
        return value

    def render_focus_area(self, record):
        return format_html('<a href="{}">{}</a>', self.area_link(record), record.focus_area.name)

    def value_focus_area(self, record):
        return str(record.focus_area)

    def render_lead(self, record):
        return ", ".join(member.name for member in record.lead_members) or "—"

    def value_lead(self, record):
        return ", ".join(member.name for member in record.lead_members)

    def render_role(self, record):
        for responsibility in record.responsibilities.all():
            if responsibility.member_id == self.member.pk:
                return ROLE_LABELS.get(responsibility.role, responsibility.role)
        return "—"

    def render_status(self, record):
        status = format_html(
            '<span class="status status-{}">{}</span>',
            record.status,
            STATUS_LABELS.get(record.status, record.status),
        )
        if not record.disagreement:
            return status
        return format_html(
            "{} {}", status, disagreement_note(record.disagreement, record.status, short=True)
        )

    def value_status(self, record):
        return str(STATUS_LABELS.get(record.status, record.status))

    def render_progress(self, record):
        return progress_bar(record.progress, compact=True)

    def value_progress(self, record):
        return None if record.progress is None else round(record.progress, 1)

    def render_schedule(self, record):
        return schedule_badge(record.schedule, record.no_report)

    def value_schedule(self, record):
        if record.no_report and record.schedule is None:
            return str(NO_REPORT_LABEL)
        return str(schedule_label(record.schedule))

    def render_outcome(self, record):
        return outcome_badge(getattr(record, "outcome", None), record.progress) or "—"

    def value_outcome(self, record):
        outcome = getattr(record, "outcome", None)
        return str(Outcome(outcome).label) if outcome else ""

    def value_due_date(self, value):
        return date_text(value)

    def render_last_reported(self, value):
        if value is None:  # a date column renders even an empty value
            return self.default
        note = stale_note(value, self.today)
        shown = date_text(value)
        return format_html("{} {}", shown, note) if note else shown

    def value_last_reported(self, value):
        return date_text(value)

    def value_no_report(self, record):
        return bool(record.no_report)

    def value_stale(self, record):
        return progress.is_stale(record.last_reported, self.today)

    def value_disagreement(self, record):
        if not record.disagreement:
            return ""
        return str(Disagreement(record.disagreement).wording(record.status))

    def value_is_illustrative(self, record):
        return bool(record.is_illustrative)


class InitiativeTable(PlanItemTable):
    class Meta(PlanItemTable.Meta):
        model = Initiative


class ProjectTable(PlanItemTable):
    class Meta(PlanItemTable.Meta):
        model = CooperationProject


class TaskTable(PlanItemTable):
    supports = tables.Column(
        verbose_name=_("Supports"), empty_values=(), attrs={"td": {"class": "ref"}}
    )

    class Meta(PlanItemTable.Meta):
        model = Task
        sequence = ("code", "title", "supports", "...")

    def order_supports(self, queryset, is_descending):
        # By the project's code, then the initiative's, as the column has always sorted.
        def code_of(kind):
            code = Case(When(parent__kind=kind, then=F("parent__code")))
            return code.desc() if is_descending else code.asc()

        return queryset.order_by(code_of(ItemKind.PROJECT), code_of(ItemKind.INITIATIVE)), True

    def render_supports(self, record):
        parent = record.parent
        if parent is None:
            return "—"
        url = self.link(item_url(record.plan, parent.kind, parent.code))
        return format_html('<a href="{}">{}</a>', url, parent.code)

    def value_supports(self, record):
        return record.parent.code if record.parent else ""


class ItemTable(TaskTable):
    """The items of the three lists in one table, each with its list: a member's or an area's
    items as their page downloads them."""

    kind = tables.Column(verbose_name=_("List"))

    class Meta(TaskTable.Meta):
        model = PlanItem
        sequence = ("kind", "code", "title", "supports", "...")

    def value_kind(self, record):
        return capfirst(str(ItemKind(record.kind).label))


class UpdateTable(tables.Table):
    """Approved progress reports, newest first."""

    as_of = IsoDateColumn(verbose_name=_("As of"))
    item = tables.Column(
        verbose_name=_("Item"), empty_values=(), orderable=False, attrs={"td": {"class": "code"}}
    )
    target = tables.Column(verbose_name=_("Target"), order_by=("target__code",))
    value = tables.Column(verbose_name=_("Reported"), empty_values=())
    member = tables.Column(verbose_name=_("For"), empty_values=(), order_by=("member__position",))
    source = tables.Column(verbose_name=_("Source"), empty_values=(), orderable=False)
    narrative = tables.Column(verbose_name=_("Note"), empty_values=(), orderable=False)
    plan = tables.Column(
        verbose_name=_("Plan"),
        accessor="target__item__plan__slug",
        visible=False,
        orderable=False,
    )

    class Meta:
        model = ProgressReport
        fields = ()
        sequence = ("as_of", "item", "target", "value", "member", "source", "narrative", "plan")
        order_by = ("-as_of",)
        attrs = {"class": "data-table"}
        template_name = "includes/table.html"
        empty_text = _("No approved update matches these filters.")

    def __init__(self, *args, as_of=None, **kwargs):
        self.as_of = as_of  # the updates as of a past day: its links stay on that day
        super().__init__(*args, **kwargs)

    def link(self, url):
        return with_as_of(url, self.as_of)

    def render_item(self, record):
        item = record.target.item
        return format_html('<a href="{}">{}</a>', self.link(item.get_absolute_url()), item.code)

    def value_item(self, record):
        return record.target.item.code

    def render_target(self, record):
        return format_html(
            '<a href="{}">{}</a>', self.link(record.target.get_absolute_url()), record.target.name
        )

    def value_target(self, record):
        return f"{record.target.code} {record.target.name}"

    def render_value(self, record):
        return report_figure(record)

    def value_value(self, record):
        return str(report_figure(record))

    def render_member(self, record):
        return record.member.name if record.member else _("Whole region")

    def value_member(self, record):
        return str(self.render_member(record))

    def render_source(self, record):
        if record.source:
            sources = self.link(record.target.item.plan.reverse("initiatives:source_list"))
            url = f"{sources}#source-{record.source.key}"
            return format_html('<a href="{}">{}</a>', url, record.source.localized_publisher)
        if record.evidence_url:
            return format_html('<a href="{}">{}</a>', record.evidence_url, _("Evidence"))
        return "—"

    def value_source(self, record):
        return record.source.key if record.source else record.evidence_url

    def render_narrative(self, record):
        if record.supersedes_id:
            return format_html(
                '<span class="tag tag-revised">{}</span> {} {}',
                _("Correction"),
                record.correction_reason,
                record.narrative,
            )
        return record.narrative or "—"

    def value_narrative(self, record):
        return record.narrative
