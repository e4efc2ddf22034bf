"""Revisions: changes to the terms an item or a target is measured by, reviewed like reports.

An item's period (start and due date) and a target's baseline, target, measure, direction and
unit are the goalposts of every public figure. Nobody moves them by saving a form: a change is
proposed with a reason, waits in the office's review queue, and takes effect only when a
reviewer other than its author approves it. The approved revisions are public, with what
changed, from what, to what, when and why.
"""

import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import notifications
from .choices import ReviewState
from .i18n import language_suffix
from .versioning import Versioned

REVISION_STATES = (ReviewState.SUBMITTED, ReviewState.APPROVED, ReviewState.RETURNED)


def stored(value):
    """A field's value as kept in a revision's `changes` (JSON): text, or None."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class Governed:
    """For a model whose GOVERNED_FIELDS change only through a reviewed revision."""

    GOVERNED_FIELDS = ()

    def governed_item(self):
        """The plan item a revision of this record belongs to."""
        raise NotImplementedError

    def saved_governed_values(self, lock=False):
        manager = type(self)._base_manager
        rows = manager.select_for_update() if lock else manager.all()
        return rows.values(*self.GOVERNED_FIELDS).get(pk=self.pk)

    def governed_changes(self, saved=None):
        """{field: (saved value, value on this instance)} for each governed field that differs."""
        if self.pk is None:
            return {}
        saved = saved if saved is not None else self.saved_governed_values()
        field = self._meta.get_field
        changes = {}
        for name in self.GOVERNED_FIELDS:
            new = field(name).to_python(getattr(self, name))
            if stored(new) != stored(saved[name]):
                changes[name] = (saved[name], new)
        return changes

    def propose_revision(self, reason, by, illustrative=False):
        """Record this instance's changed governed fields as a revision waiting for review.

        The instance's governed fields go back to their saved values, so that saving it
        afterwards (with any other edits a form made) moves no goalpost. The proposal is
        validated as the record would be once approved.
        """
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError(_("Say why this changes: the reason is shown with the revision."))
        with transaction.atomic():
            saved = self.saved_governed_values(lock=True)
            changes = self.governed_changes(saved)
            if not changes:
                raise ValidationError(_("Nothing that needs a revision changes."))
            self.full_clean(validate_unique=False)
            self.check_revision()
            for name in changes:
                setattr(self, name, saved[name])
            revision = Revision.objects.create(
                item=self.governed_item(),
                target=self if self._meta.model_name == "target" else None,
                changes={name: [stored(old), stored(new)] for name, (old, new) in changes.items()},
                reason=reason,
                proposed_by=by,
                is_illustrative=illustrative,
            )
            revision.log("revision_proposed", by)
        return revision

    def check_revision(self):
        """Rules on the new values beyond the record's own validation (a hook)."""


class RevisionQuerySet(models.QuerySet):
    def approved(self):
        """The revisions in effect: shown publicly."""
        return self.filter(status=ReviewState.APPROVED)

    def in_effect(self):
        """The approved revisions, oldest first, with what their rows name (item and plan)."""
        return self.approved().select_related("item__plan").order_by("reviewed_at", "pk")

    def waiting(self):
        return self.filter(status=ReviewState.SUBMITTED)

    def in_plan(self, plan):
        return self.filter(item__plan=plan)

    def for_rows(self):
        return self.select_related("item__plan", "target", "proposed_by", "reviewed_by")


class RevisionManager(models.Manager.from_queryset(RevisionQuerySet)):
    def get_by_natural_key(self, uuid):
        return self.get(uuid=uuid)


