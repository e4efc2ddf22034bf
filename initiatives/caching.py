"""Public pages served from the cache: one render per page and data generation, the previous
version served for a few seconds while it is made, never older than that.

A page is cached under its address (scheme, host, path and query; the language is in the path)
and today's date, since schedule positions move with the calendar. Every entry carries the data
generations it was rendered at: numbers held in the cache that go up on every write (the
receivers below, and `data_changed()` for writes that send no signal, such as
`QuerySet.update()` and `bulk_create()`). There is one generation per plan, one for pages that
show every plan (the API, the sitemap), raised with every plan's, and a global one for data
that belongs to no plan (members, focus areas, sources, the plans themselves), which every page
shows. A page belongs to the plan of its address: `/plans/<slug>/...`, or the plan the site
opens on for the short addresses. A write in one plan leaves the other plans' pages cached.

A generation goes up when the write's transaction commits, not before: a page rendered while
it was open is rendered from the rows as they were and kept under the generation they were at,
so each write costs each page one render, after the commit. When the cache loses a generation
(eviction, a new server), it starts again from the current time in microseconds: a value none
of the old entries can carry.
A batch of writes (an admin action over many records) raises each generation it touches once,
at its end (`one_bump()`).

An entry of an older generation is served only while another request renders the new one (a
lock in the shared cache, `cache.add`, which expires after PAGE_CACHE_LOCK_SECONDS should its
holder die), and only for PAGE_CACHE_STALE_SECONDS after the first write it does not show
(0: never). With no such entry the request waits up to PAGE_CACHE_WAIT_SECONDS for the render
in progress, then renders the page itself. Each answer says which it was in `Cache-Status`
(RFC 9211): `tracker; hit`, `tracker; hit; ttl=-2; detail=stale` (the previous version, 2 s
behind), `tracker; fwd=miss; stored` or `tracker; fwd=stale; stored` (rendered here),
`tracker; fwd=miss; collapsed` (rendered by another request, waited for), `tracker; fwd=bypass`.

Only anonymous GET and HEAD requests are cached (a request with a session cookie bypasses the
cache and sees its own writes at once), and only 200 responses that set no cookie, use no CSRF
token, do not vary on cookies and are not private. The gzip of each body is stored with it and
sent to clients that accept it. The ETag comes from the generations and the address, so a
repeat request with `If-None-Match` is answered 304 without rendering, even when the entry
itself has been evicted.

The same generations keep the summaries' counts (`kept_rows()`): what a page counts of every
item of its plan is counted once per generation and day, by the first request that needs it,
whether the page cache is on or not and whoever asks (staff included), and is shared by every
address that shows it (another page of a table, the other language).
"""

import contextlib
import contextvars
import gzip
import hashlib
import logging
import math
import re
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
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags, parse_http_date_safe

from initiatives import clock
from initiatives.models.choices import ReviewState

GENERATION_KEY = "pages:generation"  # the global generation; the others are suffixed
ALL_PLANS = "plans"  # the scope of pages that show every plan
ALL_PLANS_PATHS = ("/api/", "/sitemap.xml")  # outside the plans' addresses
WATCHED_APPS = {"initiatives"}  # the plan's data; staff accounts and sessions are not shown
# Of the plan's app, never on a public page: profiles, and the outbox a review writes to.
PRIVATE_MODELS = {"staffprofile", "notification", "notificationoptout"}
CACHE_CONTROL = {"public": True, "max_age": 0, "must_revalidate": True}
COMPRESSIBLE = re.compile(r"^(text/|application/(json|xml|atom\+xml|javascript)|image/svg)")
SKIPPED_HEADERS = {"content-length", "content-encoding"}
logger = logging.getLogger(__name__)
_batch = contextvars.ContextVar("page_cache_batch", default=None)


def page_cache():
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


def setting(name, default):
    return getattr(settings, name, default)


def new_generation():
    return time.time_ns() // 1000


def generation_key(scope=None):
    return GENERATION_KEY if scope is None else f"{GENERATION_KEY}:{scope}"


def plan_scope(plan_id):
    return f"plan:{plan_id}"


