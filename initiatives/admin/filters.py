from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..models import Member, Schedule
from ..permissions import ITEM_MODELS


class ResponsibleMemberFilter(admin.SimpleListFilter):
    """Items (or rows hanging from items) that a member leads or co-leads."""

    title = _("responsible member")
    parameter_name = "responsible"
    item_prefix = None  # None: the rows are items; "" or "target__": the path to the item keys

    def lookups(self, request, model_admin):
        return [(member.slug, member.name) for member in Member.objects.all()]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        member = Member.objects.filter(slug=self.value()).first()
        if member is None:
            return queryset.none()
        if self.item_prefix is None:
            return queryset.filter(pk__in=queryset.model.objects.for_member(member).values("pk"))
        condition = None
        for model in ITEM_MODELS:
            pks = model.objects.for_member(member).values("pk")
            part = Q(**{f"{self.item_prefix}{model.ITEM_KEY}__in": pks})
            condition = part if condition is None else condition | part
        return queryset.filter(condition)


class TargetMemberFilter(ResponsibleMemberFilter):
    item_prefix = ""


class ReportMemberFilter(ResponsibleMemberFilter):
    item_prefix = "target__"


class ScheduleFilter(admin.SimpleListFilter):
    title = _("schedule position")
    parameter_name = "schedule"
    UNKNOWN = "unknown"

    def lookups(self, request, model_admin):
        return [(str(value), label) for value, label in Schedule.choices if value is not None] + [
            (self.UNKNOWN, Schedule.__empty__)
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.UNKNOWN:
            return queryset.filter(schedule__isnull=True)
        if value in {str(v) for v in Schedule.values}:
            return queryset.filter(schedule=int(value))
        return queryset
