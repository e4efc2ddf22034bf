"""Every page costs a fixed number of queries, whatever the size of the plan.

Counted on the small plan of tests/site_data.py and again after `generate_scale` has added
twice the real plan's size (hundreds of items, thousands of reports): more rows than one page
of any list shows, so pagination, prefetching and the correlated progress queries all run
at both sizes. A page served from the cache costs none.
"""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.shared import shared_data
from tests.site_data import build_site
from tests.staff import editor, reviewer

# Its data is built once for the module: keep its tests on one worker.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("query-counts")]

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
    "/targets/I-02.1/chart.svg",
    "/targets/I-02.1/embed/",
    "/zh-hans/targets/I-02.1/chart.svg?as_of=2024-06-30",
    "/members/anhui/",
    "/members/jiangsu/?t-page=2",
    "/areas/area-2/",
    "/members/",
    "/areas/",
    "/map/",
    "/zh-hans/map/?as_of=2024-06-30",
    "/search/?q=charging",
    "/search/?q=充电 piles",
    "/plans/yrd-2024-2026/search/?q=T-1",
    "/sources/",
    "/updates/",
    "/updates/?member=jiangsu",
    "/updates/feed/",
    "/initiatives/I-02/feed/",
    "/members/jiangsu/feed/?as_of=2024-06-30",
    "/report/",
    "/zh-hans/report/?as_of=2024-06-30",
    "/sitemap.xml",
    "/tasks/?_export=csv",
    "/tasks/?_export=json&status=delayed",
    "/updates/?_export=csv",
    "/?_export=csv",
    "/zh-hans/?as_of=2024-06-30&_export=json",
    "/map/?_export=csv",
    "/editions/?_export=json",
    "/api/",
    "/api/initiatives/",
    "/api/projects/",
    "/api/tasks/",
    "/api/tasks/?member=anhui&schedule=behind",
    "/api/targets/",
    "/api/reports/",
    # The same pages under the plan's own address, and the API's plans.
    "/plans/yrd-2024-2026/",
    "/plans/yrd-2024-2026/tasks/?sort=-progress",
    "/plans/yrd-2024-2026/tasks/T-101/",
    "/plans/yrd-2024-2026/targets/I-02.1/embed/",
    "/zh-hans/plans/yrd-2024-2026/members/anhui/",
    "/plans/yrd-2024-2026/updates/feed/",
    "/api/plans/",
    "/api/tasks/?plan=yrd-2024-2026",
]
CHANGELISTS = [
    "initiative",
    "cooperationproject",
    "task",
    "target",
    "progressreport",
    "submittedreport",
    "statuschange",
    "revision",
]


def count(client, url, served=None):
    """The queries of one request to `url`, served as `served` says ("miss", "hit") if given."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        response.getvalue()  # a streamed export reads its rows as it is sent
    assert response.status_code == 200, url
    if served is not None:
        assert response.get("X-Page-Cache") == served, (url, response.get("X-Page-Cache"))
    return len(queries)


def rendered_costs(client):
    """Queries of each public page rendered afresh: each a miss of the page cache, which
    renders it as with no cache at all and keeps it (a streamed export once sent whole).
    The first request loads which plan each address shows, once per generation."""
    cache.clear()
    client.get("/editions/")  # not one of PUBLIC
    return {url: count(client, url, served="miss") for url in PUBLIC}


def cached_costs(client):
    """Queries of each public page served again from the cache, and of a 304 to its ETag,
    after rendered_costs() has kept them."""
    costs = {}
    for url in PUBLIC:
        again = count(client, url, served="hit")
        etag = client.get(url)["ETag"]
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304, url
        costs[url] = (again, len(queries))
    return costs


def changelist_costs(users):
    costs = {}
    for who, model in ADMIN_PAGES:
        client = Client()
        client.force_login(users[who])
        url = reverse(f"admin:initiatives_{model}_changelist")
        client.get(url)  # the session and permission caches warm up on the first request
        costs[who, model] = count(client, url)
    return costs


def build_small_plan():
    build_site()
    # Something of every kind in each list the pages below show, so that the small plan already
    # runs every query a list of many rows runs.
    for build in (factories.project, factories.task):
        item = build(lead="jiangsu", co=("anhui",), focus_area=factories.area(2))
        target = factories.target(item)
        factories.report(target, value=10)
        factories.report(target, value=20, status="submitted")


USERS = {"office": lambda: reviewer("reviewer"), "jiangsu": lambda: editor("jiangsu")}
ADMIN_PAGES = [
    (who, model)
    for who in USERS
    for model in CHANGELISTS
    # The review queue is the office's; editors get a 403 there (test_permissions).
    if not (who == "jiangsu" and model == "submittedreport")
]


@pytest.fixture(scope="module")
def costs(django_db_setup, django_db_blocker):
    """Every page counted once on the small plan and once after `generate_scale` has added
    twice the real plan: {size: {"public": ..., "cached": ..., "admin": ...}}.

    Growing the plan and rendering its pages are the slow part (a minute), so both are done
    once for the whole module, and each page is rendered once per size: the render that is
    counted is the one the cache keeps.
    """
    measured = {}
    with shared_data(django_db_blocker):
        build_small_plan()
        users = {who: make_user() for who, make_user in USERS.items()}
        for size in ("small", "large"):
            if size == "large":
                call_command("generate_scale", factor=2, verbosity=0)
            client = Client()
            measured[size] = {
                "public": rendered_costs(client),
                "cached": cached_costs(client),
                "admin": changelist_costs(users),
            }
        yield measured


def test_each_public_page_costs_the_same_at_two_sizes(costs):
    small, large = costs["small"]["public"], costs["large"]["public"]
    changed = {url: (small[url], large[url]) for url in PUBLIC if small[url] != large[url]}
    assert not changed, f"queries (small, large) that grew with the data: {changed}"
    assert max(small.values()) <= 12, small


@pytest.mark.parametrize("size", ["small", "large"])
def test_a_cached_page_costs_no_query_at_either_size(costs, size):
    costly = {url: cost for url, cost in costs[size]["cached"].items() if cost != (0, 0)}
    assert not costly, f"(queries from the cache, queries for a 304) at {size} size: {costly}"


@pytest.mark.parametrize("who,model", ADMIN_PAGES)
def test_each_admin_changelist_costs_the_same_at_two_sizes(costs, model, who):
    small, large = costs["small"]["admin"][who, model], costs["large"]["admin"][who, model]
    assert large == small, f"{model} as {who}: {small} queries on the small plan, {large} at scale"
