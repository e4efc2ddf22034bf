"""Plans; initiatives, cooperation projects and key tasks: lists, status changes, targets
inline."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import formats
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import caching, permissions
from ..forms import CarryOverForm, PlanItemForm, StatusChangeForm, TargetForm
from ..models import (
    ITEM_MODELS,
    CooperationProject,
    Initiative,
    ItemKind,
    Plan,
    PlanItem,
    ProgressReport,
    Responsibility,
    Role,
    Schedule,
    Target,
    Task,
)
from ..models.choices import Disagreement
from ..resources import TaskResource
from ..templatetags.figures import latest_figure, report_figure
from .base import (
    ImportExportTrackerAdmin,
    ModelChoiceField,
    ScopedAdmin,
    TabularInline,
    TrackerAdmin,
    without_form_only,
)
from .filters import DisagreementFilter, ResponsibleMemberFilter, RoleFilter, ScheduleFilter
from .revisions import RevisingAdminMixin


def parents_first(item):
    """Initiatives and projects before tasks: a task carried over supports what its parent
    became, if its parent came first."""
    return (item.kind == ItemKind.TASK, item.code)


def format_progress(value):
    return "—" if value is None else f"{value:.0f}%"


def as_of_note(day):
    """ "as of <day>" under a figure in a list, the day kept on one line."""
    day = format_html('<span class="nowrap">{}</span>', formats.date_format(day))
    wording = conditional_escape(_("as of %(date)s")) % {"date": day}
    return format_html('<span class="list-note">{}</span>', mark_safe(wording))


@admin.register(Plan)
class PlanAdmin(TrackerAdmin):
    """The plan rounds: the office keeps them, member editors see them (migration 0012)."""

    list_display = ("slug", "plan_name", "period", "round_state", "follows", "is_current")
    list_select_related = ("follows",)
    list_display_links = ("slug", "plan_name")
    search_fields = ("slug", "name_en", "name_zh")
    autocomplete_fields = ("members", "sources")

    @admin.display(description=_("name"), ordering="name_en")
    def plan_name(self, plan):
        return plan.name

    @admin.display(description=_("period"), ordering="start_date")
    def period(self, plan):
        return f"{plan.start_date} – {plan.end_date}"

    @admin.display(description=_("state"))
    def round_state(self, plan):
        return plan.state().label


class ResponsibilityInline(TabularInline):
    """The members responsible for the item: the office keeps them, member editors see them
    (migration 0012)."""

    model = Responsibility
    fields = ("member", "role")
    extra = 0


class TargetInline(TabularInline):
    """The item's targets; a change of target value or date asks for a reason."""

    model = Target
    form = TargetForm
    fields = (
        "code",
        "name_en",
        "measure",
        "direction",
        "baseline_value",
        "target_value",
        "target_date",
        "revision_reason",
        "latest_progress",
        "report_link",
        "seen_version",
    )
    readonly_fields = ("latest_progress", "report_link")
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).with_progress()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        readonly = permissions.readonly_fields(request.user, Target)
        return fields + [name for name in readonly if name in self.fields]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if self.has_change_permission(request, obj) else without_form_only(fields)

    @admin.display(description=_("latest approved"))
    def latest_progress(self, target):
        if target.pk is None or getattr(target, "latest_as_of", None) is None:
            return "—"
        return format_html(
            "{} ({}) · {}",
            latest_figure(target),
            formats.date_format(target.latest_as_of),
            format_progress(target.progress),
        )

    @admin.display(description=_("report"))
    def report_link(self, target):
        if target.pk is None:
            return ""
        url = reverse("admin:initiatives_progressreport_add") + f"?target={target.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Report progress"))


