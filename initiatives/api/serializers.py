"""The rows of the API: one serializer per list, each field declared, so that the OpenAPI
document (drf-spectacular) is read from the very code that writes the rows.

A row's figures are the ones the list's QuerySet annotated (PlanItemQuerySet.for_table(),
Target.objects.with_progress(), ...): nothing here computes a figure. The day they are of is
the one `?as_of=` asks for (the view keeps it on the request as `request.as_of`), else today.
"""

from datetime import UTC
from decimal import Decimal

from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import clock
from ..models import Outcome, Outlook, PlanState, Schedule, Status, Task
from ..models import progress as figures
from ..models.choices import Direction, Disagreement, Measure, MemberKind, Obligation, Qualifier
from ..models.items import ItemKind

SCHEDULES = [position.slug for position in Schedule]


def number(value):
    """A Decimal as a JSON number: an integer when whole."""
    if value is None:
        return None
    if isinstance(value, Decimal) and value == value.to_integral():
        return int(value)
    return float(value)


@extend_schema_field(OpenApiTypes.NUMBER)
class Figure(serializers.Field):
    """A figure as published: a JSON number, an integer when whole; null when unknown."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return number(value)


@extend_schema_field(OpenApiTypes.NUMBER)
class Percent(Figure):
    """A share of the way done, 0 to 100, to two decimal places."""

    def to_representation(self, value):
        return None if value is None else round(value, 2)


class Moment(serializers.DateTimeField):
    """A date and time in UTC, ISO 8601."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, default_timezone=UTC, **kwargs)


@extend_schema_field(
    {
        "type": "object",
        "description": "Each field revised, from what to what.",
        "additionalProperties": {
            "type": "object",
            "properties": {"from": {}, "to": {}},
            "required": ["from", "to"],
        },
    }
)
class Changes(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return {name: {"from": old, "to": new} for name, (old, new) in value.items()}


def today_of(request):
    """The day the rows' figures are of: the one `?as_of=` asks for, else today."""
    return getattr(request, "as_of", None) or clock.today()


def page_of(request, obj):
    return None if obj is None else request.build_absolute_uri(obj.get_absolute_url())


class Row(serializers.Serializer):
    """A row with the absolute address of its page (`url`)."""

    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj):
        return page_of(self.context["request"], obj)


class PlanSerializer(Row):
    slug = serializers.CharField()
    name_en = serializers.CharField()
    name_zh = serializers.CharField()
    short_name_en = serializers.CharField()
    short_name_zh = serializers.CharField()
    region_en = serializers.CharField()
    region_zh = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    is_current = serializers.BooleanField()
    state = serializers.SerializerMethodField()
    follows = serializers.CharField(source="follows.slug", allow_null=True)
    is_illustrative = serializers.BooleanField()

    @extend_schema_field(serializers.ChoiceField(choices=PlanState.choices))
    def get_state(self, plan):
        return plan.state()


class RevisionSerializer(serializers.Serializer):
    """A revision in effect: what changed, from what, to what, when and why. A target's also
    carries the four fields of the earlier format (old and new target value and date), null on
    an item's."""

    id = serializers.UUIDField(source="uuid")
    plan = serializers.CharField(source="item.plan.slug")
    item = serializers.CharField(source="item.code")
    target = serializers.CharField(source="target.code", allow_null=True)
    revised_at = Moment(source="reviewed_at", allow_null=True)
    proposed_at = Moment(allow_null=True)
    reason = serializers.CharField()
    reason_zh = serializers.CharField()
    changes = Changes()
    old_target_value = serializers.SerializerMethodField()
    new_target_value = serializers.SerializerMethodField()
    old_target_date = serializers.SerializerMethodField()
    new_target_date = serializers.SerializerMethodField()
    is_illustrative = serializers.BooleanField()

    def changed(self, revision, field, which):
        if not revision.target_id:
            return None
        return revision.changes.get(field, (None, None))[which]

    @extend_schema_field({"description": "A target's value before the revision."})
    def get_old_target_value(self, revision):
        return self.changed(revision, "target_value", 0)

    @extend_schema_field({"description": "A target's value after the revision."})
    def get_new_target_value(self, revision):
        return self.changed(revision, "target_value", 1)

    @extend_schema_field({"description": "A target's date before the revision."})
    def get_old_target_date(self, revision):
        return self.changed(revision, "target_date", 0)

    @extend_schema_field({"description": "A target's date after the revision."})
    def get_new_target_date(self, revision):
        return self.changed(revision, "target_date", 1)


