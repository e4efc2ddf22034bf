"""A plan's data as a Frictionless Data Package: one CSV table per kind of record, described by
`datapackage.json` (https://specs.frictionlessdata.io/) with each table's fields, primary key and
foreign keys, the data's licence, the plan's source documents and its period.

Only what the public pages show is in it: published editions, approved reports and approved
revisions. Each table is read in one query (two for items and periods, whose lists of sources
and of required targets are read beside them), streamed in chunks, whatever the plan's size."""

import io
import json
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from .models import (
    Edition,
    FocusArea,
    Member,
    PlanItem,
    ProgressReport,
    ReportingPeriod,
    Responsibility,
    ReviewState,
    Revision,
    Schedule,
    Source,
    StatusChange,
    Target,
)
from .models.items import KIND_CODES
from .tables import EXPORT_CHUNK, csv_lines

ENCODING = "utf-8"  # every table starts with a byte-order mark, which Frictionless skips


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str = ""

    def descriptor(self):
        field = {"name": self.name, "type": self.type}
        if self.type == "date":
            field["format"] = "%Y-%m-%d"
        if self.description:
            field["description"] = str(self.description)
        return field


def text(name, description=""):
    return Field(name, "string", description)


def day(name, description=""):
    return Field(name, "date", description)


def moment(name, description=""):
    return Field(name, "datetime", description)


def number(name, description=""):
    return Field(name, "number", description)


def flag(name, description=""):
    return Field(name, "boolean", description)


ILLUSTRATIVE = flag("is_illustrative", _("Demo content that the source documents do not state."))
CODE = text("code", _("Its code, unique within the plan."))
IDENTIFIER = text("id", _("A stable identifier."))


def cell(value):
    """A value as its CSV cell: ISO dates and times, true/false, plain numbers."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def streamed(queryset, *fields):
    return queryset.values_list(*fields).iterator(chunk_size=EXPORT_CHUNK)


def item_rows(plan, request):
    sources = defaultdict(list)
    through = PlanItem.sources.through.objects.filter(planitem__plan=plan)
    for code, key in through.order_by("source__key").values_list("planitem__code", "source__key"):
        sources[code].append(key)
    items = PlanItem.objects.in_plan(plan).with_outcome(plan).order_by("code")
    fields = (
        "code",
        "kind",
        "parent__code",
        "title_en",
        "title_zh",
        "summary_en",
        "summary_zh",
        "focus_area__slug",
        "status",
        "start_date",
        "due_date",
        "progress",
        "schedule",
        "outcome",
        "last_reported",
        "is_illustrative",
    )
    for row in streamed(items, *fields):
        values = dict(zip(fields, row, strict=True))
        schedule = values["schedule"]
        values["schedule"] = None if schedule is None else Schedule(schedule).slug
        page = plan.reverse(f"initiatives:{KIND_CODES[values['kind']][3]}", args=[values["code"]])
        cited = " ".join(sources[values["code"]])
        yield [*values.values(), cited, request.build_absolute_uri(page)]


def target_rows(plan, request):
    targets = Target.objects.in_plan(plan).with_progress().order_by("code")
    yield from streamed(
        targets,
        "code",
        "item__code",
        *Target.NAME_FIELDS,
        *Target.MEASURE_FIELDS,
        "source__key",
        "latest_value",
        "latest_as_of",
        "progress",
        "is_headline",
        "is_illustrative",
    )


def approved_reports(plan):
    """Every approved report of the plan, those an approved correction replaced included."""
    corrected = ProgressReport.objects.filter(
        supersedes=OuterRef("pk"), status=ReviewState.APPROVED
    )
    return (
        ProgressReport.objects.filter(status=ReviewState.APPROVED)
        .in_plan(plan)
        .annotate(corrected=Exists(corrected))
    )


def report_rows(plan, request):
    reports = approved_reports(plan).order_by("as_of", "target__code", "uuid")
    yield from streamed(
        reports,
        "uuid",
        "target__code",
        "target__item__code",
        "member__slug",
        "as_of",
        "value",
        "qualifier",
        "milestone_reached",
        "narrative_en",
        "narrative_zh",
        "source__key",
        "evidence_url",
        "supersedes__uuid",
        "correction_reason",
        "corrected",
        "reviewed_at",
        "is_illustrative",
    )


def revision_rows(plan, request):
    revisions = Revision.objects.approved().in_plan(plan).order_by("reviewed_at", "uuid")
    yield from streamed(
        revisions,
        "uuid",
        "item__code",
        "target__code",
        "changes",
        "reason",
        "reason_zh",
        "proposed_at",
        "reviewed_at",
        "is_illustrative",
    )


def status_change_rows(plan, request):
    changes = StatusChange.objects.filter(item__plan=plan).order_by("changed_at", "uuid")
    yield from streamed(
        changes,
        "uuid",
        "item__code",
        "old_status",
        "new_status",
        "reason",
        "reason_zh",
        "changed_at",
        "is_illustrative",
    )


def responsibility_rows(plan, request):
    responsibilities = Responsibility.objects.filter(item__plan=plan)
    yield from streamed(
        responsibilities.order_by("item__code", "member__position", "member__slug"),
        "item__code",
        "member__slug",
        "role",
    )


def plan_members(plan):
    """The plan's members, and any other member its items or reports name."""
    named = (
        Q(plans=plan)
        | Q(pk__in=Responsibility.objects.filter(item__plan=plan).values("member"))
        | Q(pk__in=approved_reports(plan).values("member"))
    )
    return Member.objects.filter(named).order_by("position", "slug")


