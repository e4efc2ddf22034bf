"""The public pages come from the cache, never older than PAGE_CACHE_STALE_SECONDS.

Pages are first read once (and a second time, from the cache); then staff change the plan in the
admin. A visitor may be given the previous version of a page for at most that many seconds after
the write, and only while another request renders the new one; with the setting at 0 (as
`TestNeverStale` runs), and whenever no other render is under way, every page that shows the
change shows it at the next request, exactly as a page rendered without the cache would.
"""

import gzip
import os
import subprocess
import sys
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from unittest import mock

import pytest
import redis
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from initiatives import caching, clock
from initiatives.models import Plan, ProgressReport, ReviewState, Revision, Status, Target, Task
from tests import factories
from tests.admin_forms import change_form_data, seen_versions
from tests.site_data import UNAPPROVED, build_site
from tests.staff import reviewer

pytestmark = pytest.mark.django_db

PUBLIC = [
    "/",
    "/zh-hans/",
    "/initiatives/",
    "/initiatives/I-02/",
    "/zh-hans/initiatives/I-02/",
    "/projects/",
    "/projects/P-07/",
    "/tasks/",
    "/tasks/?status=delayed",
    "/tasks/T-101/",
    "/members/anhui/",
    "/members/jiangsu/",
    "/areas/area-2/",
    "/sources/",
    "/updates/",
    "/updates/feed/",
    "/tasks/?_export=csv",
    "/initiatives/?_export=json",
    "/api/initiatives/",
    "/api/tasks/",
    "/api/targets/",
    "/api/reports/",
    "/sitemap.xml",
]


@pytest.fixture
def site(db):
    return build_site()


OTHER = "other-2027-2029"


@pytest.fixture
def other(site):
    """A second plan, the next round, with the same small data as the current one."""
    other = factories.plan(OTHER, start=2027)
    build_site(plan=other)
    return other


@pytest.fixture
def public():
    """An anonymous visitor: no session cookie, so the cache applies."""
    return Client()


@pytest.fixture
def office(client):
    client.force_login(reviewer())
    return client


def admin_url(model, view, *args):
    return reverse(f"admin:initiatives_{model}_{view}", args=args)


def uncached(url):
    with override_settings(PAGE_CACHE=False):
        return Client().get(url)


def read_all(public, urls=PUBLIC):
    """Read every page twice: the second answer must come from the cache."""
    for url in urls:
        first = public.get(url)
        assert first.status_code == 200, url
        first.getvalue()  # a streamed page is kept once it has been sent whole
        again = public.get(url)
        assert again["X-Page-Cache"] == "hit", url
    return {url: public.get(url).getvalue() for url in urls}


def assert_current(public, before, must_change):
    """Every page is what an uncached render gives; those named changed."""
    for url in before:
        response = public.get(url)
        assert response.getvalue() == uncached(url).getvalue(), f"{url} is stale"
    for url in must_change:
        assert public.get(url).getvalue() != before[url], f"{url} did not change"


class TestServedFromTheCache:
    def test_a_second_request_costs_no_query(self, public, site):
        first = public.get("/initiatives/I-02/")
        assert first["X-Page-Cache"] == "miss"
        with CaptureQueriesContext(connection) as queries:
            second = public.get("/initiatives/I-02/")
        assert len(queries) == 0
        assert second["X-Page-Cache"] == "hit"
        assert second.getvalue() == first.getvalue()
        assert second["Content-Type"] == first["Content-Type"]

    def test_each_address_and_language_is_kept_apart(self, public, site):
        english = public.get("/initiatives/I-02/")
        chinese = public.get("/zh-hans/initiatives/I-02/")
        filtered = public.get("/tasks/?status=delayed")
        unfiltered = public.get("/tasks/")
        assert '<html lang="zh-Hans">' in chinese.getvalue().decode()
        assert english.getvalue() != chinese.getvalue()
        assert filtered.getvalue() != unfiltered.getvalue()
        assert len({english["ETag"], chinese["ETag"], filtered["ETag"], unfiltered["ETag"]}) == 4

    def test_a_new_day_renders_again(self, public, site):
        # Schedule positions move with the calendar even when no data changes.
        public.get("/tasks/")
        tomorrow = timezone.localdate() + timedelta(days=1)
        with override_settings(TRACKER_TODAY=tomorrow):
            assert public.get("/tasks/")["X-Page-Cache"] == "miss"

    @pytest.mark.parametrize("url", ["/tasks/NOPE/", "/members/nobody/"])
    def test_errors_are_not_kept(self, public, site, url):
        assert public.get(url).status_code == 404
        assert not public.get(url).has_header("X-Page-Cache")

    def test_staff_and_the_admin_bypass_it(self, office, site):
        response = office.get("/initiatives/I-02/")
        assert response.status_code == 200
        assert not response.has_header("X-Page-Cache")
        assert not office.get(admin_url("task", "changelist")).has_header("X-Page-Cache")

    def test_off_when_the_setting_says_so(self, public, site):
        with override_settings(PAGE_CACHE=False):
            public.get("/tasks/")
            assert not public.get("/tasks/").has_header("X-Page-Cache")


