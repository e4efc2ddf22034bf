import smtplib

from django.core import mail
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from initiatives import clock, notifications
from initiatives.models import Delivery, Notification


def described(error):
    """The error as the outbox keeps it: its kind, and the server's answer when it gave one."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        detail = "; ".join(
            f"{address}: {code} {text(answer)}"
            for address, (code, answer) in error.recipients.items()
        )
    elif isinstance(error, smtplib.SMTPResponseException):
        detail = f"{error.smtp_code} {text(error.smtp_error)}"
    else:
        detail = str(error)
    return f"{type(error).__name__}: {detail}"


def text(answer):
    return answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)


class Command(BaseCommand):
    help = (
        "Queue the day's review digests and reporting-period reminders (once a day however often "
        "it runs), then send every queued mail whose time has come, through one connection. A "
        "mail that cannot be sent is kept with its error and tried again later (after 5 minutes, "
        "30 minutes, 2 hours, then every 12 hours) until TRACKER_MAIL_ATTEMPTS tries, then marked "
        "failed. Exits non-zero when a mail could not be sent. Meant for cron, e.g. every 10 "
        "minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be queued and sent; queue and send nothing.",
        )
        parser.add_argument(
            "--limit", type=int, default=None, help="Send at most this many mails in this run."
        )

    def handle(self, *args, dry_run=False, limit=None, **options):
        if limit is not None and limit < 1:
            raise CommandError("--limit must be 1 or more.")
        today = clock.today()
        with transaction.atomic():
            digests = notifications.queue_review_digests(today)
            reminders = notifications.queue_period_reminders(today)
            if dry_run:
                due = list(self.due(limit))
                transaction.set_rollback(True)
        would = "Would queue" if dry_run else "Queued"
        self.stdout.write(f"{would} {digests} review digest(s) and {reminders} reminder(s).")
        if dry_run:
            for notification in due:
                self.stdout.write(f"Would send to {notification.recipient.email}: {notification}")
            self.stdout.write(f"Would send {len(due)} mail(s).")
            return
        sent, again, failed = self.send(list(self.due(limit)))
        self.stdout.write(f"Sent {sent} mail(s); {again} to try again later; {failed} failed.")
        if again or failed:
            raise CommandError(
                f"{again + failed} mail(s) could not be sent: see the errors in the admin's "
                "notifications."
            )

    def due(self, limit):
        due = Notification.objects.due().select_related("recipient")
        return due[:limit] if limit else due

    def send(self, due):
        """Send each mail through one connection; (sent, to try again, failed)."""
        counts = {Delivery.SENT: 0, Delivery.QUEUED: 0, Delivery.FAILED: 0}
        connection = mail.get_connection()
        broken = self.open(connection)
        for notification in due:
            if not notification.claim():
                continue  # another run of the command is sending it
            if broken is not None:
                notification.attempt_failed(broken)
            else:
                try:
                    if not connection.send_messages([notification.message()]):
                        raise ValueError("the recipient has no e-mail address")
                except Exception as error:
                    notification.attempt_failed(described(error))
                    # The server may have dropped the connection: start the next mail afresh.
                    self.close(connection)
                    broken = self.open(connection)
                else:
                    notification.sent()
            self.stdout.write(
                f"{notification.get_status_display()}: {notification}"
                + (f" ({notification.last_error})" if notification.last_error else "")
            )
            counts[notification.status] += 1
        self.close(connection)
        return counts[Delivery.SENT], counts[Delivery.QUEUED], counts[Delivery.FAILED]

    def open(self, connection):
        """None once the connection is open, else why it would not open."""
        try:
            connection.open()
        except Exception as error:
            return described(error)
        return None

    def close(self, connection):
        try:
            connection.close()
        except Exception:  # a connection that failed may fail to close; it is dropped anyway
            pass
