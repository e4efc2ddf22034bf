"""The admin's start page: above the usual list of models, what needs doing.

A member's editor sees what its member owes and by when, what came back with the reviewer's
reason, and what is late; the office sees every member's standing in each plan's current
period, and the size and age of the review queue (admin/queue.py).
"""

from django.contrib import admin
from django.utils import timezone

from .. import clock, permissions
from ..models import Obligation, ProgressReport, ReportingPeriod, ReviewState, Revision
from ..models.obligations import standings
from .queue import waiting

RETURNED_REVISIONS_SHOWN = 10


def start_page(request):
    return admin.site.index(request, extra_context={"start": start_context(request)})


def start_context(request):
    user, today = request.user, clock.today()
    if permissions.sees_everything(user):
        return office_context(user, today)
    member = permissions.member_of(user)
    if member is None:
        return None
    return editor_context(user, member, today)


def editor_context(user, member, today):
    owed = ReportingPeriod.objects.started(today).obligations(member=member, today=today)
    rows = sorted(
        (row for rows in owed.values() for row in rows),
        key=lambda row: (row.due_date, row.target.code),
    )
    reports = permissions.scope(
        user, ProgressReport.objects.filter(status=ReviewState.RETURNED)
    ).select_related("target__item", "member", "reviewed_by")
    revisions = permissions.scope(
        user, Revision.objects.filter(status=ReviewState.RETURNED)
    ).select_related("item", "target", "reviewed_by")
    return {
        "kind": "editor",
        "member": member,
        "today": today,
        "due": [row for row in rows if row.state == Obligation.DUE],
        "late": [row for row in rows if row.state == Obligation.LATE],
        "returned_reports": list(reports.order_by("-reviewed_at", "-pk")),
        "returned_revisions": list(
            revisions.order_by("-reviewed_at", "-pk")[:RETURNED_REVISIONS_SHOWN]
        ),
    }


def tracker_now(today):
    """Now, moved to the tracker's today: TRACKER_TODAY shows a demo as of another day."""
    now = timezone.localtime()
    return now.replace(year=today.year, month=today.month, day=today.day)


def office_context(user, today):
    periods = ReportingPeriod.objects.current_of_each_plan(today)
    standing = standings(periods, today)
    queue = waiting(user)
    return {
        "kind": "office",
        "today": today,
        "standings": [standing[period.pk] for period in periods],
        "queue_size": len(queue),
        "queue_oldest": queue[0][0] if queue else None,
        "now": tracker_now(today),
    }