class TestConditionalRequests:
    def test_if_none_match_answers_304_without_rendering(self, public, site):
        first = public.get("/initiatives/I-02/")
        with (
            CaptureQueriesContext(connection) as queries,
            mock.patch("initiatives.views.target_panels", side_effect=AssertionError),
        ):
            repeat = public.get("/initiatives/I-02/", HTTP_IF_NONE_MATCH=first["ETag"])
        assert repeat.status_code == 304
        assert repeat.getvalue() == b""
        assert repeat["ETag"] == first["ETag"]
        assert not repeat.templates
        assert len(queries) == 0

    def test_the_etag_answers_304_even_when_the_page_was_evicted(self, public, site):
        first = public.get("/")
        plan = caching.generation_key(caching.plan_scope(Plan.objects.current().pk))
        generations = cache.get_many([caching.GENERATION_KEY, plan])
        cache.clear()
        cache.set_many(generations, None)
        with mock.patch("initiatives.views.render", side_effect=AssertionError):
            repeat = public.get("/", HTTP_IF_NONE_MATCH=first["ETag"])
        assert repeat.status_code == 304

    def test_if_modified_since(self, public, site):
        first = public.get("/tasks/")
        repeat = public.get("/tasks/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert repeat.status_code == 304
        earlier = "Mon, 01 Jan 2024 00:00:00 GMT"
        assert public.get("/tasks/", HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200

    def test_after_a_change_the_old_etag_gets_the_new_page(self, public, site):
        first = public.get("/tasks/T-101/")
        task = Task.objects.get(code="T-101")
        task.title_en = "Charging piles along every expressway"
        task.save()
        repeat = public.get("/tasks/T-101/", HTTP_IF_NONE_MATCH=first["ETag"])
        assert repeat.status_code == 200
        assert repeat["ETag"] != first["ETag"]
        assert "along every expressway" in repeat.getvalue().decode()

    def test_shared_caches_must_revalidate(self, public, site):
        response = public.get("/")
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"public", "max-age=0", "must-revalidate"} <= directives


class TestNoSessionNoCookie:
    @pytest.mark.parametrize("url", PUBLIC)
    def test_public_pages_touch_no_session_and_set_no_cookie(self, public, site, url):
        for _ in ("miss", "hit"):
            response = public.get(url)
            assert response.status_code == 200
            assert not response.cookies, url
            assert "cookie" not in response.get("Vary", "").lower()
            session = getattr(response.wsgi_request, "session", None)
            assert session is None or not session.accessed, url


class TestNeverStale:
    @pytest.fixture(autouse=True)
    def never_stale(self, settings):
        settings.PAGE_CACHE_STALE_SECONDS = 0

    def test_an_approved_report_shows_at_once_everywhere(self, public, office, site):
        value = UNAPPROVED[ReviewState.SUBMITTED]
        report = ProgressReport.objects.get(value=value)
        report.source = factories.source()
        report.save()
        before = read_all(public)
        assert not any(f"{value:,}".encode() in page for page in before.values())

        office.post(
            admin_url("submittedreport", "changelist"),
            {
                "action": "approve_reports",
                "_selected_action": [report.pk],
                "_seen_version": seen_versions([report]),
                "apply": "yes",
            },
        )
        report.refresh_from_db()
        assert report.status == ReviewState.APPROVED

        assert f"{value:,}" in public.get("/initiatives/I-02/").getvalue().decode()
        assert str(value) in public.get("/api/reports/").getvalue().decode()
        assert_current(
            public,
            before,
            must_change=[
                "/",
                "/initiatives/",
                "/initiatives/I-02/",
                "/zh-hans/initiatives/I-02/",
                "/updates/",
                "/api/targets/",
                "/api/reports/",
                "/api/initiatives/",
            ],
        )

    def test_a_status_change_shows_at_once_everywhere(self, public, office, site):
        before = read_all(public)
        task = Task.objects.get(code="T-101")
        action = {
            "action": "change_status",
            "_selected_action": [task.pk],
            "_seen_version": seen_versions([task]),
        }
        office.post(
            admin_url("task", "changelist"),
            {**action, "new_status": Status.DELAYED, "reason": "Land survey late.", "apply": "y"},
        )
        task.refresh_from_db()
        assert task.status == Status.DELAYED

        assert "T-101" in public.get("/tasks/?status=delayed").getvalue().decode()
        assert "Land survey late." in public.get("/tasks/T-101/").getvalue().decode()
        assert_current(
            public,
            before,
            must_change=[
                "/",
                "/tasks/",
                "/tasks/?status=delayed",
                "/tasks/T-101/",
                "/initiatives/I-02/",
                "/members/anhui/",
                "/api/tasks/",
                "/tasks/?_export=csv",
            ],
        )

    def test_an_approved_revision_shows_at_once_everywhere(self, public, office, site, make):
        before = read_all(public)
        target = Target.objects.get(code="I-02.1")
        page = office.get(admin_url("target", "change", target.pk))
        data = change_form_data(page)
        data["target_value"] = "650000"
        data["revision_reason"] = "Raised again at the 2025 forum."
        response = office.post(admin_url("target", "change", target.pk), data)
        assert response.status_code == 302
        target.refresh_from_db()
        assert target.target_value == 600000  # proposed: nothing public moves yet
        assert_current(public, before, must_change=[])
        assert public.get("/initiatives/I-02/").getvalue() == before["/initiatives/I-02/"]

        Revision.objects.waiting().get(target=target).approve(make.user("second-reviewer"))
        target.refresh_from_db()
        assert target.target_value == 650000
        page = public.get("/initiatives/I-02/").getvalue().decode()
        assert "Raised again at the 2025 forum." in page
        assert_current(
            public,
            before,
            must_change=["/", "/initiatives/", "/initiatives/I-02/", "/api/targets/"],
        )

    def test_bulk_writes_that_send_no_signal_call_data_changed(self, public, site):
        before = read_all(public, ["/tasks/", "/api/tasks/"])
        Task.objects.filter(code="T-101").update(title_en="Renamed in bulk")
        assert public.get("/tasks/").getvalue() == before["/tasks/"]  # no signal: still cached
        caching.data_changed()
        assert "Renamed in bulk" in public.get("/tasks/").getvalue().decode()
        assert "Renamed in bulk" in public.get("/api/tasks/").getvalue().decode()

    def test_generated_data_shows_at_once(self, public, site):
        before = read_all(public, ["/initiatives/", "/api/initiatives/"])
        call_command("generate_scale", factor=1, verbosity=0)
        assert_current(public, before, must_change=list(before))

    def test_a_lost_generation_starts_above_every_earlier_one(self, site):
        caching.bump_generation()
        earlier = caching.current_generation()
        cache.delete(caching.GENERATION_KEY)
        assert caching.current_generation() > earlier
        cache.delete(caching.GENERATION_KEY)
        caching.bump_generation()
        assert caching.current_generation() > earlier


@pytest.mark.django_db(transaction=True)  # a real commit and a real rollback
def test_a_write_raises_the_generation_once_at_its_commit_and_not_when_rolled_back():
    # A page rendered while the write's transaction is open shows the rows as they were and is
    # kept under the generation they were at; raising it then as well would cost every page a
    # second render per write (one under each generation).
    member = factories.member("anhui")
    before = caching.current_generation(), caching.current_generation(caching.ALL_PLANS)
    with transaction.atomic():
        member.name_en = "Anhui Province"
        member.save()
        assert (caching.current_generation(), caching.current_generation(caching.ALL_PLANS)) == (
            before
        )
    assert caching.current_generation() == before[0] + 1
    with pytest.raises(RuntimeError), transaction.atomic():
        member.name_en = "Not kept"
        member.save()
        raise RuntimeError("rolled back")
    assert caching.current_generation() == before[0] + 1


@pytest.mark.django_db(transaction=True)  # real commits and a real rollback
def test_each_generation_is_raised_once_per_commit_however_many_rows_it_wrote(site):
    # A task's save sends two signals; raised once for each, a visitor arriving between the
    # two raises rendered every page of the plan under a generation about to be left.
    task = Task.objects.get(code="T-101")
    scope = caching.plan_scope(task.plan_id)

    def generations():
        return [caching.current_generation(s) for s in (None, scope, caching.ALL_PLANS)]

    before = generations()
    with transaction.atomic():
        task.title_en = "Renamed once"
        task.save()
        Task.objects.get(code="T-102").save()
    assert generations() == [before[0], before[1] + 1, before[2] + 1]
    # A write in a rolled-back savepoint leaves the others' raise whole.
    with transaction.atomic():
        task.save()
        with pytest.raises(RuntimeError), transaction.atomic():
            Task.objects.get(code="T-102").save()
            raise RuntimeError("rolled back")
    assert generations() == [before[0], before[1] + 2, before[2] + 2]
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            task.save()
            raise RuntimeError("rolled back")
        task.save()
    assert generations() == [before[0], before[1] + 3, before[2] + 3]
    # Outside a transaction each save is its own commit.
    task.save()
    assert generations() == [before[0], before[1] + 4, before[2] + 4]


def test_pages_are_served_when_the_cache_is_unreachable(public, site):
    unreachable = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
    with override_settings(CACHES={"default": unreachable}):
        response = public.get("/tasks/T-101/")
    assert response.status_code == 200
    assert "T-101" in response.getvalue().decode()


def redis_url():
    return os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def redis_reachable(url):
    try:
        return redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        return False


@pytest.fixture
def redis_cache(in_ci):
    """The page cache in Redis, as app servers share it, under a prefix of this test's own."""
    url = redis_url()
    if not redis_reachable(url):
        if in_ci:
            pytest.fail(f"Redis is unreachable at {url}; CI runs the cache tests against it.")
        pytest.skip(f"Redis is unreachable at {url} (required in CI).")
    prefix = f"test-{uuid.uuid4().hex}"
    backend = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": prefix,
    }
    with override_settings(CACHES={"default": backend}):
        try:
            yield
        finally:  # only this test's keys: clear() would empty the whole Redis database
            client = redis.Redis.from_url(url)
            for key in client.scan_iter(f"{prefix}:*"):
                client.delete(key)


