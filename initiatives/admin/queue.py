"""Everything waiting for the office: submitted reports and proposed revisions in one list,
oldest first, each opening on its review page (admin/review.py)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .. import permissions
from ..models import ProgressReport, ReviewState, Revision, display_name
from ..templatetags.figures import report_figure, revised_value


def waiting(user):
    """(submitted at, kind, subject, what, by, review page) for each record in the queue."""
    reports = permissions.scope(
        user,
        ProgressReport.objects.filter(status=ReviewState.SUBMITTED).select_related(
            "target__item", "member", "reported_by__staff_profile"
        ),
    )
    revisions = permissions.scope(
        user,
        Revision.objects.waiting().select_related("item", "target", "proposed_by__staff_profile"),
    )
    rows = [
        (
            report.submitted_at,
            _("Progress report"),
            f"{report.target.code} {report.target.name}",
            report_figure(report, report.target)
            + (f" ({report.member.name})" if report.member_id else ""),
            display_name(report.reported_by),
            reverse("admin:initiatives_submittedreport_change", args=[report.pk]),
        )
        for report in reports
    ]
    rows += [
        (
            revision.proposed_at,
            _("Revision"),
            str(revision.subject),
            "; ".join(
                f"{capfirst(name)}: {revised_value(old)} → {revised_value(new)}"
                for name, old, new in revision.lines()
            ),
            display_name(revision.proposed_by),
            reverse("admin:initiatives_revisiontoreview_change", args=[revision.pk]),
        )
        for revision in revisions
    ]
    return sorted(rows, key=lambda row: row[0])


def review_queue(request):
    if not permissions.can_review(request.user):
        raise PermissionDenied
    context = {
        **admin.site.each_context(request),
        "title": _("Waiting for review"),
        "rows": waiting(request.user),
    }
    return TemplateResponse(request, "admin/initiatives/review_queue.html", context)
