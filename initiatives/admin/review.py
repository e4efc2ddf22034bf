"""The review page: one record waiting for the office, the facts to judge it by, and the
two decisions, Approve and Return (with a reason), each confirmed before it is taken.

The page works without scripts: each button posts (with the CSRF token and the version the
reviewer saw, initiatives/locking.py) to a confirmation step saying what will happen, whose
button posts again to take the step. Then the reviewer goes on to the next record in the
queue, or back to the queue when none is left.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .. import caching, locking, permissions
from .base import is_possible_key

APPROVE, RETURN = "approve", "return"


class ReviewActionsMixin:
    """What the list actions of a queue share (reports, revisions): who may decide, and
    taking one step for each selected record, all or nothing."""

    def has_review_permission(self, request):
        return permissions.can_review(request.user)

    def take_step(self, request, queryset, allowed_states, step):
        """Take `step` (a record's method, e.g. approve) for each selected record in one of
        `allowed_states`, in one transaction with the version check; the number taken, or 0
        when any refused (and then nothing changed)."""
        using = router.db_for_write(queryset.model)
        try:
            with caching.one_bump(using), transaction.atomic(using=using):
                if self.refuse_stale(request, queryset):
                    return 0
                records = [record for record in queryset if record.status in allowed_states]
                skipped = len(queryset) - len(records)
                for record in records:
                    step(record)
        except ValidationError as error:
            self.message_user(
                request,
                _("Nothing was changed: “%(record)s”: %(error)s")
                % {"record": record, "error": " ".join(error.messages)},
                messages.ERROR,
            )
            return 0
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d selected record was left alone: it is not in a state for this.",
                    "%(count)d selected records were left alone: they are not in a state for this.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
        return len(records)


class ReviewDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[(APPROVE, gettext_lazy("Approve")), (RETURN, gettext_lazy("Return"))]
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for returning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=gettext_lazy("Required to return: the author sees it and acts on it."),
    )
    seen_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        data["reason"] = (data.get("reason") or "").strip()
        if data.get("decision") == RETURN and not data["reason"]:
            self.add_error("reason", _("Say why it is returned: the author acts on the reason."))
        return data


class ReviewPageMixin:
    """Make a ModelAdmin's change page the review page of the record (ScopedAdmin first).

    The records have `version`, `approve(by)` and `send_back(by, reason)`, which raise
    ValidationError when the step is not allowed. The admin's `get_queryset` is the queue:
    only the records waiting, in the user's scope, and its `ordering` is the queue's order;
    `has_review_permission(request)` says who may decide. To reuse it (for a revision of an
    item's dates or of a target, say: `get_queryset` filtered to those waiting, `ordering =
    ("proposed_at", "pk")`), put it first among the admin's bases and write:

    - `review_sections(request, obj)`: the facts, as [(heading or None, [(label, value)])];
      a value is text, or HTML made safe with format_html;
    - `review_outcome(obj, decision, reason)`: one sentence saying what the step will do;
    - optionally `review_success(obj, decision)`, the message once done,
      `review_gone(request, key)`, the message for a record no longer waiting, and
      `review_record_exists(request, key)`, whether the key names one the user may see.

    The template, admin/initiatives/review.html, knows nothing of the model.
    SubmittedReportAdmin (admin/targets.py) is the example.
    """

    review_template = "admin/initiatives/review.html"

    def review_sections(self, request, obj):
        raise NotImplementedError

    def review_outcome(self, obj, decision, reason):
        raise NotImplementedError

    def review_success(self, obj, decision):
        if decision == APPROVE:
            return _("“%(object)s” was approved.") % {"object": obj}
        return _("“%(object)s” was returned with your reason.") % {"object": obj}

    def review_gone(self, request, key):
        return _("That record is no longer waiting for review.")

    def review_record_exists(self, request, key):
        """Whether `key` names a record the user may see, waiting or not."""
        return permissions.scope(request.user, self.model._default_manager.filter(pk=key)).exists()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        key = unquote(object_id)
        if not is_possible_key(self.model, None, key):
            raise Http404(_("No such record."))
        obj = self.get_object(request, key)
        if obj is None:
            if not self.review_record_exists(request, key):
                raise Http404(_("No such record."))
            # Approved or returned meanwhile: the queue holds only what waits.
            self.message_user(request, self.review_gone(request, key), messages.WARNING)
            return HttpResponseRedirect(self.queue_url())
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        may_review = self.has_review_permission(request)
        if request.method != "POST":
            form = ReviewDecisionForm(initial={"seen_version": obj.version})
            return self.review_page(request, obj, form, may_review)
        if not may_review:
            raise PermissionDenied
        form = ReviewDecisionForm(request.POST)
        if not form.is_valid():
            return self.review_page(request, obj, form, may_review)
        stale = locking.conflict_message(obj, form.cleaned_data["seen_version"])
        if stale:
            return self.refused(request, obj, stale)
        if not form.cleaned_data["confirmed"]:
            return self.review_page(request, obj, form, may_review, confirm=form.cleaned_data)
        return self.take_decision(request, obj, form.cleaned_data)

    def take_decision(self, request, obj, data):
        following = self.following(request, obj)
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                stale = locking.conflict_message(obj, data["seen_version"])  # locks the row
                if stale:
                    raise ValidationError(stale)
                if data["decision"] == APPROVE:
                    obj.approve(by=request.user)
                else:
                    obj.send_back(request.user, data["reason"])
        except ValidationError as error:
            obj.refresh_from_db()
            return self.refused(request, obj, " ".join(error.messages))
        self.message_user(request, self.review_success(obj, data["decision"]), messages.SUCCESS)
        if following is None:
            return HttpResponseRedirect(self.queue_url())
        return HttpResponseRedirect(self.change_url(following))

    def refused(self, request, obj, message):
        """Back on the page, as it is now, with why the step was not taken."""
        self.message_user(request, message, messages.ERROR)
        form = ReviewDecisionForm(initial={"seen_version": obj.version})
        return self.review_page(request, obj, form, True)

    def following(self, request, obj):
        """The key of the record after `obj` in the queue's order (in the user's scope), else
        of the first one before it: what is left to review once `obj` is done; None if none."""
        ordering = self.get_ordering(request) or ("pk",)
        keys = list(self.get_queryset(request).order_by(*ordering).values_list("pk", flat=True))
        if obj.pk not in keys:
            return keys[0] if keys else None
        place = keys.index(obj.pk)
        rest = keys[place + 1 :] + keys[:place]
        return rest[0] if rest else None

    def queue_url(self):
        opts = self.model._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_changelist",
            current_app=self.admin_site.name,
        )

    def change_url(self, key):
        opts = self.model._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=[key],
            current_app=self.admin_site.name,
        )

    def review_page(self, request, obj, form, may_review, confirm=None):
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": _("Review %(object)s") % {"object": obj},
            "object": obj,
            "opts": opts,
            "sections": self.review_sections(request, obj),
            "form": form,
            "may_review": may_review,
            "confirm": confirm,
            "outcome": (
                self.review_outcome(obj, confirm["decision"], confirm["reason"])
                if confirm
                else None
            ),
            "approve": APPROVE,
            "return": RETURN,
            "queue_url": self.queue_url(),
            "media": self.media + form.media,
            "has_permission": True,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.review_template, context)