def test_the_same_guarantees_with_redis(public, site, redis_cache):
    first = public.get("/tasks/T-101/")
    assert first["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        assert public.get("/tasks/T-101/")["X-Page-Cache"] == "hit"
    assert len(queries) == 0
    repeat = public.get("/tasks/T-101/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert repeat.status_code == 304

    task = Task.objects.get(code="T-101")
    task.due_date = date(2026, 6, 30)
    task.title_en = "Seen through Redis"
    task.save()
    assert "Seen through Redis" in public.get("/tasks/T-101/").getvalue().decode()


@pytest.mark.parametrize(
    "environment, starts",
    [
        ({"WEB_CONCURRENCY": "3"}, False),
        ({"WEB_CONCURRENCY": "3", "CACHE_URL": "redis://127.0.0.1:6379/0"}, True),
        ({"WEB_CONCURRENCY": "1"}, True),
    ],
)
def test_gunicorn_refuses_several_workers_on_a_cache_of_their_own(environment, starts):
    # A local-memory cache sees only its own process's writes: another worker would go on
    # serving pages from before the write.
    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "REDIS_URL"}}
    env.update(environment, PAGE_CACHE="true")
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--check-config"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert (result.returncode == 0) == starts, result.stderr


def test_gunicorn_freezes_the_preloaded_app_before_forking_each_worker():
    # What the master loaded is then never scanned by a worker's full collections.
    root = Path(__file__).resolve().parent.parent
    probe = (
        "import gc, runpy; hooks = runpy.run_path('deploy/gunicorn.conf.py'); "
        "before = gc.get_freeze_count(); hooks['pre_fork'](None, None); "
        "print(before, gc.get_freeze_count())"
    )
    env = {**os.environ, "WEB_CONCURRENCY": "1"}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, env=env, capture_output=True, text=True
    )
    before, after = map(int, result.stdout.split())
    assert before == 0 and after > 1000, result.stderr


