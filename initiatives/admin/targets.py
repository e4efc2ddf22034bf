"""Targets, progress reports and the review queue; the logs kept beside them."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import audit, clock, permissions
from ..forms import ProgressReportForm, ReturnReportsForm, TargetForm
from ..models import (
    Member,
    ProgressReport,
    ReviewState,
    StatusChange,
    SubmittedReport,
    Target,
    display_name,
)
from ..resources import ProgressReportResource, TargetResource
from ..templatetags.figures import latest_figure, report_figure, target_figure
from .base import ImportExportTrackerAdmin, ScopedAdmin, TabularInline, is_possible_key
from .filters import ReportMemberFilter, ReportRoleFilter, TargetMemberFilter, TargetRoleFilter
from .items import as_of_note, format_progress
from .reporting import ReportFormMixin, TargetFacts
from .review import APPROVE, ReviewActionsMixin, ReviewPageMixin
from .revisions import RevisingAdminMixin


def url_for(model_name, view, *args):
    return reverse(f"admin:initiatives_{model_name}_{view}", args=args)


class ReportInline(TabularInline):
    """A target's reports, read-only here: each opens in its own form."""

    model = ProgressReport
    fk_name = "target"
    fields = ("as_of", "value", "qualifier", "member", "status", "source", "review_reason")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member", "source")


@admin.register(Target)
class TargetAdmin(RevisingAdminMixin, ImportExportTrackerAdmin):
    form = TargetForm
    resource_classes = (TargetResource,)
    list_display = (
        "code",
        "target_name",
        "item_code",
        "baseline_display",
        "target_display",
        "target_date",
        "latest",
        "progress_display",
        "is_headline",
    )
    list_filter = (
        "measure",
        "direction",
        TargetMemberFilter,
        TargetRoleFilter,
        "is_headline",
        "is_illustrative",
    )
    search_fields = ("code", "name_en", "name_zh")
    list_select_related = ("item", "source")
    ordering = ("code",)
    autocomplete_fields = ("source", "item")
    inlines = (ReportInline,)
    readonly_fields = ("latest", "progress_display", "report_link", "updated_at")
    fieldsets = (
        (None, {"fields": ("code", "item", *Target.NAME_FIELDS)}),
        (_("Measure"), {"fields": (*Target.MEASURE_FIELDS, "revision_reason")}),
        (_("Progress"), {"fields": ("latest", "progress_display", "report_link")}),
        (
            _("Publication"),
            {
                "fields": (
                    "source",
                    "is_headline",
                    "is_illustrative",
                    "position",
                    "updated_at",
                    "seen_version",
                )
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).with_progress()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + list(permissions.readonly_fields(request.user, Target))

    @admin.display(description=_("name"), ordering="name_en")
    def target_name(self, target):
        return target.name

    @admin.display(description=_("item"))
    def item_code(self, target):
        return target.item.code

    @admin.display(
        description=Target._meta.get_field("baseline_value").verbose_name,
        ordering="baseline_value",
    )
    def baseline_display(self, target):
        return target_figure(target, "baseline") or "—"

    @admin.display(
        description=Target._meta.get_field("target_value").verbose_name, ordering="target_value"
    )
    def target_display(self, target):
        return target_figure(target) or "—"

    @admin.display(description=_("latest approved value"), ordering="latest_as_of")
    def latest(self, target):
        if getattr(target, "latest_as_of", None) is None:
            return "—"
        return format_html("{} {}", latest_figure(target), as_of_note(target.latest_as_of))

    @admin.display(description=_("progress"), ordering="progress")
    def progress_display(self, target):
        return format_progress(getattr(target, "progress", None))

    @admin.display(description=_("report"))
    def report_link(self, target):
        if target.pk is None:
            return ""
        url = reverse("admin:initiatives_progressreport_add") + f"?target={target.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Report progress on this target"))