def current_generation(scope=None, cache=None):
    cache = cache or page_cache()
    key = generation_key(scope)
    value = cache.get(key)
    if value is None:
        cache.add(key, new_generation(), timeout=None)
        value = cache.get(key)
    return value


def bumped_key(scope):
    """When `scope` reached each of its latest generations: how long an older entry has been
    out of date. One key per scope, so that many writes do not fill the cache with times."""
    return f"{generation_key(scope)}:at"


BUMPS_KEPT = 64


def bump_generation(*scopes):
    """Raise the generation of each scope (the global one when none is named)."""
    cache = page_cache()
    now = time.time()
    for scope in scopes or (None,):
        key = generation_key(scope)
        try:
            value = cache.incr(key)
        except ValueError:  # lost: start again from a value never used before
            cache.add(key, new_generation(), timeout=None)
            continue
        # Read, then written: two bumps at once may lose one time, and an entry whose time
        # is lost is then never served stale, never served too old.
        times = cache.get(bumped_key(scope)) or {}
        times[value] = now
        kept = dict(sorted(times.items())[-BUMPS_KEPT:])
        cache.set(bumped_key(scope), kept, timeout=max(3600, 10 * stale_seconds()))


def scopes_of(plan_id):
    return (None,) if plan_id is None else (plan_scope(plan_id), ALL_PLANS)


def bump_on_commit(scopes, using=None):
    """Raise the generations of `scopes` once the write is committed: a page rendered before
    then is rendered from the rows as they were, and is kept under the generation they were at.

    However many rows a transaction writes, each generation it touches is raised once, by the
    first of its callbacks to run at the commit: raised once per row (a task's save sends two
    signals), a visitor arriving between two raises rendered the page under a generation about
    to be left, and the next rendered it again. A callback dropped with a rolled-back savepoint
    leaves its scopes to the others: the pages are then made out of date once too often, never
    once too few.

    Within a test case's transaction, which is never committed and stands for the database
    (Django's own `durable` check reads it so), the generations are raised at once."""
    connection = transaction.get_connection(using)
    blocks = connection.atomic_blocks
    if blocks and getattr(blocks[0], "_from_testcase", False):
        bump_generation(*sorted(scopes, key=str))
        return
    pending = getattr(connection, "page_cache_pending", None)
    if pending is None or not connection.run_on_commit:  # what a rollback left: not ours
        pending = connection.page_cache_pending = set()
    pending.update(scopes)

    def bump():
        if pending:
            ordered = sorted(pending, key=str)  # None (global) sorts as "None"
            pending.clear()
            bump_generation(*ordered)

    transaction.on_commit(bump, using=using)


def data_changed(using=None, plan=None):
    """Make cached pages out of date: those of the plan with key `plan` (and the pages of
    every plan), or every page when `plan` is None. Call it after a write that sends no model
    signal."""
    scopes = scopes_of(plan)
    batch = _batch.get()
    if batch is not None:
        batch.update(scopes)
        return
    bump_on_commit(scopes, using)


@contextlib.contextmanager
def one_bump(using=None):
    """Raise each generation the writes within touch once, at the end, instead of once per
    row: a batch of a hundred approvals then costs the pages one render each, not a hundred.
    Pages may show the state before the batch until it ends."""
    if _batch.get() is not None:  # within another batch: that one bumps
        yield
        return
    scopes = set()
    token = _batch.set(scopes)
    try:
        yield
    finally:
        _batch.reset(token)
        if scopes:
            bump_on_commit(scopes, using)


# A summary's rows (a page's counts of every item, the items behind schedule) are kept for a
# day at most, one entry per summary: a newer generation replaces the entry, never adds one.
SUMMARY_SECONDS = 24 * 3600