def test_the_bare_benchmark_view_is_off_by_default(public, db):
    assert public.get("/_bench/bare/").status_code == 404


class TestOnlyPublicWritesEmptyTheCache:
    """Staff at work (drafts, submissions, returns of reports never approved) change no public
    page, so they must not make every cached page out of date."""

    @pytest.fixture
    def target(self, site):
        return Target.objects.get(code="I-02.1")

    def changes_generation(self, write):
        def generations():  # every plan's write raises the one of the pages of all plans
            return caching.current_generation(), caching.current_generation(caching.ALL_PLANS)

        before = generations()
        write()
        return generations() != before

    def test_a_draft_submitted_and_returned_report_leaves_the_cache(self, target):
        report = factories.report(target, value=1, status=ReviewState.DRAFT)
        report = ProgressReport.objects.get(pk=report.pk)
        report.status = ReviewState.SUBMITTED
        report.submitted_at = timezone.now()
        assert not self.changes_generation(report.save)
        report.status = ReviewState.RETURNED
        report.reviewed_by = factories.user()
        report.reviewed_at = timezone.now()
        report.review_reason = "Cite the source."
        assert not self.changes_generation(report.save)
        assert not self.changes_generation(report.delete)

    def test_approving_and_deleting_an_approved_report_empty_it(self, target):
        # An approval is never withdrawn (the database refuses it): a correction replaces it.
        report = factories.report(target, value=1, status=ReviewState.SUBMITTED)
        report = ProgressReport.objects.get(pk=report.pk)
        report.status = ReviewState.APPROVED
        report.reviewed_by = factories.user()
        report.reviewed_at = timezone.now()
        report.source = factories.source()
        assert self.changes_generation(report.save)
        report.note = "A note on an approved figure."  # the same object, saved again
        assert self.changes_generation(report.save)
        approved = factories.report(target, value=2)
        assert self.changes_generation(ProgressReport.objects.get(pk=approved.pk).delete)

    def test_a_report_of_unknown_state_counts_as_public(self, target):
        report = factories.report(target, value=1, status=ReviewState.DRAFT)
        deferred = ProgressReport.objects.defer("status").get(pk=report.pk)
        assert self.changes_generation(deferred.save)

    def test_history_and_staff_profiles_leave_it(self, target):
        from initiatives.models import StaffProfile

        profile = StaffProfile.objects.create(user=factories.user("someone"))
        assert not self.changes_generation(profile.save)
        history = target.history.model
        assert not self.changes_generation(
            lambda: history.objects.filter(pk=target.history.first().pk).first().save()
        )

    def test_a_change_to_the_plan_empties_it(self, target):
        target.name_en = "Public charging piles, all"
        assert self.changes_generation(target.save)


