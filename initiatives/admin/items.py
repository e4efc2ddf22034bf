"""Initiatives, cooperation projects and key tasks: lists, status changes, targets inline."""

from django.contrib import admin, messages
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import permissions
from ..forms import PlanItemForm, StatusChangeForm, TargetForm, VersionedForm, record_status_change
from ..models import (
    CooperationProject,
    Initiative,
    InitiativeResponsibility,
    ProgressReport,
    ProjectResponsibility,
    Schedule,
    Target,
    Task,
    TaskResponsibility,
)
from ..resources import TaskResource
from .base import ImportExportTrackerAdmin, ScopedMixin, TrackerAdmin, without_form_only
from .filters import ResponsibleMemberFilter, ScheduleFilter


def format_progress(value):
    return "—" if value is None else f"{value:.0f}%"


class ResponsibilityInline(ScopedMixin, admin.TabularInline):
    fields = ("member", "role")
    extra = 0


class InitiativeResponsibilityInline(ResponsibilityInline):
    model = InitiativeResponsibility


class ProjectResponsibilityInline(ResponsibilityInline):
    model = ProjectResponsibility


class TaskResponsibilityInline(ResponsibilityInline):
    model = TaskResponsibility


class TargetInline(ScopedMixin, admin.TabularInline):
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
        if not permissions.sees_everything(request.user):
            fields.append("code")
        return fields

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if self.has_change_permission(request, obj) else without_form_only(fields)

    @admin.display(description=_("latest approved"))
    def latest_progress(self, target):
        if target.pk is None or getattr(target, "latest_as_of", None) is None:
            return "—"
        return format_html(
            "{} ({}) · {}",
            target.latest_value,
            target.latest_as_of,
            format_progress(target.progress),
        )

    @admin.display(description=_("report"))
    def report_link(self, target):
        if target.pk is None:
            return ""
        url = reverse("admin:initiatives_progressreport_add") + f"?target={target.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Report progress"))


class ItemListForm(VersionedForm):
    """A changelist row: due date editable in the list, with the version check."""


class PlanItemAdmin(TrackerAdmin):
    form = PlanItemForm
    changelist_form = ItemListForm
    list_display = (
        "code",
        "item_title",
        "area",
        "lead",
        "status",
        "progress_display",
        "schedule_display",
        "last_report",
        "due_date",
    )
    list_display_links = ("code", "item_title")
    list_editable = ("due_date",)
    list_filter = (
        "focus_area",
        ResponsibleMemberFilter,
        "status",
        ScheduleFilter,
        "is_illustrative",
    )
    search_fields = ("code", "title_en", "title_zh")
    ordering = ("code",)
    list_per_page = 50
    autocomplete_fields = ("sources",)
    actions = ("change_status",)
    readonly_fields = (
        "progress_display",
        "schedule_display",
        "last_report",
        "recent_reports",
        "updated_at",
    )
    RECENT_REPORTS = 10
    editor_readonly_fields = ("code", "focus_area", "is_illustrative", "sources")
    main_fields = ("code", "title_en", "title_zh", "focus_area")

    def build_fieldsets(self, request, obj=None):
        # What staff change most (status, dates) first; the descriptions after.
        return [
            (None, {"fields": self.main_fields}),
            (_("Status"), {"fields": ("status", "status_reason", "start_date", "due_date")}),
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
        return super().get_queryset(request).with_progress().for_table()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not permissions.sees_everything(request.user):
            fields += self.editor_readonly_fields
        return fields

    @admin.display(description=_("title"), ordering="title_en")
    def item_title(self, item):
        return item.title

    @admin.display(description=_("focus area"), ordering="focus_area__number")
    def area(self, item):
        return item.focus_area.number

    @admin.display(description=_("lead"))
    def lead(self, item):
        return ", ".join(member.name for member in item.lead_members) or "—"

    @admin.display(description=_("progress"), ordering="progress")
    def progress_display(self, item):
        return format_progress(getattr(item, "progress", None))

    @admin.display(description=_("schedule"), ordering="schedule")
    def schedule_display(self, item):
        position = getattr(item, "schedule", None)
        return Schedule.__empty__ if position is None else Schedule(position).label

    @admin.display(description=_("last approved report"), ordering="last_reported")
    def last_report(self, item):
        return getattr(item, "last_reported", None) or "—"

    @admin.display(description=_("latest reports"))
    def recent_reports(self, item):
        """The latest reports on the item's targets, whatever their review state."""
        if item.pk is None:
            return "—"
        reports = (
            ProgressReport.objects.filter(**{f"target__{item.ITEM_KEY}": item})
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
                    report.as_of,
                    "—" if report.value is None else report.value,
                    report.member or "",
                    report.get_status_display(),
                )
                for report in reports
            ),
        )
        if not rows:
            return _("No reports yet: use “Report progress” on a target below.")
        return format_html("<table>{}</table>", rows)

    def save_model(self, request, obj, form, change):
        # The list edits only due dates; the change form may change the status.
        status_form = isinstance(form, PlanItemForm)
        if status_form and change and "status" in form.changed_data:
            obj._change_reason = form.cleaned_data["status_reason"].strip()
        super().save_model(request, obj, form, change)
        if status_form and change:
            form.save_status_change(request.user)

    def save_formset(self, request, form, formset, change):
        target_forms = [f for f in formset.forms if isinstance(f, TargetForm)]
        for target_form in target_forms:
            if target_form.is_revision():
                target_form.instance._change_reason = target_form.reason()
        super().save_formset(request, form, formset, change)
        for target_form in target_forms:
            if target_form not in formset.deleted_forms:
                target_form.save_revision(request.user)

    @admin.action(description=_("Change the status of the selected items"), permissions=["change"])
    def change_status(self, request, queryset):
        form = StatusChangeForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            new_status = form.cleaned_data["new_status"]
            reason = form.cleaned_data["reason"]
            changed = 0
            with transaction.atomic():
                if self.refuse_stale(request, queryset):
                    return None
                for item in queryset:
                    if item.status == new_status:
                        continue
                    old_status = item.status
                    item.status = new_status
                    item._change_reason = reason
                    item.save()
                    record_status_change(item, old_status, reason, request.user)
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


@admin.register(Initiative)
class InitiativeAdmin(PlanItemAdmin):
    inlines = (InitiativeResponsibilityInline, TargetInline)


@admin.register(CooperationProject)
class CooperationProjectAdmin(PlanItemAdmin):
    inlines = (ProjectResponsibilityInline, TargetInline)


@admin.register(Task)
class TaskAdmin(PlanItemAdmin, ImportExportTrackerAdmin):
    inlines = (TaskResponsibilityInline, TargetInline)
    resource_classes = (TaskResource,)
    main_fields = (*PlanItemAdmin.main_fields, "project", "initiative")
    editor_readonly_fields = (*PlanItemAdmin.editor_readonly_fields, "project", "initiative")
    autocomplete_fields = ("sources", "project", "initiative")

    def get_list_display(self, request):
        return (*super().get_list_display(request)[:4], "parent", *self.list_display[4:])

    @admin.display(description=_("supports"))
    def parent(self, task):
        return task.parent.code if task.parent else "—"
