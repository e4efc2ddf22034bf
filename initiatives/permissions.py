"""Who may see and change what, in one place.

The groups (initiatives/migrations/0003_staff_groups.py) give model-level rights. On top of
them, a member editor's scope is the items its member leads or co-leads, and everything hanging
from those items: their targets, the reports on those targets, their status changes and
revisions. Office reviewers and superusers see everything. A user with neither a member nor the
review right sees nothing that is scoped.
"""

from django.db.models import Q

from .models import (
    Plan,
    PlanItem,
    ProgressReport,
    ReportingPeriod,
    Responsibility,
    ReviewState,
    Revision,
    StatusChange,
    Target,
)

REVIEW_PERMISSION = "initiatives.review_progressreport"
EDITABLE_REPORT_STATES = (ReviewState.DRAFT, ReviewState.RETURNED)


def sees_everything(user):
    """Superusers and office reviewers: the whole region."""
    return bool(user.is_active and (user.is_superuser or user.has_perm(REVIEW_PERMISSION)))


def can_review(user):
    return bool(user.is_active and user.has_perm(REVIEW_PERMISSION))


def member_of(user):
    """The member a staff account reports for, or None (office staff, or no profile)."""
    if not hasattr(user, "_tracker_member"):
        profile = getattr(user, "staff_profile", None)
        user._tracker_member = profile.member if profile is not None else None
    return user._tracker_member


def _items_q(member, prefix=""):
    """Rows whose item (reached through `prefix`) the member leads or co-leads."""
    return Q(**{f"{prefix}__in": PlanItem.objects.for_member(member).values("pk")})


SCOPES = {
    PlanItem: lambda member: _items_q(member, "pk"),
    Responsibility: lambda member: _items_q(member, "item"),
    Target: lambda member: _items_q(member, "item"),
    StatusChange: lambda member: _items_q(member, "item"),
    Revision: lambda member: _items_q(member, "item"),
    ProgressReport: lambda member: _items_q(member, "target__item"),
    # A member's editors see the periods of the plans the member belongs to or has items in.
    ReportingPeriod: lambda member: Q(
        plan__in=Plan.objects.filter(
            Q(members=member) | Q(items__in=PlanItem.objects.for_member(member))
        ).values("pk")
    ),
}


def is_scoped(model):
    """Whether rows of this model belong to some member's items (reference lists do not)."""
    return model._meta.concrete_model in SCOPES


def scope(user, queryset):
    """The rows of `queryset` that `user` may see."""
    model = queryset.model._meta.concrete_model
    if model not in SCOPES or sees_everything(user):
        return queryset
    member = member_of(user)
    if member is None:
        return queryset.none()
    return queryset.filter(SCOPES[model](member))


def in_scope(user, obj):
    """Whether one saved object lies within the user's scope."""
    model = type(obj)._meta.concrete_model
    if model not in SCOPES or sees_everything(user):
        return True
    if obj.pk is None:
        return False
    return scope(user, model._default_manager.filter(pk=obj.pk)).exists()


def may_publish_edition(user):
    """Office reviewers publish editions: what the office presents as the plan's figures."""
    return bool(can_review(user) and user.has_perm("initiatives.change_edition"))


def may_carry_over(user):
    """Only the office opens the next round: carrying items over writes the new plan's lists."""
    return sees_everything(user)


def may_edit_report(user, report):
    """Editors change their drafts and returned reports; reviewers anything not yet approved.

    An approved report is the published record: a correction is a new report.
    """
    if report.status == ReviewState.APPROVED:
        return False
    if user.is_superuser:
        return True
    if can_review(user):
        return True
    return report.status in EDITABLE_REPORT_STATES


def may_delete_report(user, report):
    """Nobody deletes an approved report, superusers included: it is corrected instead."""
    return report.status in EDITABLE_REPORT_STATES


# What only the office changes: where an item or a target sits in the plan, whether a target
# is a headline indicator, and whether the sources state it. Member editors see these fields
# read-only in every form, and an import row may not change them.
OFFICE_FIELDS = {
    PlanItem: ("plan", "code", "focus_area", "parent", "is_illustrative", "sources"),
    Target: ("code", "item", "is_headline", "is_illustrative"),
}
# What the review workflow writes (report.submit(), .approve(), .send_back()), never a person.
WORKFLOW_FIELDS = {
    ProgressReport: (
        "status",
        "review_reason",
        "reviewed_by",
        "reviewed_at",
        "submitted_at",
        "reported_by",
    ),
}


def readonly_fields(user, model):
    """The fields of `model` that `user` may not change: by form, list edit or import alike."""
    model = model._meta.concrete_model
    fields = WORKFLOW_FIELDS.get(model, ())
    if not sees_everything(user):
        fields += OFFICE_FIELDS.get(model, ())
    return fields
