"""Response headers, error pages and session rules that keep the site safe on the internet."""

import hashlib
import ipaddress
import logging
import math
import sys
import time
from urllib.parse import unquote

from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.core.cache import caches
from django.core.exceptions import BadRequest, PermissionDenied
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.views import defaults

from . import audit

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# The staff admin gets the same policy: Django's admin sets no inline script or style.
# django-import-export's export page did (two `style` attributes and the "Select all"
# toggle's `onchange`); templates/admin/import_export/export.html replaces them with static
# files.


def header(policy):
    return "; ".join(f"{directive} {sources}" for directive, sources in policy.items())


def admin_path(request):
    return request.path_info.startswith(reverse("admin:index"))


class ContentSecurityPolicyMiddleware:
    """Sends the Content-Security-Policy: no inline script, no framing, nothing off-site."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = header(POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class NulCharacterMiddleware:
    """PostgreSQL text cannot hold a NUL character; a lookup with one raises, a 500.

    No code, slug or filter value contains one, so such an address is answered at the door: a
    path with a NUL names no page (404), a query with one is a bad request (400).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            raise Http404
        if "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            raise BadRequest("A NUL character in the query string.")
        return self.get_response(request)


def client_address(request):
    """The address the sign-in lockout counts by: the client's, as the nearest of
    settings.PROXY_COUNT trusted proxies saw it, else the connection's own."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.PROXY_COUNT
    if count < 1:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < count:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote


# Sign-in throttling per username across addresses (docs/reliability.md, "Sign-in throttling").
# django-axes locks a username at one address; these counters, in the shared cache, slow down
# the guesses at one username from many addresses without ever locking the account.
logger = logging.getLogger(__name__)


def throttle_cache():
    return caches[settings.SIGNIN_THROTTLE_CACHE]


def throttle_key(kind, username):
    digest = hashlib.sha256(username.encode("utf-8", "surrogatepass")).hexdigest()
    return f"signin:{kind}:{digest}"


def username_failures(username):
    return throttle_cache().get(throttle_key("failures", username), 0)


def count_username_failure(username):
    """One more failed sign-in for `username`, from any address. The window slides: it lasts
    SIGNIN_USERNAME_WINDOW seconds after the latest failure, so a slow attack stays slowed."""
    cache, key, window = (
        throttle_cache(),
        throttle_key("failures", username),
        settings.SIGNIN_USERNAME_WINDOW,
    )
    if not cache.add(key, 1, window):
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.add(key, 1, window)
        cache.touch(key, window)


def is_known_address(username, address):
    """Whether `username` signed in successfully from `address` lately (django-axes' access
    log): its own office, say, which an attacker elsewhere cannot send from."""
    from axes.models import AccessLog

    if not address:
        return False
    since = timezone.now() - settings.SIGNIN_KNOWN_ADDRESS_AGE
    return AccessLog.objects.filter(
        username=username, ip_address=address, attempt_time__gte=since
    ).exists()


def sign_in_wait(request, username):
    """Seconds this sign-in for `username` must wait, or 0 to try the password now.

    Below SIGNIN_USERNAME_FAILURE_LIMIT failures there is no wait. Above it, an address the
    account signed in from lately is not held back; any other gets one attempt for the
    username every SIGNIN_USERNAME_DELAY seconds, whichever address it comes from.
    """
    if username_failures(username) < settings.SIGNIN_USERNAME_FAILURE_LIMIT:
        return 0
    if is_known_address(username, client_address(request)):
        return 0
    cache, key, delay = (
        throttle_cache(),
        throttle_key("next", username),
        settings.SIGNIN_USERNAME_DELAY,
    )
    now = time.time()
    if cache.add(key, now + delay, delay):
        return 0
    next_at = cache.get(key)
    if next_at is None:  # the slot just opened
        return 0 if cache.add(key, now + delay, delay) else delay
    return max(1, math.ceil(next_at - now))


class UsernameThrottleBackend:
    """An authentication backend that checks no password: placed after django-axes' backend
    and before Django's, it holds back a sign-in for a username under attack (sign_in_wait).

    A held-back attempt is marked as django-axes marks a locked one, so that django-axes
    records no failure for it and answers with `lockout_response`.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or not username:
            return None
        try:
            wait = sign_in_wait(request, username)
        except Exception:  # an unreachable cache leaves django-axes' lock alone, never a 500
            logger.exception("The sign-in throttle's cache is unreachable")
            return None
        request.sign_in_checked = True
        if wait:
            request.sign_in_wait = wait
            request.axes_locked_out = True
            audit.log(
                "sign_in_throttled", request, level=logging.WARNING, username=username, wait=wait
            )
            raise PermissionDenied
        return None


@receiver(user_login_failed, dispatch_uid="initiatives.security.count_username_failure")
def username_failure(sender, credentials, request=None, **kwargs):
    # Only attempts that were tried against the password count: not those refused by a lock
    # (django-axes' backend stops them before ours) nor those held back here.
    if request is None or not getattr(request, "sign_in_checked", False):
        return
    if getattr(request, "sign_in_wait", None):
        return
    username = get_client_username(request, credentials)
    if username:
        try:
            count_username_failure(username)
        except Exception:
            logger.exception("The sign-in throttle's cache is unreachable")


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the page for a locked or held-back sign-in, a 429 whose
    Retry-After and text give the wait."""
    wait = getattr(request, "sign_in_wait", None)
    context = {"username": get_client_username(request, credentials) or ""}
    if wait:
        context["wait_seconds"] = wait
    else:
        cool_off = get_cool_off(request)
        context["cooloff_timedelta"] = cool_off
        wait = math.ceil(cool_off.total_seconds())
    response = render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=429)
    response["Retry-After"] = str(wait)
    return response


DATABASE_ERRORS = (OperationalError, InterfaceError)


def unavailable(request=None):
    """The 503 page: rendered without the database, and without a request if need be."""
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(settings.RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """A lost database is an outage, not a bug: answer 503 and let the next request retry.

    Django closes a broken connection when the request ends (with health checks on), so the
    site serves pages again by itself as soon as the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            audit.log("database_unavailable", request, error=type(exception).__name__)
            return unavailable(request)
        return None


def server_error(request, template_name="500.html"):
    """handler500: a database error raised outside a view is still an outage (503)."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return unavailable(request)
    return defaults.server_error(request, template_name)


def permission_denied(request, exception, template_name="403.html"):
    """handler403: a refusal is logged before the friendly page is shown."""
    audit.log("permission_denied", request)
    return defaults.permission_denied(request, exception, template_name)


class StaffIdleTimeoutMiddleware:
    """Logs staff out of the admin after STAFF_IDLE_TIMEOUT seconds without a request.

    Only admin requests read the session, so the public pages stay free of cookies.
    """

    KEY = "last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if admin_path(request) and request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(self.KEY, now)
            if now - last_seen > settings.STAFF_IDLE_TIMEOUT:
                audit.log("session_expired", request)
                logout(request)
            elif now - last_seen >= 60 or self.KEY not in request.session:
                # Written at most once a minute, so browsing the admin rarely saves the session.
                request.session[self.KEY] = now
        return self.get_response(request)