def kept_rows(plan_id, key, count):
    """The rows `count()` returns, kept in the shared cache under the generations of the plan
    with key `plan_id` and the global one: counted again after every public write that the
    plan's pages may show, and by one request after it, whichever page or address (a table's
    other page, the other language) asks first.

    The generations are read before counting, and raised only once a write is committed, so
    rows kept under a generation are never older than it: as the pages' own entries.
    `key` (a string) must name all the rest the rows are made of: the summary's SQL and
    parameters, with the day. An unreachable cache counts every time."""
    cache = page_cache()
    scope = plan_scope(plan_id)
    name = f"summary:{hashlib.blake2b(key.encode(), digest_size=16).hexdigest()}"
    try:
        found = cache.get_many([GENERATION_KEY, generation_key(scope), name])
        generation = (
            found.get(GENERATION_KEY) or current_generation(None, cache),
            found.get(generation_key(scope)) or current_generation(scope, cache),
        )
    except Exception:
        logger.exception("The cache is unreachable; counting without it")
        return count()
    entry = found.get(name)
    if entry is not None and entry[0] == generation:
        return entry[1]
    rows = count()
    try:
        cache.set(name, (generation, rows), timeout=SUMMARY_SECONDS)
    except Exception:
        logger.exception("The cache is unreachable; the rows counted are not kept")
    return rows


def plan_of(instance, using=None):
    """The key of the plan a written row belongs to, through its plan, item or target; None
    for a row of no plan (a member, a source, a plan itself), which every page may show."""
    from initiatives.models import Plan, PlanItem, Target

    if instance is None or isinstance(instance, Plan):
        return None
    if getattr(instance, "plan_id", None) is not None:
        return instance.plan_id
    cached = instance._state.fields_cache
    if getattr(instance, "item_id", None) is not None:
        if cached.get("item") is not None:
            return cached["item"].plan_id
        rows = PlanItem._base_manager.using(using).filter(pk=instance.item_id)
        return rows.values_list("plan_id", flat=True).first()
    if getattr(instance, "target_id", None) is not None:
        target = cached.get("target")
        if target is not None and target._state.fields_cache.get("item") is not None:
            return target.item.plan_id
        rows = Target._base_manager.using(using).filter(pk=instance.target_id)
        return rows.values_list("item__plan_id", flat=True).first()
    return None


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
    if (
        sender._meta.proxy
        and kwargs.get("signal") in FORWARDED
        and sender._meta.app_label == "initiatives"
    ):
        return  # sent again as its concrete model's (apps.forward_to_concrete): counted there
    if shown_publicly(sender, instance, created):
        using = kwargs.get("using")
        # A row loaded as it is (loaddata, a restore) may reach a schema its plan's columns are
        # not in yet, or rows not loaded yet: every page is made out of date instead.
        plan = None if kwargs.get("raw") else plan_of(instance, using)
        data_changed(using=using, plan=plan)


def _migrated(sender, **kwargs):
    # New code or a new schema may render any page differently.
    bump_generation()


# The signals the app sends again for a proxy of its own as its concrete model's.
FORWARDED = (post_save, post_delete)


def connect_receivers():
    pre_save.connect(_report_saving, dispatch_uid="page-cache-report-saving")
    post_save.connect(_plan_data_saved, dispatch_uid="page-cache-save")
    post_delete.connect(_plan_data_saved, dispatch_uid="page-cache-delete")
    m2m_changed.connect(_plan_data_saved, dispatch_uid="page-cache-m2m")
    post_migrate.connect(_migrated, dispatch_uid="page-cache-migrate")


def stale_seconds():
    return setting("PAGE_CACHE_STALE_SECONDS", 5)


class Plans:
    """Which plan each address shows, read once per global generation (a plan's slug, or
    which plan the site opens on, changes only by a write to the plans, which raises it)."""

    prefix = None

    def __init__(self):
        self.generation, self.keys, self.current = None, {}, None

    def refresh(self, generation):
        from initiatives.models import Plan

        rows = list(Plan.objects.values_list("slug", "pk", "is_current"))
        self.keys = {slug: pk for slug, pk, _ in rows}
        self.current = next((pk for _, pk, is_current in rows if is_current), None)
        self.generation = generation

    @staticmethod
    def plan_address():
        if Plans.prefix is None:
            languages = "|".join(re.escape(code) for code, _ in settings.LANGUAGES)
            Plans.prefix = re.compile(rf"^/(?:(?:{languages})/)?plans/([-\w]+)/")
        return Plans.prefix

    def scope(self, path):
        if path.startswith(ALL_PLANS_PATHS):
            return ALL_PLANS
        match = self.plan_address().match(path)
        key = self.keys.get(match[1]) if match else self.current
        return ALL_PLANS if key is None else plan_scope(key)


