"""Mail to staff, queued in the database and sent by `manage.py send_notifications`, so that
sending never blocks a request and a message that cannot be delivered is kept with its error."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Delivery, NotificationKind


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


class NotificationOptOut(models.Model):
    """A kind of mail that a person has turned off."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_opt_outs",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)

    class Meta:
        verbose_name = _("turned-off notification")
        verbose_name_plural = _("turned-off notifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="initiatives_optout_once"),
        ]

    def __str__(self):
        return f"{self.user}: {self.get_kind_display()}"
