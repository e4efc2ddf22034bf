"""Admin forms: version checks, reasons for status changes and target revisions, reports."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import locking
from .models import (
    Member,
    ProgressReport,
    Responsibility,
    ReviewState,
    Role,
    Status,
)


class FiniteDecimalField(forms.DecimalField):
    """A number that is a number: "NaN", "sNaN" and "Infinity" are refused as they are read.

    Django's field reads them and refuses them later, but first compares them with the
    initial value to see what changed, and comparing a signalling NaN raises (a 500).
    """

    def to_python(self, value):
        number = super().to_python(value)
        if number is not None and not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class VersionedForm(forms.ModelForm):
    """Carries the version a record was loaded at, and refuses a change made from an old one."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["seen_version"].initial = self.instance.version

    def has_changed(self):
        return any(name != "seen_version" for name in self.changed_data)

    def _post_clean(self):
        super()._post_clean()
        # A form showing only some fields (a list row) skips the constraints on the others;
        # check them all, so that the database never has to refuse the row.
        if self.errors:
            return
        try:
            self.instance.validate_constraints()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is not None and self.has_changed():
            seen = self.cleaned_data.get("seen_version")
            message = locking.conflict_message(self.instance, seen)
            if message:
                raise ValidationError(message, code="stale")
        return cleaned_data


class RevisingForm(VersionedForm):
    """A form on a record whose terms change only by a reviewed revision (models/revisions.py).

    A change to a governed field needs a reason; saving records it as a revision waiting for
    review and saves the form's other edits as usual. The admin sets `revised_by`.
    """

    revision_reason = forms.CharField(
        label=_("Reason for the revision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Required when a date, baseline, target, measure, direction or unit changes: the "
            "change waits for the office's review and is shown publicly with this reason once "
            "approved."
        ),
    )
    revised_by = None

    def revised_fields(self):
        if self.instance.pk is None:
            return []
        governed = self._meta.model.GOVERNED_FIELDS
        return [name for name in self.changed_data if name in governed]

    def is_revision(self):
        return bool(self.revised_fields())

    def clean(self):
        cleaned_data = super().clean()
        if self.is_revision() and not self.given_revision_reason():
            self.add_error(
                "revision_reason" if "revision_reason" in self.fields else None,
                _("Say why %(fields)s change: the change is kept as a revision for review.")
                % {"fields": self.revised_labels()},
            )
        return cleaned_data

    def revised_labels(self):
        field = self._meta.model._meta.get_field
        return ", ".join(str(field(name).verbose_name) for name in self.revised_fields())

    def given_revision_reason(self):
        return (self.cleaned_data.get("revision_reason") or "").strip()

    def propose(self, by):
        """Record the governed changes as a revision for review (the instance goes back to the
        values in effect); True when the form changed anything else, to be saved as usual."""
        self.revision = self.instance.propose_revision(self.given_revision_reason(), by)
        governed = set(self._meta.model.GOVERNED_FIELDS) | FORM_ONLY_FIELDS
        return any(name not in governed for name in self.changed_data)

    def save(self, commit=True):
        """Propose the governed changes, then save whatever else the form changed."""
        if not (commit and self.is_revision()):
            return super().save(commit)
        if self.propose(self.revised_by):
            self.instance.save()
        self._save_m2m()
        return self.instance


# Form fields that are not model fields: shown only to a user who may save the form.
FORM_ONLY_FIELDS = {"seen_version", "status_reason", "revision_reason", "submit_for_review"}


class PlanItemForm(RevisingForm):
    status_reason = forms.CharField(
        label=_("Reason for the status change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the status changes; shown in the public status history."),
    )

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is not None and "status" in self.changed_data:
            if not (cleaned_data.get("status_reason") or "").strip():
                self.add_error("status_reason", _("Say why the status changes."))
        return cleaned_data

    def status_changed(self):
        """Whether this form moves a saved item to another status."""
        return (
            self.instance.pk is not None
            and "status" in self.changed_data
            and (self.initial.get("status") or "") != self.instance.status
        )

    def reason(self):
        return (self.cleaned_data.get("status_reason") or "").strip()


def measure_misfits(target):
    """A message when the target's reports would not fit its (changed) measure, else None."""
    return target.report_misfits()


class TargetForm(RevisingForm):
    def clean(self):
        cleaned_data = super().clean()
        if "measure" in self.changed_data and self.instance.pk is not None:
            self.instance.measure = cleaned_data.get("measure")
            message = measure_misfits(self.instance)
            if message:
                self.add_error("measure", message)
        return cleaned_data


def plain_number(value):
    """A decimal without the zeros its column pads it with, and never in exponent form."""
    number = value.normalize()
    return number.quantize(Decimal(1)) if number == number.to_integral() else number


def sharing_members(target):
    """The members responsible for the target's item (its lead, then its co-leads), each with
    its role: the members a figure on the target is broken down by."""
    if target is None:
        return []
    shares = Responsibility.objects.filter(item=target.item_id).select_related("member")
    shares = sorted(shares, key=lambda share: (share.role != Role.LEAD, share.member.position))
    return [(share.member, share.get_role_display()) for share in shares]