class TestPlanAddresses:
    """Each plan's pages are kept apart under their own addresses, and never stale."""

    def test_a_plans_pages_are_cached_apart_from_the_current_plans(self, public, other):
        urls = [f"/plans/{OTHER}/tasks/T-101/", f"/zh-hans/plans/{OTHER}/tasks/T-101/"]
        pages = read_all(public, [*urls, "/tasks/T-101/", f"/api/tasks/?plan={OTHER}"])
        etags = {public.get(url)["ETag"] for url in pages}
        assert len(etags) == len(pages)

        task = Task.objects.get(plan=other, code="T-101")
        task.title_en, task.title_zh = "Only in the later plan", "仅在后一规划"
        task.save()
        for url in [*urls, f"/plans/{OTHER}/tasks/", f"/api/tasks/?plan={OTHER}"]:
            title = "仅在后一规划" if url.startswith("/zh-hans/") else "Only in the later plan"
            assert title in public.get(url).getvalue().decode(), url
        assert "Only in the later plan" not in public.get("/tasks/T-101/").getvalue().decode()
        assert_current(public, pages, must_change=urls)

    def test_a_new_current_plan_shows_at_once_at_the_short_addresses(self, public, other):
        before = read_all(public, ["/", "/tasks/T-101/", f"/plans/{OTHER}/"])
        Plan = type(other)
        current = Plan.objects.get(is_current=True)
        current.is_current = False
        current.save()
        other.is_current = True
        other.save()
        assert f'<span aria-current="true" title="Plan {OTHER}">' in (
            public.get("/").getvalue().decode()
        )
        assert_current(public, before, must_change=list(before))


@pytest.fixture(params=["memory", "redis"])
def shared_cache(request):
    """The page cache as one process has it (local memory) and as app servers share it."""
    if request.param == "redis":
        request.getfixturevalue("redis_cache")


def cache_status(response):
    """Cache-Status (RFC 9211) as the cache's name, then its parameters: {"hit": True, ...}."""
    name, *params = (part.strip() for part in response["Cache-Status"].split(";"))
    assert name == "tracker"
    return {k: v if v else True for k, _, v in (p.partition("=") for p in params)}


