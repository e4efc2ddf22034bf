"""Two-factor sign-in for staff: after the password, a code from an authenticator app.

Staff turn it on for themselves in the admin (initiatives/admin/two_factor.py). It is required
of every staff account when settings.REQUIRE_TWO_FACTOR is on, and of one account when the
cooperation office sets StaffProfile.require_two_factor. The devices are django-otp's: a TOTP
device for the app, and a static device holding single-use backup codes.
"""

import logging

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import devices_for_user
from django_otp import login as mark_verified
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit
from .security import admin_path

APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"
BACKUP_CODE_COUNT = 10
APP_CODE_DIGITS = 6


def is_required(user):
    """Whether the account may not use the admin without a confirmed device."""
    if settings.REQUIRE_TWO_FACTOR:
        return True
    profile = getattr(user, "staff_profile", None)
    return bool(profile is not None and profile.require_two_factor)


def is_set_up(user):
    """Whether the account has something to give a code from: a confirmed app, or backup codes
    left (spent backup codes alone would otherwise shut the account out)."""
    return (
        TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()
        or StaticToken.objects.filter(device__user=user, device__confirmed=True).exists()
    )


def normalise(code):
    """Codes are read aloud and copied: spaces and dashes are ignored, letters in any case."""
    return "".join((code or "").split()).replace("-", "").lower()


def verify(user, code):
    """The user's confirmed device that accepts `code`, or None.

    Six digits are the app's code; anything else is tried as a backup code, which works once.
    Only the device the code is meant for is tried, so a mistyped app code never throttles the
    backup codes (django-otp slows a device down after each failure).
    """
    code = normalise(code)
    if not code:
        return None
    is_app_code = len(code) == APP_CODE_DIGITS and code.isdigit()
    model = TOTPDevice if is_app_code else StaticDevice
    with transaction.atomic():
        devices = model.objects.devices_for_user(user, confirmed=True).select_for_update()
        for device in devices:
            if device.verify_token(code):
                return device
    return None


def pending_app_device(user):
    """The app device being set up: made once, unconfirmed, and kept until it is confirmed,
    so that a code already scanned stays valid when the page is shown again."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def new_backup_codes(user):
    """Replace the user's backup codes with fresh ones and return them (shown only once)."""
    device = StaticDevice.objects.filter(user=user).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def enrol(request, device, code):
    """Confirm the pending app device with its first code: two-factor sign-in is then on, and
    this session counts as verified. Returns the new backup codes, or None for a wrong code."""
    with transaction.atomic():
        if not device.verify_token(normalise(code)):
            audit.log("two_factor_failed", request, level=logging.WARNING, stage="enrolment")
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_backup_codes(request.user)
    mark_verified(request, device)
    audit.log("two_factor_enrolled", request)
    return codes


def remove(request):
    """Delete every device of the user: two-factor sign-in is off until it is set up again."""
    with transaction.atomic():
        for device in devices_for_user(request.user, confirmed=None):
            device.delete()
    audit.log("two_factor_removed", request)


class TwoFactorMiddleware:
    """Holds a signed-in account to two-factor sign-in on every admin page.

    An account with a confirmed device whose session was not verified with a code (it signed
    in before the device was set up, perhaps in another browser) is signed out. An account of
    which two-factor sign-in is required but which has no device yet reaches only the page
    that sets it up, and signing out. Placed after django-otp's OTPMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if admin_path(request) and request.user.is_authenticated:
            if not request.user.is_verified():
                response = self.hold(request)
                if response is not None:
                    return response
        return self.get_response(request)

    def hold(self, request):
        user = request.user
        login_url = reverse("admin:login")
        if is_set_up(user):
            audit.log("two_factor_unverified_session", request, level=logging.WARNING)
            logout(request)
            if request.path_info == login_url:
                return None
            return redirect_to_login(request.get_full_path(), login_url)
        open_paths = {reverse("admin_two_factor"), reverse("admin:logout")}
        if is_required(user) and request.path_info not in open_paths:
            return redirect("admin_two_factor")
        return None