def member_rows(plan, request):
    yield from streamed(
        plan_members(plan), "slug", "name_en", "name_zh", "short_name_zh", "kind", "position"
    )


def plan_areas(plan):
    return FocusArea.objects.filter(pk__in=PlanItem.objects.in_plan(plan).values("focus_area"))


def area_rows(plan, request):
    yield from streamed(
        plan_areas(plan).order_by("number"),
        *("slug", "number", "name_en", "name_zh", "summary_en", "summary_zh"),
    )


def plan_sources(plan):
    """The plan's source documents, and every other document its records cite."""
    cited = (
        Q(plans=plan)
        | Q(pk__in=PlanItem.sources.through.objects.filter(planitem__plan=plan).values("source"))
        | Q(pk__in=Target.objects.in_plan(plan).values("source"))
        | Q(pk__in=approved_reports(plan).values("source"))
        | Q(pk__in=Edition.objects.published().in_plan(plan).order_by().values("source"))
    )
    return Source.objects.filter(cited).order_by("key")


def source_rows(plan, request):
    yield from streamed(
        plan_sources(plan),
        "key",
        "title",
        "title_zh",
        "publisher",
        "publisher_zh",
        "published_on",
        "date_note",
        "date_note_zh",
        "url",
        "reference",
        "reference_zh",
        "is_illustrative",
    )


def period_rows(plan, request):
    required = defaultdict(list)
    through = ReportingPeriod.targets.through.objects.filter(reportingperiod__plan=plan)
    for period, code in through.order_by("target__code").values_list(
        "reportingperiod", "target__code"
    ):
        required[period].append(code)
    periods = ReportingPeriod.objects.in_plan(plan).order_by("start_date", "end_date")
    fields = ("pk", "name_en", "name_zh", "start_date", "end_date", "due_date", "is_illustrative")
    for pk, *row in streamed(periods, *fields):
        yield [*row, " ".join(required[pk])]


def edition_rows(plan, request):
    editions = Edition.objects.published().in_plan(plan).order_by("as_of", "slug")
    for slug, *row in streamed(
        editions,
        "slug",
        "title_en",
        "title_zh",
        "description_en",
        "description_zh",
        "as_of",
        "source__key",
        "published_at",
        "is_illustrative",
    ):
        page = plan.reverse("initiatives:edition_detail", args=[slug])
        yield [slug, *row, request.build_absolute_uri(page)]


@dataclass(frozen=True)
class DataTable:
    name: str
    title: str
    description: str
    fields: tuple
    primary_key: tuple
    foreign_keys: tuple  # (field, table, field of that table)
    rows: object  # a function of (plan, request) giving each row's values in field order
    records: object  # a function of a plan giving the queryset of its rows, to count them

    def schema(self):
        return {
            "fields": [field.descriptor() for field in self.fields],
            "primaryKey": list(self.primary_key),
            "foreignKeys": [
                {"fields": field, "reference": {"resource": table, "fields": other}}
                for field, table, other in self.foreign_keys
            ],
        }

    def resource(self):
        return {
            "name": self.name,
            "title": str(self.title),
            "description": str(self.description),
            "path": f"{self.name}.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": ENCODING,
            "schema": self.schema(),
        }

    def lines(self, plan, request):
        """The table as lines of CSV: the header, then each row."""
        return csv_lines(self.cells(plan, request))

    def cells(self, plan, request):
        yield [field.name for field in self.fields]
        for row in self.rows(plan, request):
            yield [cell(value) for value in row]

    def count(self, plan):
        return self.records(plan).count()


