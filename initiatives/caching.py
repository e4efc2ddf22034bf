"""Public pages served from the cache, never stale.

A page is cached under its address (scheme, host, path and query; the language is in the path)
and today's date, since schedule positions move with the calendar. Every entry carries the data
generation it was rendered at: a number held in the cache that goes up on every write to the
plan (the receivers below, and `data_changed()` for writes that send no signal, such as
`QuerySet.update()` and `bulk_create()`). An entry of an older generation is never served.

The generation goes up once when the write happens and once more when its transaction commits,
so a page rendered from the old rows while the transaction was open is stored under a
generation that no later request reads. When the cache loses the number (eviction, a new
server), it starts again from the current time in microseconds: a value none of the old
entries can carry.

Only anonymous GET and HEAD requests are cached (a request with a session cookie bypasses the
cache), and only 200 responses that set no cookie, do not vary on it and are not private. The
ETag comes from the generation and the address, so a repeat request with `If-None-Match` is
answered 304 without rendering, even when the entry itself has been evicted.
"""

import hashlib
import logging
import time
from email.utils import formatdate

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_save,
)
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags, parse_http_date_safe

from initiatives import clock
from initiatives.models.choices import ReviewState

GENERATION_KEY = "pages:generation"
WATCHED_APPS = {"initiatives"}  # the plan's data; staff accounts and sessions are not shown
PRIVATE_MODELS = {"staffprofile"}  # of the plan's app, never on a public page
CACHE_CONTROL = {"public": True, "max_age": 0, "must_revalidate": True}
logger = logging.getLogger(__name__)


def page_cache():
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


def new_generation():
    return time.time_ns() // 1000


def current_generation(cache=None):
    cache = cache or page_cache()
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, new_generation(), timeout=None)
        value = cache.get(GENERATION_KEY)
    return value


def bump_generation():
    cache = page_cache()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # lost: start again from a value never used before
        cache.add(GENERATION_KEY, new_generation(), timeout=None)


def data_changed(using=None):
    """Make every cached page out of date: call after a write that sends no model signal."""
    bump_generation()
    transaction.on_commit(bump_generation, using=using)


def shown_publicly(sender, instance=None, created=False):
    """Whether a write can change a public page.

    Change history and staff profiles are never shown. A progress report is shown only while
    approved: submitting or returning a report that never was approved changes no public page,
    so staff at work do not empty the cache the public reads from.
    """
    meta = sender._meta.concrete_model._meta  # the review queue's proxy is a progress report
    if meta.app_label not in WATCHED_APPS or meta.model_name.startswith("historical"):
        return False
    if meta.model_name in PRIVATE_MODELS:
        return False
    if meta.model_name == "progressreport" and instance is not None:
        if "status" in instance.get_deferred_fields():
            return True  # its state unknown (and, once the row is deleted, not to be read)
        before = None if created else status_before(instance)
        instance._page_cache_status = instance.status  # as last saved, for its next write
        return ReviewState.APPROVED in (instance.status, before)
    return True


def status_before(report):
    """A report's review state before a save or delete: as stored when the save began (read by
    `_report_saving`) or as this instance last saved it; else as loaded, if it was loaded."""
    if hasattr(report, "_page_cache_status"):
        return report._page_cache_status
    return ReviewState.APPROVED if report._state.adding else report.status


def _report_saving(sender, instance, using=None, **kwargs):
    """Read a report's review state as stored before the save: one query by key, only for a
    row that exists. A state not read (an unsaved object, a deferred status) counts as shown."""
    model = sender._meta.concrete_model  # the review queue's proxy is a progress report
    if model._meta.label_lower != "initiatives.progressreport":
        return
    stored = None
    if not instance._state.adding and "status" not in instance.get_deferred_fields():
        rows = model._base_manager.using(using).filter(pk=instance.pk)
        stored = rows.values_list("status", flat=True).first()
    instance._page_cache_status = stored or ReviewState.APPROVED


def _plan_data_saved(sender, instance=None, created=False, **kwargs):
    if shown_publicly(sender, instance, created):
        data_changed(using=kwargs.get("using"))


def _migrated(sender, **kwargs):
    # New code or a new schema may render any page differently.
    bump_generation()


def connect_receivers():
    pre_save.connect(_report_saving, dispatch_uid="page-cache-report-saving")
    post_save.connect(_plan_data_saved, dispatch_uid="page-cache-save")
    post_delete.connect(_plan_data_saved, dispatch_uid="page-cache-delete")
    m2m_changed.connect(_plan_data_saved, dispatch_uid="page-cache-m2m")
    post_migrate.connect(_migrated, dispatch_uid="page-cache-migrate")


