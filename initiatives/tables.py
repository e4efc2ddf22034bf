"""The public tables: sortable, paginated by the views, and exported as CSV and JSON."""

import django_tables2 as tables
from django.db.models import F
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tables2.export import TableExport

from .models import CooperationProject, Initiative, ProgressReport, Task
from .models.i18n import language_suffix
from .templatetags.figures import report_figure, schedule_label

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


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


def nulls_last(queryset, field, is_descending):
    expression = F(field).desc(nulls_last=True) if is_descending else F(field).asc(nulls_last=True)
    return queryset.order_by(expression, "code"), True


class PlanItemTable(tables.Table):
    """A row per plan item, with its derived progress and schedule position."""

    code = tables.Column(verbose_name=_("Code"), linkify=True, attrs={"td": {"class": "code"}})
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
    due_date = tables.DateColumn(
        verbose_name=_("Due"), format="Y-m-d", attrs={"td": {"class": "date"}}
    )
    last_reported = tables.DateColumn(
        verbose_name=_("Last reported"), format="Y-m-d", attrs={"td": {"class": "date"}}
    )
    is_illustrative = tables.Column(
        verbose_name=_("Illustrative"), empty_values=(), visible=False
    )  # shown beside the title; a column of its own in exports

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
            "due_date",
            "last_reported",
            "is_illustrative",
        )
        order_by = ("code",)
        attrs = {"class": "data-table"}
        template_name = "includes/table.html"
        empty_text = _("Nothing matches these filters.")

    def __init__(self, *args, member=None, **kwargs):
        self.member = member
        if member is None:
            kwargs["exclude"] = (*kwargs.get("exclude", ()), "role")
        super().__init__(*args, **kwargs)

    def order_title(self, queryset, is_descending):
        field = f"title_{language_suffix()}"
        return queryset.order_by(F(field).desc() if is_descending else F(field).asc(), "code"), True

    def order_progress(self, queryset, is_descending):
        return nulls_last(queryset, "progress", is_descending)

    def order_schedule(self, queryset, is_descending):
        return nulls_last(queryset, "schedule", is_descending)

    def order_due_date(self, queryset, is_descending):
        return nulls_last(queryset, "due_date", is_descending)

    def order_last_reported(self, queryset, is_descending):
        return nulls_last(queryset, "last_reported", is_descending)

    def render_title(self, record, value):
        link = format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)
        if record.is_illustrative:
            tag = format_html('<span class="demo-tag">{}</span>', _("Illustrative demo"))
            return format_html("{} {}", link, tag)
        return link

    def value_title(self, record, value):
        return value

    def render_focus_area(self, record):
        area = record.focus_area
        return format_html(
            '<a href="{}" aria-label="{}">{}</a>', area.get_absolute_url(), area, area.number
        )

    def value_focus_area(self, record):
        return str(record.focus_area)

    def render_lead(self, record):
        return ", ".join(member.name for member in record.lead_members) or "—"

    def value_lead(self, record):
        return ", ".join(member.name for member in record.lead_members)

    def render_role(self, record):
        for responsibility in record.responsibilities.all():
            if responsibility.member_id == self.member.pk:
                return responsibility.get_role_display()
        return "—"

    def render_status(self, record):
        return format_html(
            '<span class="status status-{}">{}</span>', record.status, record.get_status_display()
        )

    def value_status(self, record):
        return record.get_status_display()

    def render_progress(self, record):
        return render_to_string(
            "includes/progress.html", {"progress": record.progress, "compact": True}
        )

    def value_progress(self, record):
        return None if record.progress is None else round(record.progress, 1)

    def render_schedule(self, record):
        return render_to_string("includes/schedule.html", {"schedule": record.schedule})

    def value_schedule(self, record):
        return str(schedule_label(record.schedule))

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
        verbose_name=_("Supports"),
        empty_values=(),
        order_by=("project__code", "initiative__code"),
        attrs={"td": {"class": "ref"}},
    )

    class Meta(PlanItemTable.Meta):
        model = Task
        sequence = ("code", "title", "supports", "...")

    def render_supports(self, record):
        parent = record.parent
        if parent is None:
            return "—"
        return format_html('<a href="{}">{}</a>', parent.get_absolute_url(), parent.code)

    def value_supports(self, record):
        return record.parent.code if record.parent else ""


class UpdateTable(tables.Table):
    """Approved progress reports, newest first."""

    as_of = tables.DateColumn(
        verbose_name=_("As of"), format="Y-m-d", attrs={"td": {"class": "date"}}
    )
    item = tables.Column(
        verbose_name=_("Item"), empty_values=(), orderable=False, attrs={"td": {"class": "code"}}
    )
    target = tables.Column(verbose_name=_("Target"), order_by=("target__code",))
    value = tables.Column(verbose_name=_("Reported"), empty_values=())
    member = tables.Column(verbose_name=_("For"), empty_values=(), order_by=("member__position",))
    source = tables.Column(verbose_name=_("Source"), empty_values=(), orderable=False)
    narrative = tables.Column(verbose_name=_("Note"), empty_values=(), orderable=False)

    class Meta:
        model = ProgressReport
        fields = ()
        sequence = ("as_of", "item", "target", "value", "member", "source", "narrative")
        order_by = ("-as_of",)
        attrs = {"class": "data-table"}
        template_name = "includes/table.html"
        empty_text = _("No approved update matches these filters.")

    def render_item(self, record):
        item = record.target.item
        return format_html('<a href="{}">{}</a>', item.get_absolute_url(), item.code)

    def value_item(self, record):
        return record.target.item.code

    def render_target(self, record):
        return format_html(
            '<a href="{}">{}</a>', record.target.get_absolute_url(), record.target.name
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
            return format_html(
                '<a href="{}">{}</a>', record.source.get_absolute_url(), record.source.publisher
            )
        if record.evidence_url:
            return format_html('<a href="{}">{}</a>', record.evidence_url, _("Evidence"))
        return "—"

    def value_source(self, record):
        return record.source.key if record.source else record.evidence_url

    def render_narrative(self, record):
        return record.narrative or "—"

    def value_narrative(self, record):
        return record.narrative