TABLES = (
    DataTable(
        "items",
        _("Items"),
        _("The initiatives, cooperation projects and tasks, with their figures as of today."),
        (
            CODE,
            text("kind", _("initiative, project or task")),
            text("parent", _("For a task: the initiative or project it supports.")),
            text("title_en"),
            text("title_zh"),
            text("summary_en"),
            text("summary_zh"),
            text("focus_area"),
            text("status"),
            day("start_date"),
            day("due_date"),
            number("progress", _("0-100, from the approved reports.")),
            text("schedule", _("overdue, behind, on_schedule or ahead; empty when unknown")),
            text("outcome", _("Once the plan has closed: its result at the close.")),
            day("last_reported", _("The date of the latest approved report behind it.")),
            ILLUSTRATIVE,
            text("sources", _("Keys of the sources it cites, separated by spaces.")),
            text("url", _("Its public page.")),
        ),
        ("code",),
        (("parent", "items", "code"), ("focus_area", "areas", "slug")),
        item_rows,
        lambda plan: PlanItem.objects.in_plan(plan),
    ),
    DataTable(
        "targets",
        _("Targets"),
        _("What each item promises, measured, with its latest approved figure."),
        (
            CODE,
            text("item"),
            text("name_en"),
            text("name_zh"),
            text("unit_en"),
            text("unit_zh"),
            text("measure", _("number, percentage or milestone")),
            text("direction", _("higher or lower: which way is better")),
            number("baseline_value"),
            day("baseline_date"),
            number("target_value", _("Empty for a monitored indicator.")),
            text("target_qualifier", _("over, nearly, about or empty")),
            day("target_date"),
            text("source"),
            number("latest_value"),
            day("latest_as_of"),
            number("progress", _("0-100")),
            flag("is_headline"),
            ILLUSTRATIVE,
        ),
        ("code",),
        (("item", "items", "code"), ("source", "sources", "key")),
        target_rows,
        lambda plan: Target.objects.in_plan(plan),
    ),
    DataTable(
        "reports",
        _("Approved reports"),
        _("Every approved progress report, those later corrected included."),
        (
            IDENTIFIER,
            text("target"),
            text("item"),
            text("member", _("The member the figure is for; empty for the whole region.")),
            day("as_of"),
            number("value", _("Empty for a milestone.")),
            text("qualifier"),
            flag("milestone_reached"),
            text("narrative_en"),
            text("narrative_zh"),
            text("source"),
            text("evidence_url"),
            text("supersedes", _("The report this one corrects.")),
            text("correction_reason"),
            flag("corrected", _("True when an approved correction replaced it.")),
            moment("approved_at"),
            ILLUSTRATIVE,
        ),
        ("id",),
        (
            ("target", "targets", "code"),
            ("item", "items", "code"),
            ("member", "members", "slug"),
            ("source", "sources", "key"),
            ("supersedes", "reports", "id"),
        ),
        report_rows,
        approved_reports,
    ),
    DataTable(
        "revisions",
        _("Revisions"),
        _("Approved changes to an item's dates or a target's terms."),
        (
            IDENTIFIER,
            text("item"),
            text("target", _("Empty for a change to the item's own dates.")),
            Field("changes", "object", _("Each changed field, with its old and new value.")),
            text("reason"),
            text("reason_zh"),
            moment("proposed_at"),
            moment("approved_at"),
            ILLUSTRATIVE,
        ),
        ("id",),
        (("item", "items", "code"), ("target", "targets", "code")),
        revision_rows,
        lambda plan: Revision.objects.approved().in_plan(plan),
    ),
    DataTable(
        "status_changes",
        _("Status changes"),
        _("Each change of an item's status, with its reason."),
        (
            IDENTIFIER,
            text("item"),
            text("old_status"),
            text("new_status"),
            text("reason"),
            text("reason_zh"),
            moment("changed_at"),
            ILLUSTRATIVE,
        ),
        ("id",),
        (("item", "items", "code"),),
        status_change_rows,
        lambda plan: StatusChange.objects.filter(item__plan=plan),
    ),
    DataTable(
        "responsibilities",
        _("Responsibilities"),
        _("Which member leads each item, and which share responsibility for it."),
        (text("item"), text("member"), text("role", _("lead or co"))),
        ("item", "member"),
        (("item", "items", "code"), ("member", "members", "slug")),
        responsibility_rows,
        lambda plan: Responsibility.objects.filter(item__plan=plan),
    ),
    DataTable(
        "members",
        _("Members"),
        _("The provinces and municipalities of the region."),
        (
            text("slug"),
            text("name_en"),
            text("name_zh"),
            text("short_name_zh"),
            text("kind"),
            Field("position", "integer"),
        ),
        ("slug",),
        (),
        member_rows,
        plan_members,
    ),
    DataTable(
        "areas",
        _("Focus areas"),
        _("The areas the plan's work is grouped in."),
        (
            text("slug"),
            Field("number", "integer"),
            text("name_en"),
            text("name_zh"),
            text("summary_en"),
            text("summary_zh"),
        ),
        ("slug",),
        (),
        area_rows,
        plan_areas,
    ),
    DataTable(
        "sources",
        _("Sources"),
        _("The published documents the figures cite; each keeps its own terms of use."),
        (
            text("key"),
            text("title_en"),
            text("title_zh"),
            text("publisher_en"),
            text("publisher_zh"),
            day("published_on"),
            text("date_note_en", _("Where the exact day is not known, what is.")),
            text("date_note_zh"),
            text("url"),
            text("reference_en"),
            text("reference_zh"),
            ILLUSTRATIVE,
        ),
        ("key",),
        (),
        source_rows,
        plan_sources,
    ),
    DataTable(
        "periods",
        _("Reporting periods"),
        _("The periods members report on, with their due dates."),
        (
            text("name_en"),
            text("name_zh"),
            day("start_date"),
            day("end_date"),
            day("due_date"),
            ILLUSTRATIVE,
            text("targets", _("Codes of the targets that must report, separated by spaces.")),
        ),
        ("start_date", "end_date"),
        (),
        period_rows,
        lambda plan: ReportingPeriod.objects.in_plan(plan),
    ),
    DataTable(
        "editions",
        _("Editions"),
        _("The plan as the office published it on a date."),
        (
            text("slug"),
            text("title_en"),
            text("title_zh"),
            text("description_en"),
            text("description_zh"),
            day("as_of"),
            text("source"),
            moment("published_at"),
            ILLUSTRATIVE,
            text("url", _("Its public page.")),
        ),
        ("slug",),
        (("source", "sources", "key"),),
        edition_rows,
        lambda plan: Edition.objects.published().in_plan(plan),
    ),
)
TABLES_BY_NAME = {table.name: table for table in TABLES}


