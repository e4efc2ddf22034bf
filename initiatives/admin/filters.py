from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import Member, PlanItem, Schedule, schedule_choices
from ..models.choices import NO_REPORT, Disagreement


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

    def lookups(self, request, model_admin):
        return schedule_choices()

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if self.value() == NO_REPORT:
            return queryset.no_report()
        try:
            position = Schedule.from_slug(self.value())
        except KeyError:
            return queryset  # an unknown slug in the address filters nothing
        if position is None:
            return queryset.filter(schedule__isnull=True)
        return queryset.filter(schedule=position)


class DisagreementFilter(admin.SimpleListFilter):
    """Items whose declared status contradicts their figures, for the office to ask about."""

    title = _("status against progress")
    parameter_name = "disagrees"
    ANY = "any"

    def lookups(self, request, model_admin):
        return [(self.ANY, _("Status disagrees with progress")), *Disagreement.choices]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if self.value() == self.ANY:
            return queryset.disagreeing()
        if self.value() not in Disagreement.values:
            return queryset  # an unknown value in the address filters nothing
        return queryset.filter(disagreement=self.value())
