"""Mail to staff: queued by the events that call for it, never sent in a request, sent by
`manage.py send_notifications` to a real SMTP server on loopback (aiosmtpd), kept with its error
and tried again when the server refuses it, and turned off by each person on their own page."""

import io
import os
import socket
import subprocess
import sys
from datetime import date, datetime, timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from initiatives import notifications
from initiatives.models import (
    Delivery,
    Notification,
    NotificationKind,
    NotificationOptOut,
    ReviewState,
)
from tests.staff import editor, reviewer

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent

# A moment of the past: mail queued then is due in every test that does not move the clock.
NOW = datetime(2024, 10, 12, 9, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))


class Recorder:
    """Accepts every mail and keeps it."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


class Refuser:
    """Refuses every recipient."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "550 refused"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smtp_server(handler):
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings_ = override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=controller.port,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_TIMEOUT=5,
    )
    return controller, settings_


@pytest.fixture
def smtp():
    """A server on loopback that accepts everything: its Recorder."""
    handler = Recorder()
    controller, settings_ = smtp_server(handler)
    with settings_:
        yield handler
    controller.stop()


@pytest.fixture
def refusing_smtp():
    controller, settings_ = smtp_server(Refuser())
    with settings_:
        yield
    controller.stop()


def received(smtp):
    """(recipients, subject, body) of each mail the server received."""
    mails = []
    for envelope in smtp.messages:
        message = message_from_bytes(envelope.content)
        body = message.get_payload(decode=True).decode(message.get_content_charset())
        subject = str(make_header(decode_header(message["Subject"])))
        mails.append((envelope.rcpt_tos, subject, body))
    return mails


def send(*args):
    """Run the command; (its output, whether it exited non-zero)."""
    out = io.StringIO()
    try:
        call_command("send_notifications", *args, stdout=out)
    except CommandError:
        return out.getvalue(), True
    return out.getvalue(), False


@pytest.fixture
def jiangsu():
    return editor("jiangsu")


@pytest.fixture
def office():
    return reviewer("office")


@pytest.fixture
def submitted(make, jiangsu):
    task = make.task(lead="jiangsu", code="T-201")
    target = make.target(task, name_en="Rail km", code="T-201.1")
    return make.report(
        target,
        value=72,
        as_of=date(2026, 9, 30),
        status=ReviewState.SUBMITTED,
        reported_by=jiangsu,
        source=make.source(),
    )


def review_url(report):
    return reverse("admin:initiatives_submittedreport_change", args=[report.pk])


