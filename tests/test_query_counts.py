"""Every page costs a fixed number of queries, whatever the size of the plan.

Counted on the small plan of tests/site_data.py and again after `generate_scale` has added
twice the real plan's size (hundreds of items, thousands of reports): more rows than one page
of any list shows, so pagination, prefetching and the correlated progress queries all run
at both sizes. A page served from the cache costs none.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.site_data import build_site
from tests.staff import editor, reviewer

pytestmark = pytest.mark.django_db

PUBLIC = [
    "/",
    "/zh-hans/",
    "/initiatives/",
    "/initiatives/?sort=-progress",
    "/initiatives/I-02/",
    "/projects/",
    "/projects/?schedule=behind&sort=due_date",
    "/projects/P-07/",
    "/tasks/",
    "/tasks/?sort=-progress",
    "/tasks/?member=anhui&status=on_track&sort=-last_reported",
    "/tasks/?q=charging&area=area-2",
    "/tasks/?page=2",
    "/tasks/T-101/",
    "/zh-hans/tasks/T-101/",
    "/members/anhui/",
    "/members/jiangsu/?t-page=2",
    "/areas/area-2/",
    "/sources/",
    "/updates/",
    "/updates/?member=jiangsu",
    "/updates/feed/",
    "/sitemap.xml",
    "/tasks/?_export=csv",
    "/tasks/?_export=json&status=delayed",
    "/updates/?_export=csv",
    "/api/",
    "/api/initiatives/",
    "/api/projects/",
    "/api/tasks/",
    "/api/tasks/?member=anhui&schedule=behind",
    "/api/targets/",
    "/api/reports/",
]
CHANGELISTS = [
    "initiative",
    "cooperationproject",
    "task",
    "target",
    "progressreport",
    "submittedreport",
    "statuschange",
    "targetrevision",
]


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        response.getvalue()  # a streamed export reads its rows as it is sent
    assert response.status_code == 200, url
    return len(queries)


def grow():
    call_command("generate_scale", factor=2, verbosity=0)


@pytest.fixture
def site(db, make):
    build_site()
    # Something of every kind in each list the pages below show, so that the small plan already
    # runs every query a list of many rows runs.
    for build in (make.project, make.task):
        target = make.target(build(lead="jiangsu", co=("anhui",), focus_area=make.area(2)))
        make.report(target, value=10)
        make.report(target, value=20, status="submitted")


@override_settings(PAGE_CACHE=False)
def test_each_public_page_costs_the_same_at_two_sizes(site):
    client = Client()
    small = {url: count(client, url) for url in PUBLIC}
    grow()
    large = {url: count(client, url) for url in PUBLIC}
    changed = {url: (small[url], large[url]) for url in PUBLIC if small[url] != large[url]}
    assert not changed, f"queries (small, large) that grew with the data: {changed}"
    assert max(small.values()) <= 12, small


def test_a_cached_page_costs_no_query_at_either_size(site):
    client = Client()
    for _size in ("small", "large"):
        for url in PUBLIC:
            client.get(url).getvalue()  # kept once sent whole
            assert count(client, url) == 0, url
            etag = client.get(url)["ETag"]
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
            assert len(queries) == 0, url
        grow()


@pytest.mark.parametrize(
    "who,model",
    [
        (who, model)
        for who in ("office", "jiangsu")
        for model in CHANGELISTS
        # The review queue is the office's; editors get a 403 there (test_permissions).
        if not (who == "jiangsu" and model == "submittedreport")
    ],
)
def test_each_admin_changelist_costs_the_same_at_two_sizes(client, site, model, who):
    client.force_login(reviewer("reviewer") if who == "office" else editor("jiangsu"))
    url = reverse(f"admin:initiatives_{model}_changelist")

    def counted():
        client.get(url)  # the session and permission caches warm up on the first request
        return count(client, url)

    small = counted()
    grow()
    large = counted()
    assert large == small, f"{model} as {who}: {small} queries on the small plan, {large} at scale"
