"""Revisions: the office's queue of proposed changes to dates and targets, and their record.

A revision is never edited: it is proposed from an item's or target's form, then approved or
returned here, by a reviewer other than its author.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import audit, permissions
from ..forms import ReturnRevisionsForm, RevisingForm
from ..models import ReviewState, Revision, RevisionToReview, Target, display_name
from ..templatetags.figures import latest_figure, revised_value
from .base import ScopedAdmin
from .review import APPROVE, ReviewActionsMixin, ReviewPageMixin

WAITING = (ReviewState.SUBMITTED,)


class RevisingAdminMixin:
    """For the admins of items and targets: a change to a governed field is proposed as a
    revision (and the user told so); the form's other edits save as usual."""

    def save_model(self, request, obj, form, change):
        if isinstance(form, RevisingForm) and form.is_revision():
            others = form.propose(request.user)
            self.message_user(request, proposed_message([form]), messages.WARNING)
            if not others and not self.other_step(form):
                return
        self.save_plain(request, obj, form, change)

    def other_step(self, form):
        """Whether saving the form takes a step besides a plain save (a status change)."""
        return False

    def save_plain(self, request, obj, form, change):
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if isinstance(inline_form, RevisingForm):
                inline_form.revised_by = request.user
        super().save_formset(request, form, formset, change)
        proposed = [f for f in formset.forms if getattr(f, "revision", None) is not None]
        if proposed:
            self.message_user(request, proposed_message(proposed), messages.WARNING)


def proposed_message(forms):
    return ngettext(
        "The change to %(fields)s is proposed for review: it takes effect, publicly, once "
        "another reviewer approves it.",
        "The changes to %(fields)s are proposed for review: they take effect, publicly, once "
        "another reviewer approves them.",
        len(forms),
    ) % {"fields": "; ".join(f"{form.instance.code}: {form.revised_labels()}" for form in forms)}


class RevisionColumns:
    list_select_related = (
        "item",
        "target",
        "proposed_by__staff_profile",
        "reviewed_by__staff_profile",
    )

    @admin.display(description=_("revised"), ordering="item__code")
    def subject_code(self, revision):
        return revision.target.code if revision.target_id else revision.item.code

    @admin.display(description=_("changes"))
    def changed_fields(self, revision):
        return "; ".join(
            f"{capfirst(name)}: {revised_value(old)} → {revised_value(new)}"
            for name, old, new in revision.lines()
        )

    @admin.display(description=_("proposed by"), ordering="proposed_by__username")
    def proposer(self, revision):
        return display_name(revision.proposed_by) or "—"

    @admin.display(description=_("reviewed by"), ordering="reviewed_by__username")
    def reviewer(self, revision):
        return display_name(revision.reviewed_by) or "—"


@admin.register(Revision)
class RevisionAdmin(RevisionColumns, ScopedAdmin):
    """Every revision, proposed, in effect or returned: the record, read only."""

    list_display = (
        "subject_code",
        "changed_fields",
        "shown_reason",
        "status",
        "proposer",
        "proposed_at",
        "reviewer",
    )
    list_filter = ("status", "item__plan", "is_illustrative")
    search_fields = ("item__code", "target__code", "reason", "reason_zh")
    date_hierarchy = "proposed_at"
    ordering = ("-proposed_at",)
    actions = ()
    fields = (
        "subject_code",
        "what_changes",
        "shown_reason",
        "status",
        "proposer",
        "proposed_at",
        "reviewer",
        "reviewed_at",
        "review_reason",
        "is_illustrative",
    )
    readonly_fields = fields

    @admin.display(description=_("reason"))
    def shown_reason(self, revision):
        """The reason in the admin's language, where the record has it in both."""
        return revision.localized_reason

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_review_permission(self, request):
        return permissions.can_review(request.user)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item__plan", "target")

    @admin.display(description=_("what changes"))
    def what_changes(self, revision):
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("field"),
            _("from"),
            _("to"),
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (capfirst(name), revised_value(old), revised_value(new))
                    for name, old, new in revision.lines()
                ),
            ),
        )


