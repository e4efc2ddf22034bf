"""Filters for the public lists. Every filter is a GET parameter, so a filtered list is a link."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import FocusArea, Member, ProgressReport, Schedule, Source, Status, schedule_choices


class PlanItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Code, title or summary, in English or Chinese."),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=_("Any status")
    )
    area = django_filters.ModelChoiceFilter(
        label=_("Focus area"),
        field_name="focus_area",
        queryset=FocusArea.objects.all(),
        to_field_name="slug",
        empty_label=_("Any focus area"),
    )
    member = django_filters.ModelChoiceFilter(
        label=_("Responsible member"),
        queryset=Member.objects.all(),
        to_field_name="slug",
        method="filter_member",
        empty_label=_("Any member"),
    )
    schedule = django_filters.ChoiceFilter(
        label=_("Schedule"),
        choices=schedule_choices,
        method="filter_schedule",
        empty_label=_("Any position"),
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

    def filter_member(self, queryset, name, value):
        return queryset.for_member(value) if value else queryset

    def filter_schedule(self, queryset, name, value):
        position = Schedule.from_slug(value)  # the choices let only known slugs through
        if position is None:
            return queryset.filter(schedule__isnull=True)
        return queryset.filter(schedule=position)

    def filter_illustrative(self, queryset, name, value):
        return queryset.filter(is_illustrative=(value == "yes"))


class UpdateFilter(django_filters.FilterSet):
    """Filters for the approved updates."""

    member = django_filters.ModelChoiceFilter(
        label=_("Member"),
        queryset=Member.objects.all(),
        to_field_name="slug",
        empty_label=_("Whole region and every member"),
    )
    area = django_filters.ModelChoiceFilter(
        label=_("Focus area"),
        queryset=FocusArea.objects.all(),
        to_field_name="slug",
        method="filter_area",
        empty_label=_("Any focus area"),
    )

    source = django_filters.ModelChoiceFilter(
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
