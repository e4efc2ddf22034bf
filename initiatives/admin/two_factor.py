"""Two-factor sign-in in the admin: the sign-in form's code, the page where staff set it up,
and the office's page where it is required of an account (rules in initiatives/two_factor.py)."""

import logging
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .. import audit, permissions, two_factor
from ..models import StaffProfile
from .base import ModelChoiceField

NEW_CODES_KEY = "two_factor_new_codes"


def code_field(**kwargs):
    return forms.CharField(
        label=_("Authentication code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
        **kwargs,
    )


class TwoFactorAuthenticationForm(AdminAuthenticationForm):
    """The admin sign-in form with the code of an account that has two-factor sign-in on.

    A missing or wrong code after the right password is a failed sign-in like a wrong
    password: it is logged and counts towards django-axes' lockout.
    """

    otp_token = code_field(
        required=False,
        help_text=_(
            "The six digits your authenticator app shows, or one of your backup codes. Leave it "
            "empty if two-factor sign-in is not set up for your account."
        ),
    )

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "code_required": _("Enter the authentication code from your app, or a backup code."),
        "code_invalid": _(
            "That authentication code is not valid. App codes change every 30 seconds and "
            "each backup code works once."
        ),
    }

    def clean(self):
        cleaned_data = super().clean()
        user = self.get_user()
        if user is None or not two_factor.is_set_up(user):
            return cleaned_data
        code = cleaned_data.get("otp_token")
        device = two_factor.verify(user, code)
        if device is None:
            self.refuse(user, "code_required" if not two_factor.normalise(code) else "code_invalid")
        # django-otp marks the session verified when it signs in a user carrying a device.
        user.otp_device = device
        return cleaned_data

    def refuse(self, user, reason):
        audit.log(
            "two_factor_failed",
            self.request,
            level=logging.WARNING,
            stage="sign-in",
            reason=reason,
            username=user.get_username(),
        )
        user_login_failed.send(
            sender=type(self),
            credentials={"username": self.cleaned_data.get("username", "")},
            request=self.request,
        )
        raise ValidationError(self.error_messages[reason], code=reason)


class CodeForm(forms.Form):
    otp_token = code_field()


class RequirementForm(forms.Form):
    profile = ModelChoiceField(StaffProfile.objects.select_related("user"))
    required = forms.BooleanField(required=False)


def qr_code_svg(text):
    """An SVG QR code, drawn here: the admin fetches nothing from elsewhere. It has its own
    white background so that it scans in the dark theme too."""
    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathFillImage,
        box_size=10,
        border=4,
    )
    # Geometry only: nothing of `text` appears in the markup.
    return mark_safe(image.to_string(encoding="unicode"))


def spaced(secret):
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


def render(request, template, context):
    request.current_app = admin.site.name
    return TemplateResponse(request, template, {**admin.site.each_context(request), **context})


def account(request):
    """The signed-in user's two-factor sign-in: set it up, or see it, renew the backup codes
    and turn it off."""
    user = request.user
    context = {
        "title": _("Two-factor sign-in"),
        "required": two_factor.is_required(user),
        "required_for_all": settings.REQUIRE_TWO_FACTOR,
        "may_require": permissions.sees_everything(user),
        "new_codes": request.session.pop(NEW_CODES_KEY, None),
    }
    if two_factor.is_set_up(user):
        app = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
        context.update(
            app=app,
            backup_codes_left=StaticToken.objects.filter(device__user=user).count(),
            form=CodeForm(),
        )
        return render(request, "admin/two_factor/account.html", context)

    device = two_factor.pending_app_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.enrol(request, device, form.cleaned_data["otp_token"])
        if codes is not None:
            request.session[NEW_CODES_KEY] = codes
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect("admin_two_factor")
        form.add_error("otp_token", _("That code is not valid. Enter the code the app shows now."))
    context.update(
        form=form,
        qr_code=qr_code_svg(device.config_url),
        secret=spaced(b32encode(device.bin_key).decode()),
    )
    return render(request, "admin/two_factor/enrol.html", context)


def confirmed_by_code(request):
    """Renewing backup codes or turning two-factor sign-in off asks for a current code, so an
    unattended session cannot do either."""
    form = CodeForm(request.POST)
    if form.is_valid() and two_factor.verify(request.user, form.cleaned_data["otp_token"]):
        return True
    audit.log("two_factor_failed", request, level=logging.WARNING, stage=request.POST.get("do"))
    messages.error(request, _("That authentication code is not valid; nothing was changed."))
    return False


@require_POST
def change(request):
    action = request.POST.get("do")
    if action not in ("backup_codes", "remove") or not two_factor.is_set_up(request.user):
        return redirect("admin_two_factor")
    if not confirmed_by_code(request):
        return redirect("admin_two_factor")
    if action == "backup_codes":
        request.session[NEW_CODES_KEY] = two_factor.new_backup_codes(request.user)
        audit.log("two_factor_backup_codes_renewed", request)
        messages.success(request, _("New backup codes were made; the old ones no longer work."))
    else:
        two_factor.remove(request)
        messages.success(request, _("Two-factor sign-in is off for your account."))
    return redirect("admin_two_factor")


def staff(request):
    """The office's page: which staff accounts have two-factor sign-in, and which must."""
    if not permissions.sees_everything(request.user):
        raise PermissionDenied
    form = RequirementForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, _("No such staff account; nothing was changed."))
            return redirect("admin_two_factor_staff")
        profile = form.cleaned_data["profile"]
        profile.require_two_factor = form.cleaned_data["required"]
        profile.save(update_fields=["require_two_factor"])
        audit.log(
            "two_factor_requirement_changed",
            request,
            staff=profile.user.get_username(),
            required=profile.require_two_factor,
        )
        messages.success(
            request,
            (
                _("Two-factor sign-in is now required of %(user)s.")
                if profile.require_two_factor
                else _("Two-factor sign-in is no longer required of %(user)s.")
            )
            % {"user": profile.user.get_username()},
        )
        return redirect("admin_two_factor_staff")
    profiles = (
        StaffProfile.objects.filter(user__is_active=True, user__is_staff=True)
        .select_related("user", "member")
        .annotate(
            is_set_up=Exists(TOTPDevice.objects.filter(user=OuterRef("user"), confirmed=True))
        )
        .order_by("member__position", "user__username")
    )
    return render(
        request,
        "admin/two_factor/staff.html",
        {
            "title": _("Two-factor sign-in of staff accounts"),
            "profiles": profiles,
            "required_for_all": settings.REQUIRE_TWO_FACTOR,
        },
    )


urlpatterns = [
    path("", admin.site.admin_view(account), name="admin_two_factor"),
    path("change/", admin.site.admin_view(change), name="admin_two_factor_change"),
    path("staff/", admin.site.admin_view(staff), name="admin_two_factor_staff"),
]
