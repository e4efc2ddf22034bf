"""Mail to staff: what each event queues, for whom, and in what words.

Nothing here sends. `queue()` writes a row of the outbox (models/notifications.py) once the
step that caused it commits, so that a request never waits for a mail server and a step rolled
back mails nobody; `manage.py send_notifications` queues the day's digests and reminders and
sends the outbox. A person who turned a kind off, is inactive or has no address gets none, and
a mail with a key is queued once per person whatever runs again.

The tracker keeps no language per person (the admin follows the browser's), so every mail says
its message in Simplified Chinese, then in English.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# The package itself, not its names: the models import this module while they load.
from . import clock, models
from .models.choices import NotificationKind, Obligation, ReviewState

LANGUAGES = ("zh-hans", "en")
# What a member still owes in a period: before its due date, and after it.
OWED = (Obligation.DUE, Obligation.RETURNED, Obligation.LATE)


def queue(recipient, kind, subject, body, key=""):
    """Queue a mail to `recipient` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: put(recipient, kind, subject, body, key))


def put(recipient, kind, subject, body, key=""):
    """Write the mail into the outbox now; the row, or None when nothing was queued."""
    if not wants(recipient, kind):
        return None
    fields = {"kind": kind, "subject": " ".join(subject.split())[:200], "body": body}
    if not key:
        return models.Notification.objects.create(recipient=recipient, **fields)
    notification, created = models.Notification.objects.get_or_create(
        recipient=recipient, key=key, defaults=fields
    )
    return notification if created else None


def wants(user, kind):
    """Whether `user` is to get mail of this kind: active, with an address, and not turned off."""
    return bool(
        user is not None
        and user.is_active
        and user.email
        and not models.NotificationOptOut.objects.filter(user=user, kind=kind).exists()
    )


def in_languages(compose, *args):
    """(subject, body) that `compose(*args)` writes in the active language, in each language:
    subjects joined by " / ", bodies one after the other (each once, if they read the same)."""
    subjects, bodies = [], []
    for language in LANGUAGES:
        with translation.override(language):
            subject, body = compose(*args)
        if subject not in subjects:
            subjects.append(subject)
        if body not in bodies:
            bodies.append(body)
    return " / ".join(subjects), "\n\n----\n\n".join(bodies)


def link(path):
    """An absolute address on this site (SITE_URL), for a mail."""
    return settings.SITE_URL + path


def name_of(user):
    return (user.get_full_name() or user.get_username()) if user is not None else _("The office")


def indented(text):
    return "\n".join(f"    {line}" for line in text.strip().splitlines())


# Reviews: to the author of a report or a revision, when it is approved or comes back.


def report_reviewed(report):
    """Tell the report's author that it was approved or returned, once the review commits."""
    author = report.reported_by
    if author is None or author.pk == report.reviewed_by_id:
        return
    subject, body = in_languages(report_mail, report)
    queue(author, review_kind(report), subject, body, key=review_key("report", report))


def revision_reviewed(revision):
    """Tell the revision's author that it was approved or returned, once the review commits."""
    author = revision.proposed_by
    if author is None or author.pk == revision.reviewed_by_id:
        return
    subject, body = in_languages(revision_mail, revision)
    queue(author, review_kind(revision), subject, body, key=review_key("revision", revision))


def review_kind(record):
    if record.status == ReviewState.APPROVED:
        return NotificationKind.APPROVED
    return NotificationKind.RETURNED


def review_key(name, record):
    # One mail per review: a report returned, submitted again and returned again gets two.
    return f"{name}-{record.uuid}-{record.status}-{record.reviewed_at:%Y%m%dT%H%M%S.%f}"


def report_mail(report):
    facts = {
        "reviewer": name_of(report.reviewed_by),
        "target": report.target.code,
        "name": report.target.name,
        "date": report.as_of.isoformat(),
    }
    address = link(reverse("admin:initiatives_progressreport_change", args=[report.pk]))
    if report.status == ReviewState.APPROVED:
        subject = _("Approved: your report on %(target)s") % facts
        body = (
            _(
                "%(reviewer)s approved your progress report on %(target)s “%(name)s” as of "
                "%(date)s. It now counts in the public figures."
            )
            % facts
            + "\n\n"
            + address
        )
    else:
        subject = _("Returned: your report on %(target)s") % facts
        body = (
            _(
                "%(reviewer)s returned your progress report on %(target)s “%(name)s” as of "
                "%(date)s, with this reason:"
            )
            % facts
            + "\n\n"
            + indented(report.review_reason)
            + "\n\n"
            + _("Change it and submit it again:")
            + "\n"
            + address
        )
    return subject, body


def revision_mail(revision):
    facts = {"reviewer": name_of(revision.reviewed_by), "subject": str(revision.subject)}
    address = link(reverse("admin:initiatives_revision_change", args=[revision.pk]))
    if revision.status == ReviewState.APPROVED:
        subject = _("Approved: your revision of %(subject)s") % facts
        body = (
            _("%(reviewer)s approved your revision of %(subject)s: it is now in effect, publicly.")
            % facts
            + "\n\n"
            + address
        )
    else:
        subject = _("Returned: your revision of %(subject)s") % facts
        body = (
            _("%(reviewer)s returned your revision of %(subject)s, with this reason:") % facts
            + "\n\n"
            + indented(revision.review_reason)
            + "\n\n"
            + _("Nothing changed. Propose it again from the values in effect if need be:")
            + "\n"
            + address
        )
    return subject, body


