from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .i18n import language_suffix
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
    name_zh = models.CharField(
        _("name (Chinese)"),
        max_length=150,
        blank=True,
        help_text=_(
            "How pages in Chinese name this person; pages in English use the account's first "
            "and last names."
        ),
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

    @property
    def display_name(self):
        """The person's name in the active language, falling back to the other one, then to
        the username."""
        english = self.user.get_full_name()
        names = (self.name_zh, english) if language_suffix() == "zh" else (english, self.name_zh)
        return next((name for name in names if name), self.user.get_username())


def display_name(user):
    """How the tracker names a person: by their staff profile's name in the active
    language, or by the account's full name or username when they have no profile."""
    if user is None:
        return ""
    profile = getattr(user, "staff_profile", None)
    if profile is not None:
        return profile.display_name
    return user.get_full_name() or user.get_username()