class ProgressReportForm(VersionedForm):
    """A report on one target: value, date, source or evidence; optionally one figure for each
    member sharing the target's item.

    The admin sets `report_target`, the target the page reports on (None when the page names
    none it may report on), and shows only the fields its measure takes. The per-member
    figures (on a new report on a numeric target) are saved as sibling reports for the same
    target and date, each with its member set. `submit_for_review` is set by the form's
    "Submit for review" button; it is not a field on the page.
    """

    report_target = None

    submit_for_review = forms.BooleanField(label=_("Submit for review"), required=False)

    class Meta:
        model = ProgressReport
        fields = [
            "target",
            "as_of",
            "value",
            "qualifier",
            "milestone_reached",
            "source",
            "evidence_url",
            "member",
            "narrative_en",
            "narrative_zh",
            "note",
            "supersedes",
            "correction_reason",
        ]
        help_texts = {
            "narrative_en": _(
                "Published once the report is approved: on the item's page, in the updates "
                "and their feed, and in the data; on the Chinese pages too while there is no "
                "Chinese narrative."
            ),
            "narrative_zh": _("Published on the Chinese pages once the report is approved."),
            "note": _(
                "Internal: seen only here, by the office and the editors of the item. Never "
                "published."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.siblings = []
        self.breakdown_fields = {}
        target = self.report_target
        members = sharing_members(target)
        if "member" in self.fields and target is not None:
            keys = [member.pk for member, _role in members] + [self.instance.member_id]
            self.fields["member"].queryset = Member.objects.filter(pk__in=keys)
        if "value" in self.fields and target is not None and target.unit:
            self.fields["value"].label = _("Value, in %(unit)s") % {"unit": target.unit}
        if self.instance.value is not None:
            self.initial["value"] = plain_number(self.instance.value)  # 92, not 92.0000
        if self.instance.pk is None and target is not None and target.is_numeric:
            for member, role in members:
                name = f"breakdown_{member.slug}"
                self.fields[name] = FiniteDecimalField(
                    label=_("Figure for %(member)s (%(role)s)")
                    % {"member": member.name, "role": role},
                    required=False,
                    max_digits=20,
                    decimal_places=4,
                    help_text=_("Optional: this member's part of the figure."),
                )
                self.breakdown_fields[name] = member

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("submit_for_review"):
            if self.instance.pk is not None and self.instance.status not in (
                ReviewState.DRAFT,
                ReviewState.RETURNED,
            ):
                raise ValidationError(_("Only a draft or a returned report can be submitted."))
            if not (cleaned_data.get("source") or cleaned_data.get("evidence_url")):
                self.add_error(
                    "source",
                    _("Cite a source or link to the evidence before submitting the report."),
                )
        self.siblings = self._clean_breakdown(cleaned_data)
        return cleaned_data

    def _clean_breakdown(self, cleaned_data):
        siblings = []
        for name, member in self.breakdown_fields.items():
            value = cleaned_data.get(name)
            if value is None:
                continue
            if cleaned_data.get("member"):
                self.add_error(
                    name,
                    _("A breakdown goes with a figure for the whole target: leave Member empty."),
                )
                continue
            sibling = ProgressReport(
                target=cleaned_data.get("target"),
                as_of=cleaned_data.get("as_of"),
                value=value,
                qualifier=cleaned_data.get("qualifier") or "",
                member=member,
                source=cleaned_data.get("source"),
                evidence_url=cleaned_data.get("evidence_url") or "",
            )
            try:
                sibling.full_clean(exclude=["target", "as_of", "uuid"])
            except ValidationError as error:
                for message in error.messages:
                    self.add_error(name, message)
                continue
            siblings.append(sibling)
        return siblings

    def apply_workflow(self, user):
        """Set the reporter on a new report."""
        report = self.instance
        if report.pk is None:
            report.reported_by = user

    def submit_if_asked(self, user):
        """Submit the saved report and its members' figures through report.submit()."""
        if self.cleaned_data.get("submit_for_review"):
            for report in (self.instance, *self.siblings):
                report.submit(user)

    def save_siblings(self, user):
        for sibling in self.siblings:
            sibling.target = self.instance.target
            sibling.as_of = self.instance.as_of
            sibling.narrative_en = sibling.narrative_en or ""
            sibling.reported_by = user
            sibling.status = ReviewState.DRAFT
            sibling.save()
        return self.siblings


class ActionForm(forms.Form):
    """The confirmation page of a bulk action that needs a reason."""

    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the history of each record."),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Give a reason."))
        return reason


class StatusChangeForm(ActionForm):
    new_status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    field_order = ["new_status", "reason"]


class CarryOverForm(forms.Form):
    """The confirmation page of carrying items over: into which of the following rounds."""

    plan = forms.ModelChoiceField(
        label=_("Next round"),
        queryset=None,
        help_text=_(
            "A new item in this plan continues each selected one; their history stays here."
        ),
    )

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans


class ReturnReportsForm(ActionForm):
    reason = forms.CharField(
        label=_("Why are the reports returned?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the reporting member, who can correct and resubmit."),
    )


class ReturnRevisionsForm(ActionForm):
    reason = forms.CharField(
        label=_("Why are the revisions returned?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the author, who can propose again."),
    )