# The reviewers' daily digest.


def reviewers():
    from .permissions import REVIEW_PERMISSION  # it imports the models, which import this

    return get_user_model().objects.with_perm(
        REVIEW_PERMISSION,
        include_superusers=False,
        backend="django.contrib.auth.backends.ModelBackend",  # where groups give the right
    )


def queue_review_digests(today=None):
    """Queue today's digest of what waits for review to each reviewer, when something waits;
    once a day however often it runs. Returns how many were queued."""
    today = today or clock.today()
    reports = models.ProgressReport.objects.filter(status=ReviewState.SUBMITTED).aggregate(
        count=Count("pk"), oldest=Min("submitted_at")
    )
    revisions = models.Revision.objects.waiting().aggregate(
        count=Count("pk"), oldest=Min("proposed_at")
    )
    if not (reports["count"] or revisions["count"]):
        return 0
    oldest = timezone.localdate(min(d for d in (reports["oldest"], revisions["oldest"]) if d))
    subject, body = in_languages(
        digest_mail, reports["count"], revisions["count"], oldest, (today - oldest).days
    )
    kind = NotificationKind.REVIEW_DIGEST
    key = f"{kind}-{today.isoformat()}"
    return sum(put(user, kind, subject, body, key) is not None for user in reviewers())


def digest_mail(reports, revisions, oldest, days):
    total = reports + revisions
    subject = ngettext(
        "%(count)d waits for your review", "%(count)d wait for your review", total
    ) % {"count": total}
    waiting = {
        "reports": ngettext("%(count)d progress report", "%(count)d progress reports", reports)
        % {"count": reports},
        "revisions": ngettext("%(count)d revision", "%(count)d revisions", revisions)
        % {"count": revisions},
    }
    body = (
        _("Waiting for review: %(reports)s and %(revisions)s.") % waiting
        + "\n"
        + ngettext(
            "The oldest was submitted on %(date)s, %(days)d day ago.",
            "The oldest was submitted on %(date)s, %(days)d days ago.",
            days,
        )
        % {"date": oldest.isoformat(), "days": days}
        + "\n\n"
        + link(reverse("review_queue"))
    )
    return subject, body


# Reporting periods: to each member's editors, before the due date and after it.


def queue_period_reminders(today=None):
    """Queue, for each reporting period due within TRACKER_REMINDER_DAYS of today, a mail to
    each editor of each member that still owes reports in it: before the due date what is owed,
    after it what is late; once per period and kind. Returns how many were queued."""
    today = today or clock.today()
    days = timedelta(days=settings.TRACKER_REMINDER_DAYS)
    periods = models.ReportingPeriod.objects.filter(
        due_date__gte=today - days, due_date__lte=today + days
    ).select_related("plan")
    editors = {}
    for user in (
        get_user_model()
        .objects.filter(is_active=True, staff_profile__member__isnull=False)
        .select_related("staff_profile__member")
    ):
        editors.setdefault(user.staff_profile.member, []).append(user)
    queued = 0
    for period in periods:
        late = period.due_date < today
        kind = NotificationKind.PERIOD_LATE if late else NotificationKind.PERIOD_DUE
        for member, users in editors.items():
            owed = [
                obligation
                for obligation in period.obligations(member=member, today=today)
                if obligation.state in OWED
            ]
            if not owed:
                continue
            subject, body = in_languages(period_mail, period, member, owed, late)
            key = f"{kind}-{period.pk}-{member.slug}"
            queued += sum(put(user, kind, subject, body, key) is not None for user in users)
    return queued


def period_mail(period, member, owed, late):
    facts = {
        "period": period.name,
        "plan": period.plan.short_name,
        "member": member.name,
        "date": period.due_date.isoformat(),
        "count": len(owed),
    }
    if late:
        subject = (
            ngettext(
                "%(period)s: %(count)d report is late",
                "%(period)s: %(count)d reports are late",
                len(owed),
            )
            % facts
        )
        lead = (
            _(
                "The reports of %(period)s (%(plan)s) were due by %(date)s. %(member)s has not yet "
                "submitted these, or they came back:"
            )
            % facts
        )
    else:
        subject = (
            ngettext(
                "%(period)s: %(count)d report due by %(date)s",
                "%(period)s: %(count)d reports due by %(date)s",
                len(owed),
            )
            % facts
        )
        lead = (
            _("%(member)s still owes these reports of %(period)s (%(plan)s) by %(date)s:") % facts
        )
    lines = []
    for obligation in owed:
        target = obligation.target
        report = obligation.report
        if report is not None and obligation.state == Obligation.RETURNED:
            address = reverse("admin:initiatives_progressreport_change", args=[report.pk])
        else:  # a new report on the target, as the start page's row opens
            address = reverse("admin:initiatives_progressreport_add") + f"?target={target.pk}"
        lines.append(
            f"- {target.code} {target.name} ({Obligation(obligation.state).label}): "
            + link(address)
        )
    body = (
        lead
        + "\n\n"
        + "\n".join(lines)
        + "\n\n"
        + _("Your start page:")
        + " "
        + link(reverse("admin:index"))
    )
    return subject, body