def disagreement_of(item):
    """Whether the declared status contradicts the figures, which way, and in words."""
    if item.disagreement is None:
        return {"status_disagrees": False, "disagreement": None, "en": None, "zh": None}
    kind = Disagreement(item.disagreement)
    words = {}
    for language in ("en", "zh"):
        with translation.override("zh-hans" if language == "zh" else "en"):
            words[language] = str(kind.wording(item.status))
    return {"status_disagrees": True, "disagreement": kind.value, **words}


class ItemSerializer(Row):
    plan = serializers.CharField(source="plan.slug")
    code = serializers.CharField()
    title_en = serializers.CharField()
    title_zh = serializers.CharField()
    summary_en = serializers.CharField()
    summary_zh = serializers.CharField()
    focus_area = serializers.CharField(source="focus_area.slug")
    status = serializers.ChoiceField(choices=Status.choices)
    start_date = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    progress = Percent()
    schedule = serializers.SerializerMethodField()
    # Once the plan has closed (PlanItemQuerySet.with_outcome()).
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_null=True)
    no_report = serializers.BooleanField()
    last_reported = serializers.DateField(allow_null=True)
    stale = serializers.SerializerMethodField()
    status_disagrees = serializers.SerializerMethodField()
    disagreement = serializers.SerializerMethodField()
    disagreement_en = serializers.SerializerMethodField()
    disagreement_zh = serializers.SerializerMethodField()
    lead_members = serializers.SerializerMethodField()
    co_members = serializers.SerializerMethodField()
    sources = serializers.SerializerMethodField()
    is_illustrative = serializers.BooleanField()
    carried_from = serializers.SerializerMethodField()
    carried_into = serializers.SerializerMethodField()
    updated_at = Moment()
    revised = serializers.BooleanField()  # PlanItemQuerySet.for_table()
    revisions = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=SCHEDULES, allow_null=True))
    def get_schedule(self, item):
        return None if item.schedule is None else Schedule(item.schedule).slug

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_stale(self, item):
        return figures.is_stale(item.last_reported, today_of(self.context["request"]))

    def disagreement_data(self, item):
        cached = self.context.setdefault("disagreements", {})
        if item.pk not in cached:
            cached[item.pk] = disagreement_of(item)
        return cached[item.pk]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_status_disagrees(self, item):
        return self.disagreement_data(item)["status_disagrees"]

    @extend_schema_field(serializers.ChoiceField(choices=Disagreement.choices, allow_null=True))
    def get_disagreement(self, item):
        return self.disagreement_data(item)["disagreement"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_disagreement_en(self, item):
        return self.disagreement_data(item)["en"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_disagreement_zh(self, item):
        return self.disagreement_data(item)["zh"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_lead_members(self, item):
        return [member.slug for member in item.lead_members]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_co_members(self, item):
        return [member.slug for member in item.co_members]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_sources(self, item):
        return [source.key for source in item.sources.all()]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_carried_from(self, item):
        return page_of(self.context["request"], item.carried_from)

    @extend_schema_field(serializers.ListField(child=serializers.URLField()))
    def get_carried_into(self, item):
        return [page_of(self.context["request"], later) for later in item.carried_into.all()]

    @extend_schema_field(RevisionSerializer(many=True))
    def get_revisions(self, item):
        revisions = [revision for revision in item.revisions.all() if revision.target_id is None]
        return RevisionSerializer(revisions, many=True, context=self.context).data


class TaskSerializer(ItemSerializer):
    """A task, with the initiative or project it supports."""

    project = serializers.SerializerMethodField()
    initiative = serializers.SerializerMethodField()

    @staticmethod
    def parent_code(task, kind):
        parent = task.parent
        return parent.code if parent is not None and parent.kind == kind else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_project(self, task: Task):
        return self.parent_code(task, ItemKind.PROJECT)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_initiative(self, task: Task):
        return self.parent_code(task, ItemKind.INITIATIVE)


def outlook_data(request, target):
    """The outlook from the trend (docs/methods.md), as of the day `?as_of=` asks for (else
    today); null where none is worked out, and once the plan has closed (its items' outcomes
    say how it ended), and a null projected date where the pace does not reach the target."""
    day = getattr(request, "as_of", None)
    trend = None if target.item.plan.is_closed(day) else target.outlook(day)
    return {
        "outlook": trend.outlook.value if trend else None,
        "projected_date": trend.projected_date if trend else None,
    }


class TargetSerializer(Row):
    plan = serializers.CharField(source="item.plan.slug")
    code = serializers.CharField()
    item = serializers.CharField(source="item.code")
    name_en = serializers.CharField()
    name_zh = serializers.CharField()
    unit_en = serializers.CharField()
    unit_zh = serializers.CharField()
    measure = serializers.ChoiceField(choices=Measure.choices)
    direction = serializers.ChoiceField(choices=Direction.choices)
    baseline_value = Figure()
    baseline_date = serializers.DateField(allow_null=True)
    target_value = Figure()
    target_qualifier = serializers.ChoiceField(choices=Qualifier.choices, allow_blank=True)
    target_date = serializers.DateField(allow_null=True)
    source = serializers.CharField(source="source.key", allow_null=True)
    latest_value = Figure()
    latest_as_of = serializers.DateField(allow_null=True)
    progress = Percent()
    exceeded = serializers.SerializerMethodField()
    schedule = serializers.SerializerMethodField()
    no_report = serializers.SerializerMethodField()
    stale = serializers.SerializerMethodField()
    revisions = RevisionSerializer(many=True, source="revisions.all")
    outlook = serializers.SerializerMethodField()
    projected_date = serializers.SerializerMethodField()
    is_headline = serializers.BooleanField()
    is_illustrative = serializers.BooleanField()

    get_schedule = ItemSerializer.get_schedule

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_exceeded(self, target):
        return bool(target.exceeded)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_no_report(self, target):
        return target.latest_as_of is None

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_stale(self, target):
        return figures.is_stale(target.latest_as_of, today_of(self.context["request"]))

    def outlook_of(self, target):
        cached = self.context.setdefault("outlooks", {})
        if target.pk not in cached:
            cached[target.pk] = outlook_data(self.context["request"], target)
        return cached[target.pk]

    @extend_schema_field(serializers.ChoiceField(choices=Outlook.choices, allow_null=True))
    def get_outlook(self, target):
        return self.outlook_of(target)["outlook"]

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_projected_date(self, target):
        return self.outlook_of(target)["projected_date"]


class ReportSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    plan = serializers.CharField(source="target.item.plan.slug")
    target = serializers.CharField(source="target.code")
    item = serializers.CharField(source="target.item.code")
    as_of = serializers.DateField()
    value = Figure()
    qualifier = serializers.ChoiceField(choices=Qualifier.choices, allow_blank=True)
    milestone_reached = serializers.BooleanField()
    member = serializers.CharField(source="member.slug", allow_null=True)
    narrative_en = serializers.CharField()
    narrative_zh = serializers.CharField()
    source = serializers.CharField(source="source.key", allow_null=True)
    evidence_url = serializers.CharField()
    approved_at = Moment(source="reviewed_at", allow_null=True)
    is_illustrative = serializers.BooleanField()


class StatusChangeSerializer(Row):
    """A change of an item's declared status, with the reason given: its status history."""

    id = serializers.UUIDField(source="uuid")
    plan = serializers.CharField(source="item.plan.slug")
    item = serializers.CharField(source="item.code")
    kind = serializers.ChoiceField(source="item.kind", choices=ItemKind.choices)
    old_status = serializers.ChoiceField(choices=Status.choices, allow_blank=True)
    new_status = serializers.ChoiceField(choices=Status.choices)
    reason = serializers.CharField()
    reason_zh = serializers.CharField()
    changed_at = Moment()
    is_illustrative = serializers.BooleanField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, change):
        return page_of(self.context["request"], change.item)


class MemberSerializer(Row):
    slug = serializers.CharField()
    name_en = serializers.CharField()
    name_zh = serializers.CharField()
    short_name_zh = serializers.CharField()
    kind = serializers.ChoiceField(choices=MemberKind.choices)
    position = serializers.IntegerField()


class FocusAreaSerializer(Row):
    slug = serializers.CharField()
    number = serializers.IntegerField()
    name_en = serializers.CharField()
    name_zh = serializers.CharField()
    summary_en = serializers.CharField()
    summary_zh = serializers.CharField()


class SourceSerializer(serializers.Serializer):
    """A published document that figures cite; `url` is the document's own address."""

    key = serializers.CharField()
    title_en = serializers.CharField(source="title")
    title_zh = serializers.CharField()
    publisher_en = serializers.CharField(source="publisher")
    publisher_zh = serializers.CharField()
    published_on = serializers.DateField(allow_null=True)
    date_note_en = serializers.CharField(source="date_note")
    date_note_zh = serializers.CharField()
    url = serializers.CharField()
    reference_en = serializers.CharField(source="reference")
    reference_zh = serializers.CharField()
    is_illustrative = serializers.BooleanField()


class EditionSerializer(Row):
    plan = serializers.CharField(source="plan.slug")
    slug = serializers.CharField()
    title_en = serializers.CharField()
    title_zh = serializers.CharField()
    as_of = serializers.DateField()
    published_at = Moment()
    source = serializers.CharField(source="source.key", allow_null=True)
    is_illustrative = serializers.BooleanField()


class MemberStandingSerializer(serializers.Serializer):
    """Of the reports a member owes in a period on the targets it leads, how many stand where."""

    member = serializers.CharField(source="member.slug")
    owed = serializers.IntegerField(source="total")
    due = serializers.IntegerField()
    submitted = serializers.IntegerField()
    approved = serializers.IntegerField()
    returned = serializers.IntegerField()
    late = serializers.IntegerField()

    assert {"due", "submitted", "approved", "returned", "late"} == set(Obligation.values)


class PeriodSerializer(serializers.Serializer):
    """A reporting period and each member's standing in it (the view puts every period's
    standing, worked out together, in the context as `standings`)."""

    plan = serializers.CharField(source="plan.slug")
    name_en = serializers.CharField()
    name_zh = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    due_date = serializers.DateField()
    closed = serializers.SerializerMethodField()
    targets = serializers.SerializerMethodField()
    targets_reported = serializers.SerializerMethodField()
    members = serializers.SerializerMethodField()
    is_illustrative = serializers.BooleanField()

    def standing(self, period):
        return self.context["standings"][period.pk]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_closed(self, period):
        return period.is_closed(getattr(self.context["request"], "as_of", None))

    @extend_schema_field(OpenApiTypes.INT)
    def get_targets(self, period):
        return self.standing(period).targets

    @extend_schema_field(OpenApiTypes.INT)
    def get_targets_reported(self, period):
        return self.standing(period).targets_approved

    @extend_schema_field(MemberStandingSerializer(many=True))
    def get_members(self, period):
        return MemberStandingSerializer(self.standing(period).members, many=True).data


class ErrorSerializer(serializers.Serializer):
    """Every error of the API, in one shape."""

    error = serializers.CharField(help_text="What went wrong, in words.")
    status = serializers.IntegerField(help_text="The HTTP status code, again.")
    code = serializers.CharField(help_text="A stable name: not_found, throttled, ...")
    parameters = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For invalid input: what was wrong with each parameter.",
    )