class Revision(Versioned, models.Model):
    """A reviewed change to an item's period or to a target's terms, with its reason."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(
        "initiatives.PlanItem",
        on_delete=models.PROTECT,
        related_name="revisions",
        verbose_name=_("item"),
        help_text=_("The item revised, or the item of the target revised."),
    )
    target = models.ForeignKey(
        "initiatives.Target",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisions",
        verbose_name=_("target"),
        help_text=_("Empty when the item's own dates are revised."),
    )
    changes = models.JSONField(
        _("changes"), help_text=_("Each field revised, with its value before and after.")
    )
    reason = models.TextField(_("reason"))
    reason_zh = models.TextField(
        _("reason (Chinese)"), blank=True, help_text=_("Shown on the Chinese pages, if given.")
    )
    status = models.CharField(
        _("review state"),
        max_length=10,
        choices=[(state.value, state.label) for state in REVISION_STATES],
        default=ReviewState.SUBMITTED,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposed_revisions",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_revisions",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_reason = models.TextField(
        _("reviewer's reason"),
        blank=True,
        help_text=_("Required when the revision is returned; shown to its author."),
    )
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Demo content that the source documents do not state."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = RevisionManager()

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["-proposed_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "proposed_at"], name="initiatives_revision_queue")
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="initiatives_revision_has_reason",
                violation_error_message=_("Say why this changes."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=[state.value for state in REVISION_STATES]),
                name="initiatives_revision_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status=ReviewState.SUBMITTED) | Q(reviewed_at__isnull=False),
                name="initiatives_revision_reviewed_at",
                violation_error_message=_("An approved or returned revision has a review time."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ReviewState.RETURNED) | ~Q(review_reason=""),
                name="initiatives_revision_returned_has_reason",
                violation_error_message=_("Say why the revision is returned."),
            ),
        ]

    def __str__(self):
        subject = self.target.code if self.target_id else self.item.code
        return _("Revision of %(subject)s proposed on %(date)s") % {
            "subject": subject,
            "date": timezone.localdate(self.proposed_at),
        }

    def get_absolute_url(self):
        return (self.target or self.item).get_absolute_url()

    def natural_key(self):
        return (str(self.uuid),)

    natural_key.dependencies = ["initiatives.planitem", "initiatives.target"]

    @property
    def localized_reason(self):
        return self.reason_zh if language_suffix() == "zh" and self.reason_zh else self.reason

    @property
    def subject(self):
        """The record revised: the target, or the item itself."""
        return self.target if self.target_id else self.item

    @property
    def revised_at(self):
        """When the revision took effect (None while it waits)."""
        return self.reviewed_at if self.status == ReviewState.APPROVED else None

    @property
    def is_public(self):
        return self.status == ReviewState.APPROVED

    def lines(self):
        """What changed, field by field: (field's name, value before, value after), each value
        as the field holds it (a date, a number, a choice's label), None when empty."""
        model = type(self.subject)
        rows = []
        for name, (old, new) in self.changes.items():
            field = model._meta.get_field(name)
            rows.append((field.verbose_name, shown(field, old), shown(field, new)))
        return rows

    def clean(self):
        super().clean()
        if self.target_id and self.item_id and self.target.item_id != self.item_id:
            raise ValidationError({"item": _("A target's revision belongs to the target's item.")})
        if not isinstance(self.changes, dict) or not self.changes:
            raise ValidationError({"changes": _("A revision changes at least one field.")})
        allowed = type(self.subject).GOVERNED_FIELDS if self.item_id else ()
        for name, pair in self.changes.items():
            if name not in allowed or not isinstance(pair, list) or len(pair) != 2:
                raise ValidationError(
                    {
                        "changes": _("“%(field)s” is not a field a revision changes.")
                        % {"field": name}
                    }
                )

    def approve(self, by):
        """Put the revision into effect: the record takes its new values, publicly.

        Refused to its own author (four eyes), and when the record moved since the proposal
        (a field no longer holds the value the proposal started from).
        """
        self._require_waiting(_("approved"))
        if by is not None and by.pk == self.proposed_by_id:
            raise ValidationError(
                _("You proposed this revision: another reviewer has to approve it.")
            )
        with transaction.atomic():
            subject = type(self.subject)._base_manager.select_for_update().get(pk=self.subject.pk)
            saved = subject.saved_governed_values()
            moved = [
                subject._meta.get_field(name).verbose_name
                for name, (old, _new) in self.changes.items()
                if stored(saved[name]) != old
            ]
            if moved:
                raise ValidationError(
                    _(
                        "Since this was proposed, %(fields)s changed: return it, and propose "
                        "again from the values in effect now."
                    )
                    % {"fields": ", ".join(str(name) for name in moved)}
                )
            for name, (_old, new) in self.changes.items():
                field = subject._meta.get_field(name)
                setattr(subject, name, field.to_python(new) if new is not None else none_of(field))
            subject.full_clean(validate_unique=False)
            subject.check_revision()
            subject._change_reason = _("Revision approved: %(reason)s") % {"reason": self.reason}
            subject.save()
            self.status = ReviewState.APPROVED
            self.reviewed_by, self.reviewed_at = by, timezone.now()
            self.save()
            self.log("revision_approved", by)
            notifications.revision_reviewed(self)
        return subject

    def send_back(self, by, reason):
        """Return the proposal to its author with the reason; nothing changes."""
        self._require_waiting(_("returned"))
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError(_("Say why the revision is returned."))
        with transaction.atomic():
            self.status = ReviewState.RETURNED
            self.review_reason = reason
            self.reviewed_by, self.reviewed_at = by, timezone.now()
            self.save()
            self.log("revision_returned", by, reason=reason)
            notifications.revision_reviewed(self)

    def _require_waiting(self, verb):
        if self.status != ReviewState.SUBMITTED:
            raise ValidationError(
                _("Only a revision waiting for review can be %(verb)s; this one is %(state)s.")
                % {"verb": verb, "state": self.get_status_display().lower()}
            )

    def log(self, event, by, **fields):
        from .targets import log_on_commit

        subject = self.target.code if self.target_id else self.item.code
        log_on_commit(
            event,
            by,
            revision=str(self.uuid),
            subject=subject,
            fields=sorted(self.changes),
            **fields,
        )


def none_of(field):
    """A field's empty value: None, or "" for text that is never NULL."""
    return None if field.null else ""


def shown(field, value):
    if value is None or value == "":
        return None
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    return field.to_python(value)


class RevisionToReview(Revision):
    """The office's queue of proposed revisions, each with its review page."""

    class Meta:
        proxy = True
        verbose_name = _("revision to review")
        verbose_name_plural = _("revisions to review")