class TestOneRenderPerGeneration:
    """Visitors arriving together after a write cause one render of a page, not one each.

    Costs about 0.5 s: eight threads meet a render made slow (0.3 s) on purpose."""

    VISITORS = 8

    def visit_together(self, render, path="/tasks/T-101/"):
        middleware = caching.PublicPageCacheMiddleware(render)
        middleware(RequestFactory().get(path))  # kept at the present generations
        scope = middleware.plans.scope(path)
        caching.bump_generation(scope, caching.ALL_PLANS)  # a write in the plan
        start = threading.Barrier(self.VISITORS)
        answers = [None] * self.VISITORS

        def visit(n):
            start.wait()
            answers[n] = middleware(RequestFactory().get(path))

        threads = [threading.Thread(target=visit, args=(n,)) for n in range(self.VISITORS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return answers

    def slow_render(self):
        renders = []

        def render(request):
            renders.append(request)
            if len(renders) > 1:
                time.sleep(0.3)
            return HttpResponse(f"render {len(renders)}".encode())

        return render, renders

    def test_the_others_wait_for_the_one_render(self, shared_cache, settings):
        settings.PAGE_CACHE_STALE_SECONDS = 0
        render, renders = self.slow_render()
        answers = self.visit_together(render)
        assert len(renders) == 2  # the first reading, then one for the new generation
        assert {answer.content for answer in answers} == {b"render 2"}
        statuses = [cache_status(answer) for answer in answers]
        assert sum("stored" in status for status in statuses) == 1
        assert sum("collapsed" in status for status in statuses) == self.VISITORS - 1

    def test_the_others_get_the_previous_version_meanwhile(self, shared_cache, settings):
        settings.PAGE_CACHE_STALE_SECONDS = 5
        render, renders = self.slow_render()
        answers = self.visit_together(render)
        assert len(renders) == 2
        rendered = [a for a in answers if a.content == b"render 2"]
        stale = [a for a in answers if a.content == b"render 1"]
        assert len(rendered) == 1 and len(stale) == self.VISITORS - 1
        assert cache_status(rendered[0])["fwd"] == "stale"
        for answer in stale:
            status = cache_status(answer)
            assert status["hit"] and status["detail"] == "stale" and int(status["ttl"]) < 0
            assert answer["X-Page-Cache"] == "stale"

    def test_a_crashed_render_holds_no_one_up_for_long(self, site, public):
        # Its lock is never released; once it expires, the next request renders.
        public.get("/tasks/T-101/")
        Task.objects.filter(code="T-101").update(title_en="After the crash")
        caching.data_changed()
        with (
            mock.patch.object(caching.PublicPageCacheMiddleware, "locked", return_value=False),
            override_settings(PAGE_CACHE_STALE_SECONDS=0, PAGE_CACHE_WAIT_SECONDS=0),
        ):
            response = public.get("/tasks/T-101/")
        assert "After the crash" in response.getvalue().decode()
        assert cache_status(response)["fwd"] == "stale"


class TestStaleWhileRendering:
    """While another request renders a page anew, the previous version is served, but never
    more than PAGE_CACHE_STALE_SECONDS after the write it does not show."""

    URL = "/tasks/T-101/"

    @pytest.fixture
    def rendering_elsewhere(self, site):
        """Another request holds every render lock; nobody waits for it."""
        with (
            mock.patch.object(caching.PublicPageCacheMiddleware, "locked", return_value=False),
            override_settings(TRACKER_TODAY=clock.today(), PAGE_CACHE_WAIT_SECONDS=0),
            time_machine.travel(time.time(), tick=False) as traveller,
        ):
            yield traveller

    def rename(self):
        task = Task.objects.get(code="T-101")
        task.title_en = "Renamed a moment ago"
        task.save()

    def test_the_previous_version_for_the_seconds_allowed_then_the_new(
        self, public, rendering_elsewhere, settings
    ):
        settings.PAGE_CACHE_STALE_SECONDS = 5
        before = public.get(self.URL).getvalue()
        self.rename()
        rendering_elsewhere.shift(5)
        stale = public.get(self.URL)
        assert stale.getvalue() == before
        assert cache_status(stale) == {"hit": True, "ttl": "-5", "detail": "stale"}
        rendering_elsewhere.shift(1)
        fresh = public.get(self.URL)
        assert "Renamed a moment ago" in fresh.getvalue().decode()
        assert cache_status(fresh) == {"fwd": "stale", "stored": True}
        assert cache_status(public.get(self.URL)) == {"hit": True}

    def test_never_with_the_setting_at_0(self, public, rendering_elsewhere, settings):
        settings.PAGE_CACHE_STALE_SECONDS = 0
        public.get(self.URL)
        self.rename()
        assert "Renamed a moment ago" in public.get(self.URL).getvalue().decode()

    def test_staff_see_their_own_write_at_once(self, office, public, rendering_elsewhere, settings):
        settings.PAGE_CACHE_STALE_SECONDS = 5
        public.get(self.URL)
        self.rename()
        assert "Renamed a moment ago" not in public.get(self.URL).getvalue().decode()
        response = office.get(self.URL)
        assert "Renamed a moment ago" in response.getvalue().decode()
        assert cache_status(response) == {"fwd": "bypass"}


class TestInvalidationPerPlan:
    def test_a_write_in_one_plan_leaves_the_others_pages_cached(self, public, other):
        theirs, ours = f"/plans/{OTHER}/tasks/T-101/", "/tasks/T-101/"
        read_all(public, [theirs, ours, "/api/tasks/"])
        task = Task.objects.get(plan=other, code="T-101")
        task.title_en = "Only in the later plan"
        task.save()
        assert public.get(ours)["X-Page-Cache"] == "hit"
        assert "Only in the later plan" in public.get(theirs).getvalue().decode()
        assert public.get("/api/tasks/")["X-Page-Cache"] == "miss"  # shows every plan

        target = Target.objects.filter(item__plan=other).first()
        target.name_en = "Renamed through its item"
        target.save()  # the plan of a target is its item's
        assert public.get(ours)["X-Page-Cache"] == "hit"
        assert public.get(theirs)["X-Page-Cache"] == "miss"

    def test_a_write_of_no_plan_empties_every_plans_pages(self, public, other):
        pages = [f"/plans/{OTHER}/", "/", f"/plans/{OTHER}/members/anhui/"]
        read_all(public, pages)
        member = factories.member("anhui")
        member.name_en = "Anhui Province"
        member.save()
        for url in pages:
            assert public.get(url)["X-Page-Cache"] == "miss", url


def test_a_batch_of_approvals_raises_the_generation_once(
    office, site, django_capture_on_commit_callbacks
):
    target = Target.objects.get(code="I-02.1")
    reports = [
        factories.report(target, value=n, status=ReviewState.SUBMITTED, source=factories.source())
        for n in (11, 12, 13)
    ]
    scope = caching.plan_scope(target.item.plan_id)
    before = caching.current_generation(), caching.current_generation(scope)
    with django_capture_on_commit_callbacks(execute=True):
        office.post(
            admin_url("submittedreport", "changelist"),
            {
                "action": "approve_reports",
                "_selected_action": [report.pk for report in reports],
                "_seen_version": seen_versions(reports),
                "apply": "yes",
            },
        )
    assert ProgressReport.objects.approved().filter(value__in=(11, 12, 13)).count() == 3
    after = caching.current_generation(), caching.current_generation(scope)
    assert after[0] == before[0]  # of the plan only: the outbox of mail is not public
    assert after[1] - before[1] == 1  # once, when the batch is committed


class TestCompressedBodies:
    @pytest.mark.parametrize("state", ["miss", "hit"])
    def test_gzip_when_accepted_and_the_same_page_decompressed(self, public, site, state):
        plain = uncached("/initiatives/I-02/").getvalue()
        if state == "hit":
            public.get("/initiatives/I-02/")
        response = public.get("/initiatives/I-02/", HTTP_ACCEPT_ENCODING="br, gzip")
        assert response["X-Page-Cache"] == state
        assert response["Content-Encoding"] == "gzip"
        assert "accept-encoding" in response["Vary"].lower()
        assert response["Content-Length"] == str(len(response.getvalue()))
        assert len(response.getvalue()) < len(plain) / 2
        assert gzip.decompress(response.getvalue()) == plain

    @pytest.mark.parametrize("accept", [None, "identity", "gzip;q=0, br"])
    def test_plain_otherwise(self, public, site, accept):
        headers = {} if accept is None else {"HTTP_ACCEPT_ENCODING": accept}
        for state in ("miss", "hit"):
            response = public.get("/initiatives/I-02/", **headers)
            assert response["X-Page-Cache"] == state
            assert not response.has_header("Content-Encoding")
            assert b"I-02" in response.getvalue()

    def test_a_gzip_etag_still_answers_304(self, public, site):
        first = public.get("/", HTTP_ACCEPT_ENCODING="gzip")
        assert first["ETag"].startswith("W/")
        again = public.get("/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        assert cache_status(again) == {"hit": True}


def test_cache_status_on_every_public_answer(public, site):
    assert cache_status(public.get("/tasks/")) == {"fwd": "miss", "stored": True}
    assert cache_status(public.get("/tasks/")) == {"hit": True}
    assert cache_status(public.get("/tasks/NOPE/")) == {"fwd": "miss"}  # not kept
    assert not public.get("/admin/login/").has_header("Cache-Status")


class TestKeptCounts:
    """A summary's rows (the counts of every item, the items behind schedule) are counted once
    per plan generation and day (caching.kept_rows()), by whichever page asks first, and
    counted again after every public write of the plan, whatever kind it is."""

    @staticmethod
    def summaries(plan):
        from initiatives.models import Member, PlanItem
        from initiatives.views import behind_rows, led_tallies, tallies

        items = PlanItem.objects.in_plan(plan)
        theirs = items.for_member(Member.objects.get(slug="anhui"))
        return (
            tallies(items, plan),
            led_tallies(plan),
            behind_rows(items, plan),
            tallies(theirs, plan),
        )

    def counted_afresh(self, plan):
        with mock.patch.object(caching, "kept_rows", lambda plan_id, key, count: count()):
            return self.summaries(plan)

    @pytest.fixture
    def counting(self, monkeypatch):
        """The number of summaries counted by the database."""
        from initiatives.models import progress

        counted = []
        counts = progress._summary_rows

        def counted_once(*args):
            counted.append(args[0])
            return counts(*args)

        monkeypatch.setattr(progress, "_summary_rows", counted_once)
        return counted

    def test_each_summary_is_counted_once_until_a_write(self, site, public, counting):
        plan = Plan.objects.get(slug="yrd-2024-2026")
        first = self.summaries(plan)
        assert len(counting) == 4
        assert self.summaries(plan) == first
        for url in ("/", "/members/anhui/", "/members/anhui/?t-page=1", "/zh-hans/"):
            assert uncached(url).status_code == 200
        assert len(counting) == 4  # the pages' summaries are those: kept, not counted
        task = Task.objects.get(code="T-101")
        task.status = Status.DELAYED
        task.save()
        assert self.summaries(plan) == self.counted_afresh(plan) != first
        assert len(counting) == 4 + 4 + 4

    def test_another_day_is_counted_again(self, site, counting):
        plan = Plan.objects.get(slug="yrd-2024-2026")
        with time_machine.travel(date(2025, 5, 15), tick=False):
            self.summaries(plan)
            self.summaries(plan)
        assert len(counting) == 4
        with time_machine.travel(date(2026, 11, 30), tick=False):
            assert self.summaries(plan) == self.counted_afresh(plan)
        assert len(counting) == 4 + 4 + 4

    @pytest.mark.parametrize(
        "write",
        [
            "status",
            "due date",
            "approved report",
            "new lead",
            "area",
            "target",
            "bulk update",
            "figures rebuilt",
        ],
    )
    def test_every_public_write_counts_again(self, site, write):
        from initiatives.models import FocusArea, ItemFigures, Member, PlanItem, Responsibility

        plan = Plan.objects.get(slug="yrd-2024-2026")
        task = Task.objects.get(code="T-101")
        target = Target.objects.get(code="I-02.1")
        if write == "figures rebuilt":  # out of step, as a write that sends no signal left them
            ItemFigures.objects.filter(item=task).update(progress=1)
            caching.data_changed()
        before = self.summaries(plan)
        assert self.summaries(plan) == before
        if write == "status":
            task.status = Status.DELAYED
            task.save()
        elif write == "due date":
            task.due_date = date(2024, 2, 1)
            task.save()
        elif write == "approved report":
            factories.report(target, value=590_000, as_of=date(2026, 6, 30))
        elif write == "new lead":
            Responsibility.objects.filter(item=task).delete()
            Responsibility.objects.create(
                item=task, member=Member.objects.get(slug="zhejiang"), role="lead"
            )
        elif write == "area":
            task.focus_area = FocusArea.objects.exclude(pk=task.focus_area_id).first()
            task.save()
        elif write == "target":
            target.target_value = 6_000_000
            target.save()
        elif write == "bulk update":
            PlanItem.objects.filter(pk=task.pk).update(status=Status.COMPLETED)
            caching.data_changed()  # what a write that sends no signal must call
        else:
            ItemFigures.objects.rebuild()
        assert self.summaries(plan) == self.counted_afresh(plan) != before, write

    def test_a_write_in_another_plan_leaves_the_counts_kept(self, other, counting):
        plan = Plan.objects.get(slug="yrd-2024-2026")
        self.summaries(plan)
        task = Task.objects.get(plan=other, code="T-101")
        task.status = Status.DELAYED
        task.save()
        self.summaries(plan)
        assert len(counting) == 4
        self.summaries(other)
        assert len(counting) == 8

    def test_counted_without_the_cache_when_it_is_unreachable(self, site, counting):
        plan = Plan.objects.get(slug="yrd-2024-2026")
        expected = self.counted_afresh(plan)
        unreachable = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
        with override_settings(CACHES={"default": unreachable}):
            assert self.summaries(plan) == self.summaries(plan) == expected
        assert len(counting) == 4 + 4 + 4