class ReportActionsMixin(ReviewActionsMixin):
    """Submit, approve and return, on the report list and the review queue."""

    @admin.action(description=_("Submit the selected reports for review"), permissions=["change"])
    def submit_reports(self, request, queryset):
        def submit(report):
            report.submit(request.user)

        done = self.take_step(request, queryset, permissions.EDITABLE_REPORT_STATES, submit)
        if done:
            self.message_user(
                request,
                ngettext("%(count)d report submitted.", "%(count)d reports submitted.", done)
                % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(description=_("Approve the selected reports"), permissions=["review"])
    def approve_reports(self, request, queryset):
        if "apply" not in request.POST:
            return self.confirmation_page(
                request,
                queryset,
                forms.Form(),
                "approve_reports",
                _("Approve reports"),
                _(
                    "Once approved, these reports count in every public figure, and they are "
                    "kept as the record: a correction is a new report."
                ),
            )

        def approve(report):
            report.approve(request.user)

        done = self.take_step(request, queryset, (ReviewState.SUBMITTED,), approve)
        audit.log("reports_approved", request, count=done)
        if done:
            self.message_user(
                request,
                ngettext("%(count)d report approved.", "%(count)d reports approved.", done)
                % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(
        description=_("Return the selected reports with a reason"), permissions=["review"]
    )
    def return_reports(self, request, queryset):
        form = ReturnReportsForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self.confirmation_page(
                request,
                queryset,
                form,
                "return_reports",
                _("Return reports"),
                _("The reporting member sees the reason and can correct and resubmit."),
            )
        reason = form.cleaned_data["reason"]

        def send_back(report):
            report.send_back(request.user, reason)

        done = self.take_step(request, queryset, (ReviewState.SUBMITTED,), send_back)
        audit.log("reports_returned", request, count=done, reason=reason)
        if done:
            self.message_user(
                request,
                ngettext("%(count)d report returned.", "%(count)d reports returned.", done)
                % {"count": done},
                messages.SUCCESS,
            )
        return None


class ReportColumnsMixin:
    list_select_related = ("target__item", "member", "source", "reported_by__staff_profile")

    @admin.display(description=_("target"), ordering="target__code")
    def target_code(self, report):
        return report.target.code

    @admin.display(description=_("item"))
    def item_code(self, report):
        return report.target.item.code

    @admin.display(description=_("value"), ordering="value")
    def figure(self, report):
        return report_figure(report, report.target) or "—"

    @admin.display(description=_("member"), ordering="member__position")
    def member_name(self, report):
        return report.member.name if report.member else _("the whole region")

    @admin.display(description=_("reported by"), ordering="reported_by__username")
    def reporter(self, report):
        return display_name(report.reported_by) or "—"

    @admin.display(description=_("reviewed by"))
    def reviewer(self, report):
        return display_name(report.reviewed_by) or "—"


@admin.register(ProgressReport)
class ProgressReportAdmin(
    ReportFormMixin, ReportActionsMixin, ReportColumnsMixin, ImportExportTrackerAdmin
):
    """Progress reports: the list, its actions, and the report form (admin/reporting.py)."""

    form = ProgressReportForm
    resource_classes = (ProgressReportResource,)
    list_display = (
        "target_code",
        "item_code",
        "figure",
        "as_of",
        "member_name",
        "status",
        "review_reason",
        "reporter",
    )
    list_filter = (
        "status",
        ReportMemberFilter,
        ReportRoleFilter,
        "member",
        "target__measure",
        "is_illustrative",
    )
    search_fields = ("target__code", "target__name_en", "target__name_zh", "narrative_en")
    ordering = ("-as_of", "-pk")
    date_hierarchy = "as_of"
    autocomplete_fields = ("source", "supersedes")
    actions = ("submit_reports", "approve_reports", "return_reports")
    workflow_fields = (
        "status",
        "review_reason",
        "reviewer",
        "reviewed_at",
        "submitted_at",
        "reporter",
        "updated_at",
    )

    def get_readonly_fields(self, request, obj=None):
        return (*self.workflow_fields, "correction") if obj is not None else ()

    @admin.display(description=_("correction"))
    def correction(self, report):
        if report.status != ReviewState.APPROVED or report.pk is None:
            return "—"
        url = reverse("admin:initiatives_progressreport_add") + f"?supersedes={report.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Correct this approved figure"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "supersedes":
            queryset = ProgressReport.objects.filter(status=ReviewState.APPROVED)
            kwargs["queryset"] = permissions.scope(request.user, queryset)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or permissions.may_edit_report(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or permissions.may_delete_report(request.user, obj))

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        corrected = self.corrected_report(request)
        if corrected is not None:
            for name in ("target", "member", "as_of", "value", "qualifier", "source"):
                value = getattr(corrected, f"{name}_id", None) or getattr(corrected, name)
                initial[name] = value
            initial["evidence_url"] = corrected.evidence_url
            initial["supersedes"] = corrected.pk
        initial.setdefault("as_of", clock.today())
        return initial

    def corrected_report(self, request):
        """The approved report named by `?supersedes=`, within the user's scope, or None."""
        key = request.GET.get("supersedes", "")
        if not (key.isascii() and key.isdigit()) or not is_possible_key(self.model, None, key):
            return None
        return (
            self.get_queryset(request)
            .filter(pk=key, status=ReviewState.APPROVED)
            .select_related("target")
            .first()
        )

    def save_model(self, request, obj, form, change):
        form.apply_workflow(request.user)
        super().save_model(request, obj, form, change)
        form.save_siblings(request.user)
        form.submit_if_asked(request.user)


@admin.register(SubmittedReport)
class SubmittedReportAdmin(ReviewPageMixin, ReportActionsMixin, ReportColumnsMixin, ScopedAdmin):
    """The review queue: submitted reports, oldest first, to approve or return, from the list
    or from each report's review page (admin/review.py)."""

    list_display = (
        "target_code",
        "item_code",
        "figure",
        "as_of",
        "member_name",
        "source",
        "evidence_url",
        "reporter",
        "submitted_at",
    )
    list_filter = (ReportMemberFilter, "target__measure")
    search_fields = ("target__code", "target__name_en", "target__name_zh")
    ordering = ("submitted_at", "pk")
    actions = ("approve_reports", "return_reports")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=ReviewState.SUBMITTED)

    def get_object(self, request, object_id, from_field=None):
        report = super().get_object(request, object_id, from_field)
        if report is not None:
            report = (
                type(report)
                .objects.select_related(
                    "target__item", "member", "source", "reported_by__staff_profile"
                )
                .get(pk=report.pk)
            )
        return report

    def review_record_exists(self, request, key):
        return permissions.scope(request.user, ProgressReport.objects.filter(pk=key)).exists()

    def review_gone(self, request, key):
        report = ProgressReport.objects.get(pk=key)
        return _("“%(report)s” is no longer waiting for review: it is %(state)s.") % {
            "report": report,
            "state": report.get_status_display().lower(),
        }

    def review_sections(self, request, report):
        target = report.target
        shown = ReportFacts(report)
        return [
            (
                None,
                [
                    (_("Target"), admin_link(request, target, str(target))),
                    (_("Item"), f"{target.item.code} {target.item.title}"),
                    (_("For"), report.member.name if report.member else _("the whole region")),
                    (label("as_of"), shown.date(report.as_of)),
                    (label("value"), report_figure(report, target)),
                    (label("reported_by"), display_name(report.reported_by) or "—"),
                    (label("submitted_at"), shown.moment(report.submitted_at)),
                ],
            ),
            (
                _("Against the target"),
                [
                    (_("Previous approved value"), shown.previous()),
                    (
                        _("Baseline"),
                        shown.dated(target_figure(target, "baseline"), target.baseline_date),
                    ),
                    (_("Target"), shown.dated(target_figure(target), target.target_date)),
                    (_("Progress published now"), shown.progress_now()),
                    (_("Progress with this value"), shown.progress_given()),
                ],
            ),
            (
                _("Source or evidence"),
                [
                    (label("source"), shown.source()),
                    (label("evidence_url"), external_link(report.evidence_url)),
                ],
            ),
            (
                _("Other members' latest approved values as of %(date)s")
                % {"date": shown.date(report.as_of)},
                shown.breakdown(),
            ),
            (
                _("Narrative and note"),
                [
                    (label("narrative_en"), report.narrative_en),
                    (label("narrative_zh"), report.narrative_zh),
                    (label("note"), report.note),
                    (
                        _("The report"),
                        format_html(
                            '<a href="{}">{}</a> · <a href="{}">{}</a>',
                            url_for("progressreport", "change", report.pk),
                            _("its form"),
                            url_for("progressreport", "history", report.pk),
                            _("its history"),
                        ),
                    ),
                ],
            ),
        ]

    def review_outcome(self, report, decision, reason):
        params = {
            "figure": report_figure(report),
            "date": formats.date_format(report.as_of),
            "target": report.target.code,
            "whom": report.member.name if report.member else _("the whole region"),
            "author": display_name(report.reported_by) or _("its author"),
        }
        if decision == APPROVE:
            return (
                _(
                    "Approving publishes %(figure)s as of %(date)s on %(target)s for %(whom)s: "
                    "from now on it counts in every public figure, and it is kept as the "
                    "record (a correction is a new report)."
                )
                % params
            )
        return (
            _(
                "Returning sends the report back to %(author)s with your reason: it does not "
                "count publicly, and can be corrected and submitted again."
            )
            % params
        )

    def review_success(self, report, decision):
        if decision == APPROVE:
            return _("“%(report)s” was approved: it now counts publicly.") % {"report": report}
        return _("“%(report)s” was returned with your reason.") % {"report": report}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return permissions.can_review(request.user) and super().has_view_permission(request, obj)

    def history_view(self, request, object_id, extra_context=None):
        """A queued report's history is the report's."""
        self._check_object(request, object_id)
        return HttpResponseRedirect(url_for("progressreport", "history", object_id))


def label(name):
    """A report field's label, as its form shows it."""
    return capfirst(ProgressReport._meta.get_field(name).verbose_name)


def admin_link(request, obj, text):
    """A link to the object's admin page, or the text alone for a user who may not open it."""
    opts = obj._meta
    if not request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
        return text
    return format_html('<a href="{}">{}</a>', url_for(opts.model_name, "change", obj.pk), text)


def external_link(address, text=None):
    if not address:
        return ""
    return format_html(
        '<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>', address, text or address
    )


class ReportFacts(TargetFacts):
    """What a reviewer compares a report with, each as the page shows it."""

    def __init__(self, report):
        super().__init__(report.target)
        self.report = report

    @staticmethod
    def moment(value):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else "—"

    def approved_before(self):
        """The approved reports on the target dated no later than this one, newest first."""
        return (
            ProgressReport.objects.approved()
            .filter(target=self.target, as_of__lte=self.report.as_of)
            .exclude(pk=self.report.pk)
            .select_related("member")
            .order_by("-as_of", "-pk")
        )

    def previous(self):
        previous = self.approved_before().filter(member=self.report.member_id).first()
        if previous is None:
            return _("none yet")
        return _("%(figure)s as of %(date)s") % {
            "figure": report_figure(previous, self.target),
            "date": self.date(previous.as_of),
        }

    def progress_given(self):
        """The progress this report's value gives the target."""
        return self.progress_with(self.report.value, self.report.milestone_reached)

    def source(self):
        source = self.report.source
        if source is None:
            return ""
        title = source.localized_title
        title = external_link(source.url, title) if source.url else title
        published = (
            self.date(source.published_on) if source.published_on else source.localized_date_note
        )
        return format_html("{} — {}, {}", title, source.localized_publisher, published)

    def breakdown(self):
        latest = {}
        others = self.approved_before().filter(member__isnull=False)
        if self.report.member_id:
            others = others.exclude(member=self.report.member_id)
        for report in others:
            latest.setdefault(report.member_id, report)
        rows = []
        for member in Member.objects.exclude(pk=self.report.member_id or 0):
            found = latest.get(member.pk)
            if found is None:
                rows.append((member.name, _("no approved value")))
            else:
                rows.append(
                    (
                        member.name,
                        _("%(figure)s as of %(date)s")
                        % {
                            "figure": report_figure(found, self.target),
                            "date": self.date(found.as_of),
                        },
                    )
                )
        return rows


class LogAdmin(ScopedAdmin):
    """Append-only logs written by the admin's own actions: read, never edited.

    Being never edited, their history is the admin's own log of additions."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StatusChange)
class StatusChangeAdmin(LogAdmin):
    list_display = (
        "item_code",
        "old_status",
        "new_status",
        "shown_reason",
        "changed_by",
        "changed_at",
    )
    # The reason in the admin's language: the English one is not shown beside its Chinese.
    fields = ("item", "old_status", "new_status", "shown_reason", "changed_by", "changed_at")
    readonly_fields = fields
    list_filter = ("new_status", "is_illustrative")
    list_select_related = ("item", "changed_by")
    search_fields = ("item__code", "reason", "reason_zh")
    date_hierarchy = "changed_at"

    @admin.display(description=_("reason"))
    def shown_reason(self, change):
        """The reason in the admin's language, where the record has it in both."""
        return change.localized_reason

    @admin.display(description=_("item"), ordering="item__code")
    def item_code(self, change):
        return change.item.code