def accepts_gzip(request):
    """Whether Accept-Encoding allows gzip (`gzip;q=0` refuses it, `*` allows it)."""
    weights = {}
    for part in request.META.get("HTTP_ACCEPT_ENCODING", "").split(","):
        coding, *params = (piece.strip().lower() for piece in part.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[coding] = weight
    return weights.get("gzip", weights.get("*", 0.0)) > 0


def compressed(content, content_type):
    if len(content) < 200 or not COMPRESSIBLE.match(content_type or ""):
        return None
    body = gzip.compress(content, compresslevel=6, mtime=0)
    return body if len(body) < len(content) else None


def same_etag(etag, candidates):
    """Weak comparison (RFC 9110, 13.1.2), as If-None-Match asks."""
    return etag.removeprefix("W/") in {tag.removeprefix("W/") for tag in candidates}


class PublicPageCacheMiddleware:
    """Serve anonymous GET and HEAD requests of public pages from the cache.

    Placed early (after the security and static-file middleware, before sessions): a hit skips
    everything after it, and the response it keeps is the one the rest of the stack produced.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.plans = Plans()
        self.gzip = GZipMiddleware(get_response)

    def __call__(self, request):
        if not self.applies_to(request):
            response = self.get_response(request)
            if self.bypassed(request):
                response["Cache-Status"] = "tracker; fwd=bypass"
            return response
        cache = page_cache()
        key = page_key(request)
        try:
            scope, generation, entry = self.look_up(cache, key, request.path)
        except Exception:  # an unreachable cache makes pages slower, never unavailable
            logger.exception("The page cache is unreachable; rendering %s", request.path)
            return self.public(request, self.get_response(request), "fwd=miss")
        fresh = entry is not None and self.current(entry, scope, generation)
        etag = '"{:x}.{:x}-{}"'.format(*generation, key.rsplit(":", 1)[-1][:16])

        if self.not_modified(request, etag, entry if fresh else None):
            response = HttpResponseNotModified()
            response["ETag"] = etag
            if fresh:
                response["Last-Modified"] = entry["last_modified"]
            patch_cache_control(response, **CACHE_CONTROL)
            response["Cache-Status"] = "tracker; hit"
            return response
        if fresh:
            return self.served(request, entry, "hit", "tracker; hit")

        # One render of a page at a time, whatever the generation: a render that has fallen
        # behind the writes is not joined by another one, it is followed by one.
        lock = f"{key}:render"
        deadline = time.monotonic() + setting("PAGE_CACHE_WAIT_SECONDS", 10)
        waited = False
        while True:
            if self.locked(cache, lock):
                # Rendered and stored by another request since it was read: one render only.
                kept = cache.get(key)
                if kept is not None and self.current(kept, scope, generation):
                    cache.delete(lock)
                    return self.served(request, kept, "hit", "tracker; hit")
                forwarded = "fwd=stale" if entry is not None else "fwd=miss"
                return self.render(request, cache, key, scope, generation, etag, lock, forwarded)
            behind = self.behind(cache, entry, scope, generation)
            allowed = stale_seconds()
            if behind is not None and allowed > 0 and behind <= allowed:
                ttl = -max(1, math.ceil(behind))
                status = f"tracker; hit; ttl={ttl}; detail=stale"
                return self.served(request, entry, "stale", status)
            if waited and time.monotonic() >= deadline:
                forwarded = "fwd=stale" if entry is not None else "fwd=miss"
                return self.render(request, cache, key, scope, generation, etag, None, forwarded)
            entry = self.wait_for(cache, key, lock, deadline) or entry
            waited = True
            if self.current(entry, scope, generation):
                return self.served(request, entry, "hit", "tracker; fwd=miss; collapsed")

    def look_up(self, cache, key, path):
        """The page's scope, its generations (global, scope's) and the entry kept for it:
        one round trip to the cache, two when the plans were changed since last read."""
        scope = self.plans.scope(path) if self.plans.generation is not None else ALL_PLANS
        found = cache.get_many([GENERATION_KEY, generation_key(scope), key])
        overall = found.get(GENERATION_KEY)
        if overall is None:
            overall = current_generation(None, cache)
        if overall != self.plans.generation:
            self.plans.refresh(overall)
            if self.plans.scope(path) != scope:
                scope = self.plans.scope(path)
                found.pop(generation_key(scope), None)
                found.update(cache.get_many([generation_key(scope)]))
        scoped = found.get(generation_key(scope))
        if scoped is None:
            scoped = current_generation(scope, cache)
        return scope, (overall, scoped), found.get(key)

    @staticmethod
    def current(entry, scope, generation):
        if entry is None:
            return False
        return entry.get("scope") == scope and tuple(entry["generation"]) == generation

    @staticmethod
    def locked(cache, lock):
        """Take the lock on rendering this page at this generation; False if another holds
        it. It expires by itself should its holder die."""
        try:
            return cache.add(lock, 1, timeout=setting("PAGE_CACHE_LOCK_SECONDS", 30))
        except Exception:
            logger.exception("The page cache is unreachable; rendering without a lock")
            return False

    @staticmethod
    def behind(cache, entry, scope, generation):
        """Seconds since the first write an older entry does not show; None when it is not
        known (the times were lost, or the entry is of another plan or day)."""
        if entry is None or entry.get("scope") != scope:
            return None
        wanted = {}
        for name, then, now in zip((None, scope), entry["generation"], generation, strict=True):
            if now != then:
                if now < then:
                    return None
                wanted[bumped_key(name)] = then + 1
        found = cache.get_many(list(wanted))
        times = [found.get(key, {}).get(generation) for key, generation in wanted.items()]
        if None in times:
            return None
        return max(0.0, time.time() - min(times))

    @staticmethod
    def wait_for(cache, key, lock, deadline):
        """The page's entry once the render under way ends (kept or not: an error page is
        not), or at the deadline, PAGE_CACHE_WAIT_SECONDS after the request came."""
        pause = 0.01
        while True:
            time.sleep(pause)
            pause = min(pause * 2, 0.1)
            found = cache.get_many([key, lock])
            if lock not in found or time.monotonic() >= deadline:
                return found.get(key)

    def render(self, request, cache, key, scope, generation, etag, lock, forwarded):
        try:
            response = self.get_response(request)
        except BaseException:
            if lock:
                cache.delete(lock)
            raise
        if not self.storable(request, response):
            if lock:
                cache.delete(lock)
            return self.public(request, response, forwarded)
        response["ETag"] = etag
        response["Last-Modified"] = formatdate(time.time(), usegmt=True)
        patch_cache_control(response, **CACHE_CONTROL)
        patch_vary_headers(response, ("Accept-Encoding",))
        entry = {
            "generation": generation,
            "scope": scope,
            "status": response.status_code,
            "headers": [
                (name, value)
                for name, value in response.items()
                if name.lower() not in SKIPPED_HEADERS
            ],
            "last_modified": response["Last-Modified"],
        }
        response["X-Page-Cache"] = "miss"
        response["Cache-Status"] = f"tracker; {forwarded}; stored"
        if response.streaming:
            # Its body is kept only once sent whole, which a client may never ask for (a HEAD,
            # a download cut short): the next request renders it too rather than wait for it.
            if lock:
                cache.delete(lock)
            response.streaming_content = self.kept_once_streamed(
                response.streaming_content, cache, key, entry, request.path
            )
            return self.gzip.process_response(request, response)
        entry["content"] = response.content
        entry["gzip"] = compressed(response.content, response.get("Content-Type"))
        self.keep(cache, key, entry, request.path, lock)
        return self.served(request, entry, "miss", response["Cache-Status"], response)

    def served(self, request, entry, state, status, response=None):
        """The entry as a response, its body compressed when the client accepts it."""
        zipped = entry.get("gzip") if accepts_gzip(request) else None
        body = zipped or entry["content"]
        if response is None:
            response = HttpResponse(status=entry["status"])
            for name, value in entry["headers"]:
                response[name] = value
        response.content = body
        if zipped:
            response["Content-Encoding"] = "gzip"
            response["ETag"] = "W/" + response["ETag"].removeprefix("W/")
        response["Content-Length"] = str(len(body))
        response["X-Page-Cache"] = state
        response["Cache-Status"] = status
        return response

    def public(self, request, response, forwarded):
        """A public response not kept: compressed only when it holds no secret to guess at
        (BREACH): no cookie set, no CSRF token used."""
        response["Cache-Status"] = f"tracker; {forwarded}"
        if not response.cookies and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            response = self.gzip.process_response(request, response)
        return response

    @staticmethod
    def keep(cache, key, entry, path, lock=None):
        try:
            cache.set(key, entry, setting("PAGE_CACHE_SECONDS", 24 * 3600))
            if lock:
                cache.delete(lock)
        except Exception:
            logger.exception("The page cache is unreachable; %s not kept", path)

    @classmethod
    def kept_once_streamed(cls, chunks, cache, key, entry, path, lock=None):
        """Pass a streamed response on as it comes, and keep it if it ends whole and small
        enough: the memory held never exceeds PAGE_CACHE_MAX_BYTES, whatever its length."""
        limit = setting("PAGE_CACHE_MAX_BYTES", 8 * 2**20)
        kept, size = [], 0
        try:
            for chunk in chunks:
                if kept is not None:
                    size += len(chunk)
                    if size <= limit:
                        kept.append(chunk)
                    else:
                        kept = None  # too long to keep: let go of what was held
                yield chunk
            if kept is not None:
                content = b"".join(kept)
                content_type = dict((k.lower(), v) for k, v in entry["headers"])
                zipped = compressed(content, content_type.get("content-type"))
                cls.keep(cache, key, {**entry, "content": content, "gzip": zipped}, path)
        finally:
            if lock:
                cache.delete(lock)

    @staticmethod
    def applies_to(request):
        if not setting("PAGE_CACHE", True) or request.method not in ("GET", "HEAD"):
            return False
        if settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
            return False
        return not request.path.startswith(tuple(setting("PAGE_CACHE_EXCLUDE", ())))

    @staticmethod
    def bypassed(request):
        """A request of a public page that the cache leaves to be rendered: staff's."""
        if not setting("PAGE_CACHE", True) or request.method not in ("GET", "HEAD"):
            return False
        return not request.path.startswith(tuple(setting("PAGE_CACHE_EXCLUDE", ())))

    @staticmethod
    def not_modified(request, etag, entry):
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        if if_none_match:  # when both are sent, the ETag decides (RFC 9110, 13.1.3)
            return same_etag(etag, parse_etags(if_none_match)) or if_none_match.strip() == "*"
        since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE") or "")
        if since is None or entry is None:
            return False
        return parse_http_date_safe(entry["last_modified"]) <= since

    @staticmethod
    def storable(request, response):
        if response.status_code != 200 or response.cookies:
            return False
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return False  # the page carries a CSRF token
        session = getattr(request, "session", None)
        if session is not None and session.accessed:
            return False
        vary = {v.strip().lower() for v in response.get("Vary", "").split(",")}
        if "cookie" in vary or "*" in vary:
            return False
        cache_control = response.get("Cache-Control", "").lower()
        if "private" in cache_control or "no-store" in cache_control:
            return False
        if response.has_header("Content-Encoding"):
            return False  # already encoded by the view
        if response.streaming:  # kept only if it ends within the limit
            return True
        return len(response.content) <= setting("PAGE_CACHE_MAX_BYTES", 8 * 2**20)


def page_key(request):
    """The address and today's date, hashed: the ETag's last part is taken from it."""
    page = f"{clock.today().isoformat()} {request.build_absolute_uri()}"
    return f"page:{hashlib.sha256(page.encode()).hexdigest()}"