def licences():
    licence = settings.DATA_LICENCE
    return [{"name": licence["name"], "title": licence["title"], "path": licence["path"]}]


def descriptor(plan, request):
    """The package's datapackage.json, as a dict: its tables' paths are relative, so that it
    describes the CSVs beside it at /data/ and in the zip alike."""
    sources = []
    for source in plan.sources.order_by("-published_on", "key"):
        entry = {"title": source.title}
        if source.url:
            entry["path"] = source.url
        sources.append(entry)
    return {
        "profile": "tabular-data-package",
        "name": plan.slug,
        "title": plan.name_en,
        "title_zh": plan.name_zh,
        "description": str(
            _(
                "The items, targets and approved progress reports of the plan, as published by "
                "the tracker. The source documents keep their own terms."
            )
        ),
        "homepage": request.build_absolute_uri(plan.reverse("initiatives:dashboard")),
        "licenses": licences(),
        "sources": sources,
        "temporal": {"start": plan.start_date.isoformat(), "end": plan.end_date.isoformat()},
        "resources": [table.resource() for table in TABLES],
    }


def descriptor_json(plan, request):
    return json.dumps(descriptor(plan, request), ensure_ascii=False, indent=2)


def zipped(plan, request):
    """The package as one zip: datapackage.json and every table."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", descriptor_json(plan, request))
        for table in TABLES:
            archive.writestr(f"{table.name}.csv", "".join(table.lines(plan, request)))
    return buffer.getvalue()
