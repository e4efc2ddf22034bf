"""Response headers, error pages and session rules that keep the site safe on the internet."""

import ipaddress
import sys
import time
from urllib.parse import unquote

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import BadRequest
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from django.template import loader
from django.urls import reverse
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