class RevisionActionsMixin(ReviewActionsMixin):
    """Approve (confirmed) and return (with a reason) from the queue's list; each refused to
    the revision's author by the model."""

    @admin.action(description=_("Approve the selected revisions"), permissions=["review"])
    def approve_revisions(self, request, queryset):
        if "apply" not in request.POST:
            return self.confirmation_page(
                request,
                queryset,
                forms.Form(),
                "approve_revisions",
                _("Approve revisions"),
                _(
                    "Once approved, the new values take effect: every public figure is measured "
                    "against them, and each revision is shown publicly with its reason."
                ),
            )
        done = self.take_step(
            request, queryset, WAITING, lambda revision: revision.approve(request.user)
        )
        audit.log("revisions_approved", request, count=done)
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d revision approved: it is in effect.",
                    "%(count)d revisions approved: they are in effect.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(
        description=_("Return the selected revisions with a reason"), permissions=["review"]
    )
    def return_revisions(self, request, queryset):
        form = ReturnRevisionsForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self.confirmation_page(
                request,
                queryset,
                form,
                "return_revisions",
                _("Return revisions"),
                _("Nothing changes; the author sees the reason and can propose again."),
            )
        reason = form.cleaned_data["reason"]
        done = self.take_step(
            request, queryset, WAITING, lambda revision: revision.send_back(request.user, reason)
        )
        audit.log("revisions_returned", request, count=done, reason=reason)
        if done:
            self.message_user(
                request,
                ngettext("%(count)d revision returned.", "%(count)d revisions returned.", done)
                % {"count": done},
                messages.SUCCESS,
            )
        return None


@admin.register(RevisionToReview)
class RevisionQueueAdmin(ReviewPageMixin, RevisionActionsMixin, RevisionColumns, ScopedAdmin):
    """The revisions waiting for review, oldest first; each one's page is its review page
    (admin/review.py)."""

    list_display = ("subject_code", "changed_fields", "reason", "proposer", "proposed_at")
    list_filter = ("item__plan",)
    search_fields = ("item__code", "target__code", "reason")
    ordering = ("proposed_at", "pk")
    actions = ("approve_revisions", "return_revisions")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(status=ReviewState.SUBMITTED)
            .select_related("item__plan", "target")
        )

    def review_record_exists(self, request, key):
        return permissions.scope(request.user, Revision.objects.filter(pk=key)).exists()

    def review_gone(self, request, key):
        revision = Revision.objects.get(pk=key)
        return _("“%(revision)s” is no longer waiting for review: it is %(state)s.") % {
            "revision": revision,
            "state": revision.get_status_display().lower(),
        }

    def review_sections(self, request, revision):
        subject = revision.subject
        item = revision.item
        facts = [
            (_("Revised"), str(subject)),
            (_("Item"), f"{item.code} {item.title}"),
            (_("Proposed by"), display_name(revision.proposed_by) or "—"),
            (_("Proposed at"), localize(timezone.localtime(revision.proposed_at))),
            (_("Reason"), revision.reason),
        ]
        changes = [
            (
                capfirst(name),
                _("%(old)s → %(new)s") % {"old": revised_value(old), "new": revised_value(new)},
            )
            for name, old, new in revision.lines()
        ]
        sections = [(None, facts), (_("What changes"), changes)]
        if isinstance(subject, Target):
            target = Target.objects.with_progress().get(pk=subject.pk)
            latest = latest_figure(target) if target.latest_as_of else _("No approved report yet")
            progress = "—" if target.progress is None else f"{target.progress:.0f}%"
            sections.append(
                (
                    _("The figures"),
                    [
                        (_("Latest approved value"), latest),
                        (_("Progress published now"), progress),
                        (_("Progress once approved"), progress_with(revision, target)),
                    ],
                )
            )
        public = subject.get_absolute_url()
        sections.append(
            (_("Public page"), [(_("Page"), format_html('<a href="{}">{}</a>', public, public))])
        )
        return sections

    def review_outcome(self, revision, decision, reason):
        if decision == APPROVE:
            return _(
                "The new values take effect now: every public figure is measured against them, "
                "and the revision is shown publicly with its reason."
            )
        return _("Nothing changes; the author sees your reason and can propose again.")


class WhatIf(Exception):
    pass


def progress_with(revision, target):
    """The target's published progress as it would be with the revision's values: worked out
    by the database's own rule (models/progress.py) inside a transaction that is rolled back."""
    values = {}
    for name, (_old, new) in revision.changes.items():
        field = Target._meta.get_field(name)
        values[name] = field.to_python(new) if new is not None else (None if field.null else "")
    result = {}
    try:
        with transaction.atomic():
            Target.objects.filter(pk=target.pk).update(**values)
            result["progress"] = Target.objects.with_progress().get(pk=target.pk).progress
            raise WhatIf
    except WhatIf:
        pass
    except (DatabaseError, ValidationError):
        return "—"
    progress = result.get("progress")
    return "—" if progress is None else f"{progress:.0f}%"