class PlanItemAdmin(RevisingAdminMixin, TrackerAdmin):
    form = PlanItemForm
    # A list for doing the work: what each item is, who answers for it, where it stands.
    # Nothing is edited in the list: dates and targets change in the item's form, with a
    # reason, for review (admin/revisions.py); status by the action, with a reason.
    list_display = (
        "code",
        "item_title",
        "area",
        "lead",
        "status_display",
        "progress_display",
        "schedule_display",
        "due_date",
    )
    list_display_links = ("code", "item_title")
    list_filter = (
        "plan",
        "focus_area",
        ResponsibleMemberFilter,
        RoleFilter,
        "status",
        ScheduleFilter,
        DisagreementFilter,
        "is_illustrative",
    )
    change_list_template = "admin/initiatives/planitem_change_list.html"
    search_fields = ("code", "title_en", "title_zh")
    ordering = ("code",)
    list_per_page = 50
    autocomplete_fields = ("sources",)
    actions = ("change_status", "carry_over")
    readonly_fields = (
        "progress_display",
        "schedule_display",
        "last_report",
        "recent_reports",
        "updated_at",
    )
    RECENT_REPORTS = 10
    main_fields = ("plan", "code", "title_en", "title_zh", "focus_area")
    inlines = (ResponsibilityInline, TargetInline)

    def build_fieldsets(self, request, obj=None):
        # What staff change most (status, dates) first; the descriptions after.
        return [
            (None, {"fields": self.main_fields}),
            (_("Status"), {"fields": ("status", "status_reason")}),
            (_("Period"), {"fields": ("start_date", "due_date", "revision_reason")}),
            (
                _("Progress"),
                {
                    "fields": (
                        "progress_display",
                        "schedule_display",
                        "last_report",
                        "recent_reports",
                    )
                },
            ),
            (
                _("Summary and sources"),
                {
                    "fields": (
                        "summary_en",
                        "summary_zh",
                        "sources",
                        "is_illustrative",
                        "updated_at",
                        "seen_version",
                    ),
                    "classes": ["collapse"],
                },
            ),
        ]

    def get_queryset(self, request):
        items = super().get_queryset(request).with_progress().for_table()
        member = permissions.member_of(request.user)
        if member is None:
            return items
        role = Responsibility.objects.filter(item=OuterRef("pk"), member=member)
        return items.annotate(our_role=Subquery(role.values("role")[:1]))

    def get_list_display(self, request):
        """A member's editor sees its member's part in each item where the office sees who
        leads it (and who leads, where its member does not)."""
        columns = list(super().get_list_display(request))
        if permissions.member_of(request.user) is not None:
            columns[columns.index("lead")] = "our_role"
        return columns

    def get_list_filter(self, request):
        """ "What we lead" first for a member's editor."""
        filters = list(super().get_list_filter(request))
        if permissions.member_of(request.user) is not None:
            filters.remove(RoleFilter)
            filters.insert(0, RoleFilter)
        return filters

    def changelist_view(self, request, extra_context=None):
        extra_context = {"member": permissions.member_of(request.user), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + list(permissions.readonly_fields(request.user, self.model))

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if "plan" not in initial:
            current = Plan.objects.current()
            if current is not None:
                initial["plan"] = current.pk
        return initial

    @admin.display(description=_("title"), ordering="title_en")
    def item_title(self, item):
        return item.title

    @admin.display(description=_("focus area"), ordering="focus_area__number")
    def area(self, item):
        return item.focus_area.name

    @admin.display(description=_("lead"))
    def lead(self, item):
        return ", ".join(member.name for member in item.lead_members) or "—"

    @admin.display(description=_("our role"), ordering="our_role")
    def our_role(self, item):
        role = getattr(item, "our_role", None)
        if role is None:
            return "—"
        if role == Role.LEAD:
            return Role(role).label
        return format_html(
            '{} <span class="list-note">{}</span>',
            Role(role).label,
            _("lead: %(members)s") % {"members": self.lead(item)},
        )

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, item):
        """The declared status, and below it, where the figures contradict it, how."""
        kind = getattr(item, "disagreement", None)
        if kind is None:
            return item.get_status_display()
        return format_html(
            '{} <span class="list-flag">{}</span>',
            item.get_status_display(),
            Disagreement(kind).label,
        )

    @admin.display(description=_("progress"), ordering="progress")
    def progress_display(self, item):
        """The progress of the figures, dated by the latest approved report behind them."""
        shown = format_progress(getattr(item, "progress", None))
        last = getattr(item, "last_reported", None)
        if last is None:
            return shown
        return format_html("{} {}", shown, as_of_note(last))

    @admin.display(description=_("schedule"), ordering="schedule")
    def schedule_display(self, item):
        position = getattr(item, "schedule", None)
        return Schedule.__empty__ if position is None else Schedule(position).label

    @admin.display(description=_("last approved report"), ordering="last_reported")
    def last_report(self, item):
        last = getattr(item, "last_reported", None)
        return "—" if last is None else formats.date_format(last)

    @admin.display(description=_("latest reports"))
    def recent_reports(self, item):
        """The latest reports on the item's targets, whatever their review state."""
        if item.pk is None:
            return "—"
        reports = (
            ProgressReport.objects.filter(target__item=item)
            .select_related("target", "member")
            .order_by("-as_of", "-pk")[: self.RECENT_REPORTS]
        )
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    reverse("admin:initiatives_progressreport_change", args=[report.pk]),
                    report.target.code,
                    formats.date_format(report.as_of),
                    report_figure(report, report.target) or "—",
                    report.member or "",
                    report.get_status_display(),
                )
                for report in reports
            ),
        )
        if not rows:
            return _("No reports yet: use “Report progress” on a target below.")
        return format_html("<table>{}</table>", rows)

    def other_step(self, form):
        return isinstance(form, PlanItemForm) and form.status_changed()

    def save_plain(self, request, obj, form, change):
        # A status change goes through change_status(), which saves the form's other edits
        # and records it (a change of dates was proposed as a revision before this).
        if self.other_step(form):
            obj.change_status(obj.status, form.reason(), request.user)
        else:
            super().save_plain(request, obj, form, change)

    @admin.action(description=_("Change the status of the selected items"), permissions=["change"])
    def change_status(self, request, queryset):
        form = StatusChangeForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            new_status = form.cleaned_data["new_status"]
            reason = form.cleaned_data["reason"]
            changed = 0
            with caching.one_bump(), transaction.atomic():
                if self.refuse_stale(request, queryset):
                    return None
                for item in queryset:
                    if item.status == new_status:
                        continue
                    item.change_status(new_status, reason, request.user)
                    changed += 1
            self.message_user(
                request,
                ngettext(
                    "The status of %(count)d item was changed.",
                    "The status of %(count)d items was changed.",
                    changed,
                )
                % {"count": changed},
                messages.SUCCESS,
            )
            return None
        return self.confirmation_page(
            request,
            queryset,
            form,
            "change_status",
            _("Change the status"),
            _("The new status and its reason go into the history of each selected item."),
        )

    def has_carry_over_permission(self, request):
        return permissions.may_carry_over(request.user)

    @admin.action(description=_("Carry over to the next round"), permissions=["carry_over"])
    def carry_over(self, request, queryset):
        """New items in the chosen next round, continuing the selected unfinished ones."""
        plans = Plan.objects.filter(follows__in=queryset.values("plan")).order_by("start_date")
        form = CarryOverForm(request.POST if "apply" in request.POST else None, plans=plans)
        if form.is_valid():
            into = form.cleaned_data["plan"]
            try:
                with caching.one_bump(), transaction.atomic():
                    if self.refuse_stale(request, queryset):
                        return None
                    items = sorted(queryset, key=parents_first)
                    for item in items:
                        item.carry_over(into, request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
            self.message_user(
                request,
                ngettext(
                    "%(count)d item was carried over into %(plan)s.",
                    "%(count)d items were carried over into %(plan)s.",
                    len(items),
                )
                % {"count": len(items), "plan": into},
                messages.SUCCESS,
            )
            return None
        return self.confirmation_page(
            request,
            queryset,
            form,
            "carry_over",
            _("Carry over to the next round"),
            _(
                "Each selected item continues as a new item of the round you choose, linked to "
                "this one; its reports and history stay with this round."
            ),
        )


@admin.register(Initiative)
class InitiativeAdmin(PlanItemAdmin):
    pass


@admin.register(CooperationProject)
class CooperationProjectAdmin(PlanItemAdmin):
    pass


class SupportedItemField(ModelChoiceField):
    """The initiative or project a task supports, named with its list and plan."""

    def label_from_instance(self, item):
        return _("%(item)s (%(kind)s, %(plan)s)") % {
            "item": item,
            "kind": item.get_kind_display(),
            "plan": item.plan.short_name,
        }


@admin.register(Task)
class TaskAdmin(PlanItemAdmin, ImportExportTrackerAdmin):
    resource_classes = (TaskResource,)
    main_fields = (*PlanItemAdmin.main_fields, "parent")

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        after = columns.index("our_role" if "our_role" in columns else "lead") + 1
        return [*columns[:after], "supports", *columns[after:]]

    @admin.display(description=_("supports"))
    def supports(self, task):
        return task.parent.code if task.parent else "—"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            supported = PlanItem.objects.exclude(kind=ItemKind.TASK).select_related("plan")
            kwargs["queryset"] = permissions.scope(
                request.user, supported.order_by("plan", "kind", "code")
            )
            kwargs["form_class"] = SupportedItemField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(PlanItem)
class PlanItemLookupAdmin(ScopedAdmin):
    """Items of every kind, for the autocomplete of a target's item; not on the index. An
    item opens in the admin of its kind."""

    search_fields = ("code", "title_en", "title_zh")
    ordering = ("code",)

    def has_module_permission(self, request):
        return False

    def has_view_permission(self, request, obj=None):
        kinds = ITEM_MODELS if obj is None else [type(obj)]
        return any(
            self.admin_site.get_model_admin(kind).has_view_permission(request, obj)
            for kind in kinds
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._check_object(request, object_id)
        item = PlanItem.objects.get(pk=unquote(object_id))
        url = reverse(
            f"admin:{item._meta.app_label}_{item._meta.model_name}_change",
            args=[item.pk],
            current_app=self.admin_site.name,
        )
        query = request.GET.urlencode()
        return HttpResponseRedirect(f"{url}?{query}" if query else url)
