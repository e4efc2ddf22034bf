from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import Member, PlanItem, Schedule


class ResponsibleMemberFilter(admin.SimpleListFilter):
    """Items (or rows hanging from items) that a member leads or co-leads."""

    title = _("responsible member")
    parameter_name = "responsible"
    item_path = "pk"  # from the listed rows to the item's key

    def lookups(self, request, model_admin):
        return [(member.slug, member.name) for member in Member.objects.all()]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        member = Member.objects.filter(slug=self.value()).first()
        if member is None:
            return queryset.none()
        items = PlanItem.objects.for_member(member).values("pk")
        return queryset.filter(**{f"{self.item_path}__in": items})


class TargetMemberFilter(ResponsibleMemberFilter):
    item_path = "item"


class ReportMemberFilter(ResponsibleMemberFilter):
    item_path = "target__item"


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
