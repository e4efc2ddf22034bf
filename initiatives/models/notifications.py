"""Mail to staff, queued in the database and sent by `manage.py send_notifications`, so that
sending never blocks a request and a message that cannot be delivered is kept with its error."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Delivery, NotificationKind

# How long to wait before the next try after each failed one; the last wait repeats.
BACKOFF = (
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
# A mail being sent is held this long: another run of the command leaves it alone meanwhile,
# and tries it again if the run that held it died.
LEASE = timedelta(minutes=10)


class NotificationQuerySet(models.QuerySet):
    def due(self, now=None):
        """Queued mail whose time to be tried has come, in the order it is to be tried."""
        return self.filter(
            status=Delivery.QUEUED, next_attempt_at__lte=now or timezone.now()
        ).order_by("next_attempt_at", "pk")

    def failed(self):
        return self.filter(status=Delivery.FAILED)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    key = models.CharField(
        _("key"),
        max_length=200,
        blank=True,
        help_text=_("Names what the mail is about, so that the same one is never queued twice."),
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    status = models.CharField(
        _("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~Q(key=""),
                name="initiatives_notification_once_per_key",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values),
                name="initiatives_notification_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Delivery.values),
                name="initiatives_notification_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="initiatives_outbox")]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient}: {self.subject}"

    def claim(self, now=None):
        """Hold this mail for one sender: False when another run of the command took it first."""
        now = now or timezone.now()
        taken = Notification.objects.filter(
            pk=self.pk, status=Delivery.QUEUED, next_attempt_at=self.next_attempt_at
        ).update(next_attempt_at=now + LEASE)
        self.next_attempt_at = now + LEASE
        return bool(taken)

    def message(self, connection=None):
        return EmailMessage(
            self.subject, self.body, to=[self.recipient.email], connection=connection
        )

    def sent(self, now=None):
        self.status = Delivery.SENT
        self.sent_at = now or timezone.now()
        self.attempts += 1
        self.last_error = ""
        self.save(update_fields=["status", "sent_at", "attempts", "last_error"])

    def attempt_failed(self, error, now=None):
        """Keep the error; try again after the next wait, or, past the last try, mark the mail
        failed (kept, never deleted)."""
        now = now or timezone.now()
        self.attempts += 1
        self.last_error = str(error)
        if self.attempts >= settings.TRACKER_MAIL_ATTEMPTS:
            self.status = Delivery.FAILED
        else:
            self.next_attempt_at = now + BACKOFF[min(self.attempts, len(BACKOFF)) - 1]
        self.save(update_fields=["status", "attempts", "last_error", "next_attempt_at"])

    def send_again(self, now=None):
        """Queue a failed mail for one more try, at once."""
        self.status = Delivery.QUEUED
        self.next_attempt_at = now or timezone.now()
        self.save(update_fields=["status", "next_attempt_at"])


class NotificationOptOutQuerySet(models.QuerySet):
    def kinds_off(self, user):
        return set(self.filter(user=user).values_list("kind", flat=True))

    def keep_only(self, user, kinds_off):
        """Make `kinds_off` the kinds `user` has turned off, and no others."""
        kinds_off = set(kinds_off)
        with transaction.atomic():
            self.filter(user=user).exclude(kind__in=kinds_off).delete()
            self.bulk_create(
                [self.model(user=user, kind=kind) for kind in sorted(kinds_off)],
                ignore_conflicts=True,
            )


class NotificationOptOut(models.Model):
    """A kind of mail that a person has turned off."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_opt_outs",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)

    objects = NotificationOptOutQuerySet.as_manager()

    class Meta:
        verbose_name = _("turned-off notification")
        verbose_name_plural = _("turned-off notifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="initiatives_optout_once"),
        ]

    def __str__(self):
        return f"{self.user}: {self.get_kind_display()}"
