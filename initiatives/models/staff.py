from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .reference import Member


class StaffProfileManager(models.Manager):
    def get_by_natural_key(self, username):
        return self.get(user__username=username)


class StaffProfile(models.Model):
    """Whom a staff account works for: a member, or the regional cooperation office."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("member"),
        help_text=_("Empty for staff of the regional cooperation office."),
    )
    require_two_factor = models.BooleanField(
        _("two-factor sign-in required"),
        default=False,
        help_text=_(
            "Set by the regional cooperation office: this account must sign in with a code "
            "from an authenticator app."
        ),
    )

    objects = StaffProfileManager()

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return f"{self.user} ({self.organisation})"

    def natural_key(self):
        return self.user.natural_key()

    natural_key.dependencies = ["auth.user", "initiatives.member"]

    @property
    def organisation(self):
        return self.member.name if self.member else _("Regional Cooperation Office")