class PublicPageCacheMiddleware:
    """Serve anonymous GET and HEAD requests of public pages from the cache.

    Placed early (after the security and static-file middleware, before sessions): a hit skips
    everything after it, and the response it keeps is the one the rest of the stack produced.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.applies_to(request):
            return self.get_response(request)
        cache = page_cache()
        key = page_key(request)
        try:
            found = cache.get_many([GENERATION_KEY, key])
            generation = found.get(GENERATION_KEY)
            if generation is None:
                generation = current_generation(cache)
        except Exception:  # an unreachable cache makes pages slower, never unavailable
            logger.exception("The page cache is unreachable; rendering %s", request.path)
            return self.get_response(request)
        entry = found.get(key)
        if entry is not None and entry["generation"] != generation:
            entry = None
        etag = f'"{generation:x}-{key.rsplit(":", 1)[-1][:16]}"'

        if self.not_modified(request, etag, entry):
            response = HttpResponseNotModified()
            response["ETag"] = etag
            if entry is not None:
                response["Last-Modified"] = entry["last_modified"]
            patch_cache_control(response, **CACHE_CONTROL)
            return response
        if entry is not None:
            response = HttpResponse(entry["content"], status=entry["status"])
            for name, value in entry["headers"]:
                response[name] = value
            response["X-Page-Cache"] = "hit"
            return response

        response = self.get_response(request)
        if self.storable(request, response):
            response["ETag"] = etag
            response["Last-Modified"] = formatdate(time.time(), usegmt=True)
            patch_cache_control(response, **CACHE_CONTROL)
            entry = {
                "generation": generation,
                "status": response.status_code,
                "headers": list(response.items()),
                "last_modified": response["Last-Modified"],
            }
            if response.streaming:
                response.streaming_content = self.kept_once_streamed(
                    response.streaming_content, cache, key, entry, request.path
                )
            else:
                self.keep(cache, key, {**entry, "content": response.content}, request.path)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def keep(cache, key, entry, path):
        try:
            cache.set(key, entry, getattr(settings, "PAGE_CACHE_SECONDS", 24 * 3600))
        except Exception:
            logger.exception("The page cache is unreachable; %s not kept", path)

    @classmethod
    def kept_once_streamed(cls, chunks, cache, key, entry, path):
        """Pass a streamed response on as it comes, and keep it if it ends whole and small
        enough: the memory held never exceeds PAGE_CACHE_MAX_BYTES, whatever its length."""
        limit = getattr(settings, "PAGE_CACHE_MAX_BYTES", 8 * 2**20)
        kept, size = [], 0
        for chunk in chunks:
            if kept is not None:
                size += len(chunk)
                if size <= limit:
                    kept.append(chunk)
                else:
                    kept = None  # too long to keep: let go of what was held
            yield chunk
        if kept is not None:
            cls.keep(cache, key, {**entry, "content": b"".join(kept)}, path)

    @staticmethod
    def applies_to(request):
        if not getattr(settings, "PAGE_CACHE", True) or request.method not in ("GET", "HEAD"):
            return False
        if settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
            return False
        excluded = getattr(settings, "PAGE_CACHE_EXCLUDE", ())
        return not request.path.startswith(tuple(excluded))

    @staticmethod
    def not_modified(request, etag, entry):
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        if if_none_match:  # when both are sent, the ETag decides (RFC 9110, 13.1.3)
            return etag in parse_etags(if_none_match) or if_none_match.strip() == "*"
        since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE") or "")
        if since is None or entry is None:
            return False
        return parse_http_date_safe(entry["last_modified"]) <= since

    @staticmethod
    def storable(request, response):
        if response.status_code != 200 or response.cookies:
            return False
        session = getattr(request, "session", None)
        if session is not None and session.accessed:
            return False
        vary = {v.strip().lower() for v in response.get("Vary", "").split(",")}
        if "cookie" in vary or "*" in vary:
            return False
        cache_control = response.get("Cache-Control", "").lower()
        if "private" in cache_control or "no-store" in cache_control:
            return False
        if response.streaming:  # kept only if it ends within the limit
            return True
        return len(response.content) <= getattr(settings, "PAGE_CACHE_MAX_BYTES", 8 * 2**20)


def page_key(request):
    """The address and today's date, hashed: the ETag's second half is taken from it."""
    page = f"{clock.today().isoformat()} {request.build_absolute_uri()}"
    return f"page:{hashlib.sha256(page.encode()).hexdigest()}"