class TestReviews:
    def test_a_returned_report_is_queued_in_the_request_and_sent_by_the_command(
        self, client, office, submitted, jiangsu, smtp, django_capture_on_commit_callbacks
    ):
        client.force_login(office)
        data = {
            "decision": "return",
            "reason": "Give the end-of-quarter figure.",
            "seen_version": submitted.version,
            "confirmed": "on",
        }
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(review_url(submitted), data)
        assert response.status_code == 302
        submitted.refresh_from_db()
        assert submitted.status == ReviewState.RETURNED

        mail = Notification.objects.get()
        assert (mail.recipient, mail.kind, mail.status) == (
            jiangsu,
            NotificationKind.RETURNED,
            Delivery.QUEUED,
        )
        assert smtp.messages == []  # nothing sent in the request

        output, failed = send()
        assert not failed
        [(to, subject, body)] = received(smtp)
        assert to == ["jiangsu@example.org"]
        assert "Returned: your report on T-201.1" in subject
        assert "Give the end-of-quarter figure." in body
        change = reverse("admin:initiatives_progressreport_change", args=[submitted.pk])
        assert f"{settings.SITE_URL}{change}" in body
        mail.refresh_from_db()
        assert (mail.status, mail.attempts, mail.last_error) == (Delivery.SENT, 1, "")
        assert mail.sent_at is not None
        assert "Sent 1 mail(s)" in output

    def test_an_approved_report_tells_its_author(
        self, submitted, office, jiangsu, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            submitted.approve(office)
        mail = Notification.objects.get()
        assert (mail.recipient, mail.kind) == (jiangsu, NotificationKind.APPROVED)
        assert "Approved: your report on T-201.1" in mail.subject
        assert "counts in the public figures" in mail.body

    def test_nothing_is_queued_before_the_step_commits(self, submitted, office):
        # The test never commits: a step rolled back would mail nobody either.
        submitted.approve(office)
        assert not Notification.objects.exists()

    def test_each_return_of_the_same_report_is_its_own_mail(
        self, submitted, office, jiangsu, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            submitted.send_back(office, "First reason.")
            submitted.submit(jiangsu)
            submitted.send_back(office, "Second reason.")
        bodies = sorted(Notification.objects.values_list("body", flat=True))
        assert len(bodies) == 2
        assert "First reason." in bodies[0] and "Second reason." in bodies[1]

    def test_a_revision_returned_and_approved_tells_its_author(
        self, make, office, jiangsu, django_capture_on_commit_callbacks
    ):
        task = make.task(lead="jiangsu", due_date=date(2026, 12, 31))
        waiting = [
            make.revision(
                task,
                {"due_date": ("2026-12-31", f"2027-0{month}-30")},
                status=ReviewState.SUBMITTED,
                proposed_by=jiangsu,
            )
            for month in (3, 6)
        ]
        with django_capture_on_commit_callbacks(execute=True):
            waiting[0].send_back(office, "Too late for this round.")
            waiting[1].approve(office)
        mails = {mail.kind: mail for mail in Notification.objects.all()}
        assert set(mails) == {NotificationKind.RETURNED, NotificationKind.APPROVED}
        assert all(mail.recipient == jiangsu for mail in mails.values())
        assert "Too late for this round." in mails[NotificationKind.RETURNED].body
        link = reverse("admin:initiatives_revision_change", args=[waiting[1].pk])
        assert link in mails[NotificationKind.APPROVED].body

    def test_nobody_is_mailed_about_their_own_review(
        self, make, office, django_capture_on_commit_callbacks
    ):
        target = make.target(make.task())
        own = make.report(target, value=1, status=ReviewState.SUBMITTED, reported_by=office)
        with django_capture_on_commit_callbacks(execute=True):
            own.send_back(office, "Wrong figure, mine.")
        assert not Notification.objects.exists()


class TestTheQueue:
    def test_skips_who_turned_the_kind_off_is_inactive_or_has_no_address(
        self, jiangsu, django_capture_on_commit_callbacks
    ):
        inactive = editor("anhui")
        inactive.is_active = False
        inactive.save()
        no_address = editor("zhejiang")
        no_address.email = ""
        no_address.save()
        NotificationOptOut.objects.create(user=jiangsu, kind=NotificationKind.RETURNED)
        with django_capture_on_commit_callbacks(execute=True):
            for user in (jiangsu, inactive, no_address):
                notifications.queue(user, NotificationKind.RETURNED, "Subject", "Body")
            notifications.queue(jiangsu, NotificationKind.APPROVED, "Subject", "Body")
        assert list(Notification.objects.values_list("recipient", "kind")) == [
            (jiangsu.pk, NotificationKind.APPROVED)
        ]

    def test_never_queues_the_same_key_twice_for_a_person(self, jiangsu, office):
        for _ in range(2):
            for user in (jiangsu, office):
                notifications.put(user, NotificationKind.APPROVED, "S", "B", key="same")
        assert Notification.objects.count() == 2

    def test_says_everything_in_chinese_then_in_english(self, submitted, office):
        submitted.target.name_zh = "铁路里程"
        submitted.target.save()
        submitted.status, submitted.reviewed_by = ReviewState.APPROVED, office
        _subject, body = notifications.in_languages(notifications.report_mail, submitted)
        chinese, english = body.split("\n\n----\n\n")
        assert "铁路里程" in chinese and "Rail km" in english


class TestSending:
    @pytest.fixture
    def queued(self, jiangsu):
        with time_machine.travel(NOW, tick=False):
            return notifications.put(jiangsu, NotificationKind.APPROVED, "Approved", "Well done.")

    def test_a_refused_mail_is_kept_with_its_error_and_retried_after_the_wait(self, queued):
        controller, settings_ = smtp_server(Refuser())
        try:
            with settings_, time_machine.travel(NOW, tick=False):
                output, failed = send()
        finally:
            controller.stop()
        assert failed  # cron mails the output
        queued.refresh_from_db()
        assert (queued.status, queued.attempts) == (Delivery.QUEUED, 1)
        assert queued.last_error == "SMTPRecipientsRefused: jiangsu@example.org: 550 refused"
        assert queued.next_attempt_at == NOW + timedelta(minutes=5)
        assert "refused" in output

        recorder = Recorder()
        controller, settings_ = smtp_server(recorder)
        try:
            with settings_:
                with time_machine.travel(NOW + timedelta(minutes=4), tick=False):
                    assert send() == (
                        "Queued 0 review digest(s) and 0 reminder(s).\n"
                        "Sent 0 mail(s); 0 to try again later; 0 failed.\n",
                        False,
                    )
                with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
                    _output, failed = send()
        finally:
            controller.stop()
        assert not failed
        assert len(recorder.messages) == 1
        queued.refresh_from_db()
        assert (queued.status, queued.attempts, queued.last_error) == (Delivery.SENT, 2, "")

    @override_settings(TRACKER_MAIL_ATTEMPTS=3)
    def test_after_the_last_attempt_it_is_marked_failed_and_kept(self, queued, refusing_smtp):
        waits = [timedelta(0), timedelta(minutes=5), timedelta(minutes=30)]
        moment = NOW
        for wait in waits:
            moment += wait
            with time_machine.travel(moment, tick=False):
                _output, failed = send()
            assert failed
        queued.refresh_from_db()
        assert (queued.status, queued.attempts) == (Delivery.FAILED, 3)
        assert queued.last_error == "SMTPRecipientsRefused: jiangsu@example.org: 550 refused"
        with time_machine.travel(moment + timedelta(days=2), tick=False):
            assert send()[1] is False  # nothing is tried again, and nothing failed this run
        queued.refresh_from_db()
        assert queued.attempts == 3

    def test_a_server_that_cannot_be_reached_is_an_attempt_failed(self, queued):
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=free_port(),  # nobody listens
            EMAIL_TIMEOUT=2,
        ):
            _output, failed = send()
        assert failed
        queued.refresh_from_db()
        assert (queued.status, queued.attempts) == (Delivery.QUEUED, 1)
        assert "ConnectionRefusedError" in queued.last_error

    def test_sends_each_due_mail_through_one_connection_with_a_limit(self, jiangsu, office, smtp):
        for number in range(3):
            notifications.put(jiangsu, NotificationKind.APPROVED, f"Mail {number}", "Body")
        _output, failed = send("--limit", "2")
        assert not failed
        assert len(smtp.messages) == 2
        assert Notification.objects.filter(status=Delivery.SENT).count() == 2
        send()
        assert len(smtp.messages) == 3

    def test_dry_run_queues_and_sends_nothing(self, queued, office, submitted, smtp):
        output, failed = send("--dry-run")
        assert not failed
        assert "Would queue 1 review digest(s)" in output
        assert "Would send 2 mail(s)" in output  # the queued one and the digest
        assert smtp.messages == []
        assert list(Notification.objects.all()) == [queued]
        queued.refresh_from_db()
        assert (queued.status, queued.attempts) == (Delivery.QUEUED, 0)

    @override_settings(EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
    def test_the_console_backend_prints_the_mail(self, queued, capsys):
        output, failed = send()
        assert not failed
        assert "Well done." in capsys.readouterr().out  # the console backend printed it
        queued.refresh_from_db()
        assert queued.status == Delivery.SENT
        assert "Sent 1 mail(s)" in output


def settings_with(**env):
    """The mail settings the settings module reads from this environment (a new process)."""
    environment = {key: value for key, value in os.environ.items() if key != "EMAIL_URL"}
    environment.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import tracker.settings as s; print(s.EMAIL_BACKEND, s.EMAIL_HOST, "
            "s.EMAIL_PORT, s.EMAIL_USE_TLS, s.EMAIL_HOST_USER)",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )


def test_email_url_sets_the_mail_server_and_the_console_is_the_default():
    default = settings_with()
    assert default.stdout.split()[0] == "django.core.mail.backends.console.EmailBackend"
    smtp = settings_with(EMAIL_URL="smtp://mailer:secret@mail.example:587/?tls=True")
    assert smtp.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "mail.example",
        "587",
        "True",
        "mailer",
    ]
    wrong = settings_with(EMAIL_URL="smpt://mail.example")
    assert wrong.returncode != 0 and "EMAIL_URL must start with" in wrong.stderr


class TestDigests:
    def test_one_digest_a_day_to_each_reviewer_only_when_something_waits(
        self, office, jiangsu, submitted, make
    ):
        other = reviewer("reviewer")
        submitted.submitted_at = datetime(2026, 10, 2, 10, 0, tzinfo=NOW.tzinfo)
        submitted.save()
        with override_settings(TRACKER_TODAY=date(2026, 10, 12)):
            assert notifications.queue_review_digests() == 2
            assert notifications.queue_review_digests() == 0  # cron again the same day
        mails = Notification.objects.filter(kind=NotificationKind.REVIEW_DIGEST)
        assert {mail.recipient for mail in mails} == {office, other}  # not the editor
        body = mails[0].body
        assert "1 progress report and 0 revisions" in body
        assert "2026-10-02, 10 days ago" in body
        assert f"{settings.SITE_URL}/admin/review/" in body

        with override_settings(TRACKER_TODAY=date(2026, 10, 13)):
            assert notifications.queue_review_digests() == 2  # the next day's
        submitted.approve(other)
        with override_settings(TRACKER_TODAY=date(2026, 10, 14)):
            assert notifications.queue_review_digests() == 0  # nothing waits

    def test_the_command_queues_the_digest_once_however_often_cron_runs(
        self, office, submitted, smtp
    ):
        with override_settings(TRACKER_TODAY=date(2026, 10, 12)):
            send()
            send()
        assert len(smtp.messages) == 1
        [(to, subject, _body)] = received(smtp)
        assert to == ["office@example.org"] and "1 waits for your review" in subject


class TestReminders:
    @pytest.fixture
    def quarter(self, make, jiangsu):
        """Q3 2026, due on 15 October, asking for one Jiangsu target and one of Zhejiang."""
        owed = make.target(make.task(lead="jiangsu", code="T-301"), code="T-301.1")
        other = make.target(make.task(lead="zhejiang", code="T-302"), code="T-302.1")
        editor("zhejiang")
        return make.period(
            start=date(2026, 7, 1),
            end=date(2026, 9, 30),
            due=date(2026, 10, 15),
            name_en="Q3 2026",
            targets=[owed, other],
        )

    def reminders(self, today):
        with override_settings(TRACKER_TODAY=today):
            return notifications.queue_period_reminders()

    def test_a_reminder_before_the_due_date_for_what_is_still_owed(self, quarter, jiangsu, make):
        assert self.reminders(date(2026, 10, 7)) == 0  # more than 7 days before
        assert self.reminders(date(2026, 10, 8)) == 2  # Jiangsu's and Zhejiang's editors
        assert self.reminders(date(2026, 10, 15)) == 0  # once per period
        mail = Notification.objects.get(recipient=jiangsu)
        assert mail.kind == NotificationKind.PERIOD_DUE
        assert "Q3 2026: 1 report due by 2026-10-15" in mail.subject
        assert "T-301.1" in mail.body and "T-302.1" not in mail.body  # only its own

    def test_nothing_owed_no_reminder(self, quarter, jiangsu, make):
        target = quarter.targets.get(code="T-301.1")
        make.report(target, value=5, as_of=date(2026, 9, 30), status=ReviewState.SUBMITTED)
        self.reminders(date(2026, 10, 8))
        assert not Notification.objects.filter(recipient=jiangsu).exists()

    def test_after_the_due_date_once_for_what_is_late(self, quarter, jiangsu, make):
        self.reminders(date(2026, 10, 8))
        assert self.reminders(date(2026, 10, 16)) == 2  # the day after the due date
        assert self.reminders(date(2026, 10, 20)) == 0
        late = Notification.objects.get(recipient=jiangsu, kind=NotificationKind.PERIOD_LATE)
        assert "Q3 2026: 1 report is late" in late.subject
        assert "T-301.1" in late.body and "Late" in late.body
        assert self.reminders(date(2026, 10, 23)) == 0  # past the window: no flood of old ones

    def test_a_returned_report_is_still_owed_and_links_to_itself(self, quarter, jiangsu, make):
        target = quarter.targets.get(code="T-301.1")
        returned = make.report(target, value=5, as_of=date(2026, 9, 30), status="returned")
        self.reminders(date(2026, 10, 10))
        body = Notification.objects.get(recipient=jiangsu).body
        assert "Returned" in body
        assert reverse("admin:initiatives_progressreport_change", args=[returned.pk]) in body

    def test_a_report_not_yet_made_links_to_its_form(self, quarter, jiangsu):
        """As the start page does: the mail opens the new report for that target, not the
        target's own form."""
        target = quarter.targets.get(code="T-301.1")
        self.reminders(date(2026, 10, 10))
        body = Notification.objects.get(recipient=jiangsu).body
        assert reverse("admin:initiatives_progressreport_add") + f"?target={target.pk}" in body
        assert reverse("admin:initiatives_target_change", args=[target.pk]) not in body


class TestMyNotifications:
    def test_each_person_turns_kinds_off_on_their_own_page(self, client, jiangsu):
        client.force_login(jiangsu)
        page = reverse("admin_notifications")
        response = client.get(reverse("admin:index"))
        assert page in response.content.decode()  # linked from the user links
        response = client.get(page)
        assert response.status_code == 200
        assert response.context["form"]["kinds"].value() == NotificationKind.values  # all on

        kept = [NotificationKind.RETURNED, NotificationKind.APPROVED]
        response = client.post(page, {"kinds": kept})
        assert response.status_code == 302
        assert NotificationOptOut.objects.kinds_off(jiangsu) == {
            NotificationKind.REVIEW_DIGEST,
            NotificationKind.PERIOD_DUE,
            NotificationKind.PERIOD_LATE,
        }
        assert notifications.put(jiangsu, NotificationKind.PERIOD_DUE, "S", "B") is None
        client.post(page, {"kinds": NotificationKind.values})
        assert NotificationOptOut.objects.kinds_off(jiangsu) == set()

    def test_nobody_changes_another_persons_choice(self, client, jiangsu, office):
        client.force_login(office)
        client.post(reverse("admin_notifications"), {"kinds": [], "user": jiangsu.pk})
        assert NotificationOptOut.objects.kinds_off(jiangsu) == set()
        assert len(NotificationOptOut.objects.kinds_off(office)) == len(NotificationKind.values)

    def test_a_crafted_kind_is_a_form_error(self, client, jiangsu):
        client.force_login(jiangsu)
        response = client.post(reverse("admin_notifications"), {"kinds": ["everything"]})
        assert response.status_code == 200
        assert response.context["form"].errors["kinds"]
        assert not NotificationOptOut.objects.exists()


class TestTheOutbox:
    def test_the_office_reads_the_outbox_and_sends_failed_mail_again(self, client, office, jiangsu):
        failed = notifications.put(jiangsu, NotificationKind.APPROVED, "Failed one", "B")
        failed.status, failed.attempts, failed.last_error = Delivery.FAILED, 5, "550 refused"
        failed.save()
        sent = notifications.put(jiangsu, NotificationKind.APPROVED, "Sent one", "B")
        sent.sent()
        client.force_login(office)
        listing = reverse("admin:initiatives_notification_changelist")
        response = client.get(listing)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Failed one" in page and "550 refused" in page
        change = client.get(reverse("admin:initiatives_notification_change", args=[failed.pk]))
        assert change.status_code == 200 and b'name="subject"' not in change.content  # read-only
        response = client.post(
            listing, {"action": "send_again", "_selected_action": [failed.pk, sent.pk]}
        )
        assert response.status_code == 302
        failed.refresh_from_db()
        sent.refresh_from_db()
        assert failed.status == Delivery.QUEUED and sent.status == Delivery.SENT
        actions = dict(client.get(listing).context["action_form"].fields["action"].choices)
        assert "send_again" in actions and "delete_selected" not in actions

    def test_editors_do_not_see_it(self, client, jiangsu):
        client.force_login(jiangsu)
        listing = reverse("admin:initiatives_notification_changelist")
        assert client.get(listing).status_code == 403
