"""Filters for the public lists. Every filter is a GET parameter, so a filtered list is a link."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from . import clock
from .models import (
    FocusArea,
    Member,
    Outcome,
    ProgressReport,
    Schedule,
    Source,
    Status,
    schedule_choices,
)
from .models.choices import NO_REPORT
from .models.progress import stale_cutoff


@extend_schema_field(OpenApiTypes.STR)
class KeyChoiceFilter(django_filters.ModelChoiceFilter):
    """A row named in the address by its slug or key: a string in the API's schema, which
    cannot tell that from a filter that runs a method."""


STALE_CHOICES = (
    ("1", _("Not updated since %(date)s")),
    ("0", _("Updated since %(date)s")),
)


def stale_choices():
    """Whether a row's latest approved figure is older than TRACKER_STALE_AFTER_DAYS."""
    since = {"date": stale_cutoff(clock.today()).isoformat()}
    return [(value, label % since) for value, label in STALE_CHOICES]


def schedule_filter():
    return django_filters.ChoiceFilter(
        label=_("Schedule"),
        choices=schedule_choices,
        method="filter_schedule",
        empty_label=_("Any position"),
    )


def stale_filter():
    return django_filters.ChoiceFilter(
        label=_("Latest figure"),
        choices=stale_choices,
        method="filter_stale",
        empty_label=_("Recent or not"),
    )


class FiguresFilter(django_filters.FilterSet):
    """The methods of the filters by figures (schedule_filter, stale_filter) of rows annotated
    with them: the position, "no report yet", and whether the latest approved figure is stale.
    `AS_OF` names the annotation holding the date of a row's latest approved figure."""

    AS_OF = "last_reported"

    def silent(self, queryset):
        """The rows with no approved report: "no report yet"."""
        return queryset.no_report()

    @extend_schema_field(
        {
            "type": "string",
            "enum": [slug for slug, _label in schedule_choices()],
            "description": "Where a row stands against its schedule; `unknown`: no position "
            "can be worked out, `no_report`: no approved report yet.",
        }
    )
    def filter_schedule(self, queryset, name, value: str):
        if value == NO_REPORT:
            return self.silent(queryset)
        position = Schedule.from_slug(value)  # the choices let only known slugs through
        if position is None:
            return queryset.filter(schedule__isnull=True)
        return queryset.filter(schedule=position)

    @extend_schema_field(
        {
            "type": "string",
            "enum": [value for value, _label in STALE_CHOICES],
            "description": "`1`: the latest approved figure is older than the site's staleness "
            "limit; `0`: it is not.",
        }
    )
    def filter_stale(self, queryset, name, value: str):
        cutoff = stale_cutoff(clock.today())
        if value == "1":
            return queryset.filter(**{f"{self.AS_OF}__lt": cutoff})
        return queryset.filter(**{f"{self.AS_OF}__gte": cutoff})


class PlanItemFilter(FiguresFilter):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Code, title or summary, in English or Chinese."),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Status.choices,
        empty_label=_("Any status"),
        method="filter_status",
    )
    area = KeyChoiceFilter(
        label=_("Focus area"),
        field_name="focus_area",
        queryset=FocusArea.objects.all(),
        to_field_name="slug",
        empty_label=_("Any focus area"),
    )
    member = KeyChoiceFilter(
        label=_("Responsible member"),
        queryset=Member.objects.all(),
        to_field_name="slug",
        method="filter_member",
        empty_label=_("Any member"),
    )
    schedule = schedule_filter()
    outcome = django_filters.ChoiceFilter(
        label=_("Outcome at the close"),
        choices=Outcome.choices,
        empty_label=_("Any outcome"),
        help_text=_("Once the round has closed."),
    )
    stale = stale_filter()
    disagrees = django_filters.ChoiceFilter(
        label=_("Checked against the figures"),
        choices=[
            ("1", _("Status disagrees with progress")),
            ("0", _("Status agrees with progress")),
        ],
        method="filter_disagrees",
        empty_label=_("Agreeing or not"),
    )
    illustrative = django_filters.ChoiceFilter(
        label=_("Content"),
        choices=[
            ("no", _("Stated in the sources")),
            ("yes", _("Illustrative demo content")),
        ],
        method="filter_illustrative",
        empty_label=_("All content"),
    )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__icontains=value)
            | Q(title_en__icontains=value)
            | Q(title_zh__icontains=value)
            | Q(summary_en__icontains=value)
            | Q(summary_zh__icontains=value)
        )

    def filter_status(self, queryset, name, value):
        """By the status shown: as of a past day, the one of then (with_progress's
        `status_then`)."""
        field = "status_then" if "status_then" in queryset.query.annotations else "status"
        return queryset.filter(**{field: value})

    def filter_member(self, queryset, name, value):
        return queryset.for_member(value) if value else queryset

    def filter_disagrees(self, queryset, name, value):
        return queryset.disagreeing() if value == "1" else queryset.filter(disagreement=None)

    def filter_illustrative(self, queryset, name, value):
        return queryset.filter(is_illustrative=(value == "yes"))


class TargetFilter(FiguresFilter):
    """Filters of the targets' API: schedule (or no report yet) and staleness."""

    AS_OF = "latest_as_of"

    schedule = schedule_filter()
    stale = stale_filter()

    def silent(self, queryset):
        return queryset.filter(latest_as_of__isnull=True)


class UpdateFilter(django_filters.FilterSet):
    """Filters for the approved updates."""

    member = KeyChoiceFilter(
        label=_("Member"),
        queryset=Member.objects.all(),
        to_field_name="slug",
        empty_label=_("Whole region and every member"),
    )
    area = KeyChoiceFilter(
        label=_("Focus area"),
        queryset=FocusArea.objects.all(),
        to_field_name="slug",
        method="filter_area",
        empty_label=_("Any focus area"),
    )

    source = KeyChoiceFilter(
        label=_("Source"),
        queryset=Source.objects.all(),
        to_field_name="key",
        empty_label=_("Any source"),
    )

    class Meta:
        model = ProgressReport
        fields = ["member", "area", "source"]

    def filter_area(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(target__item__focus_area=value)
