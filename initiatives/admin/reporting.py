"""Reporting progress on a target: the report form of the admin, and the facts a report is
read against, which the office's review page shows too (admin/targets.py, ReportFacts).

A report is on one target, so the add page first asks which one (the targets in the user's
scope, grouped by item, searchable) unless its address names it: `?target=`, or
`?supersedes=` for a correction. The form then shows the target's terms and latest approved
figures above its fields, the progress the value being typed would give beside the value,
only the fields the target's measure takes, and two plain buttons, "Save as draft" and
"Submit for review" (which calls report.submit()).

The progress beside the value is asked of the server as it is typed (static/js/report_form.js:
the site's policy allows no inline script). The server evaluates the rule of
models/progress.py in SQL, as for every published figure, rather than the page keeping a
second copy of the rule in JavaScript that could drift from it.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import DecimalField, F, Q, Value
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import permissions
from ..forms import FiniteDecimalField, sharing_members
from ..models import Measure, ProgressReport, ReviewState, Target, progress
from ..templatetags.figures import report_figure, target_figure
from .base import is_possible_key
from .items import format_progress

# How a value typed in the form is read: as the form's own field reads it.
TYPED_VALUE = FiniteDecimalField(max_digits=20, decimal_places=4, required=False)


class TargetFacts:
    """What a report on a target is read against, each as the page shows it: the target's
    terms, its latest approved figures, and the progress a value gives."""

    def __init__(self, target):
        self.target = target

    @staticmethod
    def date(value):
        return formats.date_format(value) if value else "—"

    def dated(self, figure, day):
        if not figure:
            return "—"
        if day is None:
            return figure
        return _("%(figure)s (%(date)s)") % {"figure": figure, "date": self.date(day)}

    def terms(self):
        """(label, text) rows: the measure, and for a number its unit, baseline and target."""
        target = self.target
        if not target.is_numeric:
            return [
                (_("Measure"), target.get_measure_display()),
                (
                    capfirst(Target._meta.get_field("target_date").verbose_name),
                    self.date(target.target_date),
                ),
            ]
        return [
            (
                _("Measure"),
                _("%(measure)s, %(direction)s")
                % {
                    "measure": target.get_measure_display(),
                    "direction": target.get_direction_display().lower(),
                },
            ),
            (_("Unit"), target.unit or "—"),
            (_("Baseline"), self.dated(target_figure(target, "baseline"), target.baseline_date)),
            (_("Target"), self.dated(target_figure(target), target.target_date)),
        ]

    def latest_approved(self, members=()):
        """The latest approved figure on the target, whatever its date: {None: the whole
        region's, member pk: that member's} for each of `members` that has one."""
        keys = [member.pk for member in members]
        reports = (
            ProgressReport.objects.approved()
            .filter(target=self.target)
            .filter(Q(member__isnull=True) | Q(member__in=keys))
            .order_by("-as_of", "-pk")
            .only("pk", "member", "as_of", "value", "qualifier", "milestone_reached")
        )
        latest = {}
        for report in reports:
            latest.setdefault(report.member_id, report)
        return latest

    def figure_as_of(self, report):
        if report is None:
            return _("none yet")
        return _("%(figure)s as of %(date)s") % {
            "figure": report_figure(report, self.target),
            "date": self.date(report.as_of),
        }

    def progress_now(self):
        target = Target.objects.with_progress().get(pk=self.target.pk)
        if target.latest_as_of is None:
            return _("none yet")
        return _("%(progress)s as of %(date)s") % {
            "progress": format_progress(target.progress),
            "date": self.date(target.latest_as_of),
        }

    def progress_with(self, value, reached=False):
        """The progress a report of `value` (for a milestone: `reached`) gives the target, by
        the rule of models/progress.py, evaluated in SQL as for the published figures."""
        number = Value(value, output_field=DecimalField(max_digits=20, decimal_places=4))
        found = (
            Target.objects.filter(pk=self.target.pk)
            .annotate(
                p=progress.report_percent(F, number, Value(bool(reached))),
                x=progress.report_exceeded(F, number),
            )
            .values("p", "x")
            .get()
        )
        if found["p"] is None:
            return _("none: the target has no target value") if self.target.is_numeric else "—"
        text = format_progress(found["p"])
        return _("%(progress)s, target exceeded") % {"progress": text} if found["x"] else text

    def progress_typed(self, typed, reached=False):
        """What the form says beside the value field for what is typed in it (or, for a
        milestone, whether "reached" is ticked)."""
        value = None
        if self.target.is_numeric:
            try:
                value = TYPED_VALUE.clean(typed)
            except ValidationError as error:
                return " ".join(error.messages)
            if value is None:
                return _("Enter the value reached to see the progress it would give.")
            if self.target.measure == Measure.PERCENTAGE and not 0 <= value <= 100:
                return _("A percentage lies between 0 and 100.")
        return _("Progress with this report: %(progress)s") % {
            "progress": self.progress_with(value, reached)
        }


class ReportFormMixin:
    """The report form of ProgressReportAdmin (see the module's docstring)."""

    choose_target_template = "admin/initiatives/progressreport/choose_target.html"

    def get_urls(self):
        preview = path(
            "progress/",
            self.admin_site.admin_view(self.progress_preview),
            name="initiatives_progressreport_progress",
        )
        return [preview, *super().get_urls()]

    # The target the page reports on.

    def report_target(self, request, obj=None):
        """The report's target; on the add page, the one posted, or named by `?target=` or
        by the report `?supersedes=` corrects, within the user's scope; None when none is."""
        if obj is not None:
            return obj.target
        if not hasattr(request, "_report_target"):
            request._report_target = self.asked_target(request)
        return request._report_target

    def asked_target(self, request):
        if request.method == "POST":
            return self.scoped_target(request, request.POST.get("target", ""))
        corrected = self.corrected_report(request)
        if corrected is not None:
            return corrected.target
        return self.scoped_target(request, request.GET.get("target", ""))

    def scoped_target(self, request, key):
        if not is_possible_key(Target, None, key):
            return None
        targets = permissions.scope(request.user, Target.objects.filter(pk=key))
        return targets.select_related("item").first()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "target":
            # Chosen before the form opens, and shown above it: carried, not edited here.
            kwargs["widget"] = forms.HiddenInput
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "supersedes" and formfield is not None:
            # The report corrected is an approved one: viewed from here, never added, changed
            # or deleted.
            widget = formfield.widget
            widget.can_add_related = widget.can_change_related = widget.can_delete_related = False
        return formfield

    # The form: the fields that fit the target.

    def build_fieldsets(self, request, obj=None):
        target = self.report_target(request, obj)
        if target is None:  # a page naming no target it may use: every field, and the error
            figure = ["value", "qualifier", "milestone_reached"]
        elif target.is_numeric:
            figure = ["value", "qualifier"]
        else:
            figure = ["milestone_reached"]
        fieldsets = []
        if obj is not None:
            fieldsets.append((_("Review"), {"fields": (*self.workflow_fields, "correction")}))
        corrects = "supersedes" in request.GET or (obj is not None and obj.supersedes_id)
        fieldsets += [
            (None, {"fields": ["target", "as_of", *figure]}),
            (
                _("Correction of an approved figure"),
                {
                    "fields": ["supersedes", "correction_reason"],
                    "classes": [] if corrects else ["collapse"],
                    "description": _(
                        "An approved report is never edited: to correct it, name it here and "
                        "say why. Once approved, this report takes its place publicly."
                    ),
                },
            ),
            (
                _("Source or evidence"),
                {
                    "fields": ["source", "evidence_url"],
                    "description": _("Published with the figure once the report is approved."),
                },
            ),
            (
                _("Narrative and note"),
                {
                    "fields": ["narrative_en", "narrative_zh", "note"],
                    # A milestone's progress is told in words: its narrative is not tucked away.
                    "classes": [] if target is not None and not target.is_numeric else ["collapse"],
                },
            ),
            self.breakdown_fieldset(target, obj),
            (None, {"fields": ["seen_version"]}),
        ]
        return fieldsets

    def breakdown_fieldset(self, target, obj):
        members = sharing_members(target)
        breakdown = []
        if obj is None and target is not None and target.is_numeric:
            breakdown = [f"breakdown_{member.slug}" for member, _role in members]
        lines = []
        if breakdown:
            lines.append(
                _(
                    "Either name the member this figure is for, or leave it empty and give "
                    "each member's part: each part is saved as a report of its own."
                )
            )
        if members:
            who = ", ".join(
                _("%(member)s (%(role)s)") % {"member": member.name, "role": role}
                for member, role in members
            )
            lines.append(
                _("Listed: the members who share %(item)s, its lead and co-leads: %(who)s.")
                % {"item": target.item.code, "who": who}
            )
        options = {"fields": ["member", *breakdown], "classes": ["collapse"]}
        if lines:
            options["description"] = format_html_join(
                mark_safe("<br>"), "{}", ((line,) for line in lines)
            )
        return (_("Breakdown by member (optional)"), options)

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The breakdown fields are made by the form itself, one per member sharing the item.
        fields = kwargs.get("fields")
        if fields is None:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        kwargs["fields"] = [name for name in fields if not name.startswith("breakdown_")]
        form = super().get_form(request, obj, change, **kwargs)
        # The form is told its target: its unit, the members sharing it, the breakdown.
        return type(form.__name__, (form,), {"report_target": self.report_target(request, obj)})

    # The add page asks for the target first.

    def add_view(self, request, form_url="", extra_context=None):
        asks = request.method != "POST" and self.has_add_permission(request)
        if asks and self.report_target(request) is None:
            return self.choose_target(request)
        return super().add_view(request, form_url, extra_context)

    def choose_target(self, request):
        """The targets the user may report on, by plan and item; `?q=` finds them by code,
        name or item, in either language."""
        if "target" in request.GET or "supersedes" in request.GET:
            self.message_user(
                request,
                _("That address names no target you report on: choose one below."),
                messages.WARNING,
            )
        query = request.GET.get("q", "").strip()
        targets = permissions.scope(request.user, Target.objects.all())
        if query:
            targets = targets.filter(
                Q(code__icontains=query)
                | Q(name_en__icontains=query)
                | Q(name_zh__icontains=query)
                | Q(item__code__icontains=query)
                | Q(item__title_en__icontains=query)
                | Q(item__title_zh__icontains=query)
            )
        targets = list(
            targets.with_progress()
            .select_related("item__plan")
            .order_by(
                "-item__plan__is_current",
                "-item__plan__start_date",
                "item__code",
                "position",
                "code",
            )
        )
        found = ngettext("%(count)d target.", "%(count)d targets.", len(targets)) % {
            "count": len(targets)
        }
        context = {
            **self.admin_site.each_context(request),
            "title": _("Report progress: on which target?"),
            "opts": self.opts,
            "targets": targets,
            "query": query,
            "found": found,
            "add_url": reverse("admin:initiatives_progressreport_add"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.choose_target_template, context)

    # The page around the form: the target's facts, the progress a value gives, two buttons.

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        target = self.report_target(request, obj)
        if add:
            editable = self.has_add_permission(request)
        else:
            editable = self.has_change_permission(request, obj)
        context["report_target"] = target
        context["choose_target_url"] = None
        if add and "supersedes" not in request.GET:
            context["choose_target_url"] = reverse("admin:initiatives_progressreport_add")
        if target is not None:
            facts = TargetFacts(target)
            context["target_facts"] = self.target_rows(facts)
            if editable:
                self.show_progress_typed(context["adminform"].form, facts)
        context["report_buttons"] = self.report_buttons(obj) if editable else None
        return super().render_change_form(request, context, add, change, form_url, obj)

    def target_rows(self, facts):
        target = facts.target
        members = sharing_members(target)
        latest = facts.latest_approved([member for member, _role in members])
        rows = [(_("Item"), f"{target.item.code} {target.item.title}"), *facts.terms()]
        rows.append((_("Latest approved, whole region"), facts.figure_as_of(latest.get(None))))
        for member, _role in members:
            rows.append(
                (
                    _("Latest approved, %(member)s") % {"member": member.name},
                    facts.figure_as_of(latest.get(member.pk)),
                )
            )
        rows.append((_("Progress published now"), facts.progress_now()))
        return rows

    def show_progress_typed(self, form, facts):
        """Say beside the value (or the milestone's box) what progress it would give; the
        page's script asks again as it changes (static/js/report_form.js)."""
        name = "value" if facts.target.is_numeric else "milestone_reached"
        if name not in form.fields:
            return
        bound = form[name]
        if facts.target.is_numeric:
            text = facts.progress_typed(bound.value())
        else:
            text = facts.progress_typed(None, bool(bound.value()))
        # A bound field copies its field's help text when it is made, as this one just was.
        bound.help_text = form.fields[name].help_text = format_html(
            '<output id="report-progress" for="{}" aria-live="polite" data-url="{}" '
            'data-target="{}">{}</output>',
            bound.id_for_label,
            reverse("admin:initiatives_progressreport_progress"),
            facts.target.pk,
            text,
        )

    def report_buttons(self, obj):
        """The buttons at the foot of an editable form: a save that leaves the report where it
        is ("draft" label) and, while it may be, "Submit for review"."""
        if obj is None or obj.status == ReviewState.DRAFT:
            return {"draft": _("Save as draft"), "submit": True}
        if obj.status == ReviewState.RETURNED:
            return {"draft": _("Save without submitting"), "submit": True}
        return {"draft": _("Save changes"), "submit": False}

    def progress_preview(self, request):
        """GET ?target=&value= (or &reached=1): JSON {"text"}, the sentence the form shows
        beside the value field for that entry."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        target = self.scoped_target(request, request.GET.get("target", ""))
        if target is None:
            return JsonResponse({"text": str(_("No such target."))}, status=404)
        facts = TargetFacts(target)
        text = facts.progress_typed(request.GET.get("value", ""), request.GET.get("reached") == "1")
        return JsonResponse({"text": str(text)})

    # What the page says once saved.

    def response_add(self, request, obj, post_url_continue=None):
        if self.saved_plainly(request):
            self.message_user(request, self.saved_message(request, obj), messages.SUCCESS)
            return self.response_post_save_add(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if self.saved_plainly(request):
            self.message_user(request, self.saved_message(request, obj), messages.SUCCESS)
            return self.response_post_save_change(request, obj)
        return super().response_change(request, obj)

    @staticmethod
    def saved_plainly(request):
        """Saved by one of the form's two buttons (or an old-style "Save"), not "Save and
        continue", "Save and add another", "Save as new" or a popup."""
        others = ("_continue", "_addanother", "_saveasnew", IS_POPUP_VAR)
        return not any(name in request.POST for name in others)

    @staticmethod
    def saved_message(request, report):
        params = {"report": report}
        if report.status == ReviewState.SUBMITTED and "submit_for_review" in request.POST:
            return (
                _(
                    "“%(report)s” was submitted for review: the regional cooperation office "
                    "reviews it before it counts publicly."
                )
                % params
            )
        if report.status == ReviewState.DRAFT:
            return (
                _(
                    "“%(report)s” was saved as a draft: it is not sent for review until you "
                    "submit it."
                )
                % params
            )
        if report.status == ReviewState.RETURNED:
            return (
                _("“%(report)s” was saved and is still returned: submit it when it is ready.")
                % params
            )
        return _("“%(report)s” was saved.") % params
