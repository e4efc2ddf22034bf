from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .. import permissions
from ..models import Member, PlanItem, Role, Schedule, schedule_choices
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


class RoleFilter(admin.SimpleListFilter):
    """What a member leads, or shares: a member's editor asks it of its own member ("led by
    us"); the office of the member chosen in the "responsible member" filter, and is not
    offered it before choosing one."""

    parameter_name = "role"
    item_path = "pk"  # from the listed rows to the item's key
    member_parameter = ResponsibleMemberFilter.parameter_name

    def __init__(self, request, params, model, model_admin):
        self.member = permissions.member_of(request.user)
        self.ours = self.member is not None
        if not self.ours:
            slug = request.GET.get(self.member_parameter, "")
            self.member = Member.objects.filter(slug=slug).first() if slug else None
        self.title = _("our role") if self.ours else _("role of the member chosen")
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        if self.member is None:
            return []
        if self.ours:
            return [(Role.LEAD, _("Led by us")), (Role.CO, _("Co-led by us"))]
        name = {"member": self.member.name}
        return [
            (Role.LEAD, _("Led by %(member)s") % name),
            (Role.CO, _("Co-led by %(member)s") % name),
        ]

    def queryset(self, request, queryset):
        if self.member is None or self.value() not in Role.values:
            return queryset  # no member to ask about, or an unknown role: nothing filtered
        items = PlanItem.objects.filter(
            responsibilities__member=self.member, responsibilities__role=self.value()
        ).values("pk")
        return queryset.filter(**{f"{self.item_path}__in": items})


class TargetRoleFilter(RoleFilter):
    item_path = "item"


class ReportRoleFilter(RoleFilter):
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
