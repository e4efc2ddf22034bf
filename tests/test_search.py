"""Search across the plan (/search/?q=): items, targets and sources, in English and Chinese."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives.views.search import SHOWN
from tests import factories as f
from tests.shared import settle_page_cache
from tests.site_data import build_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(db):
    build_site()
    railway = f.task(
        code="T-150",
        title_en="Shanghai–Nanjing–Hefei high-speed railway",
        title_zh="沪宁合高速铁路",
        lead="jiangsu",
    )
    f.target(railway, code="T-150.1", name_en="Track laid", name_zh="铺轨里程")
    return railway


def shown(response):
    """The codes listed in each group of results: {group key: [code, ...]}."""
    html = response.content.decode()
    groups = re.findall(r'id="results-(\w+)">(.*?)</section>', html, re.S)
    return {key: re.findall(r'<span class="code">([^<]+)</span>', body) for key, body in groups}


@pytest.mark.parametrize(
    "query", ["railway", "RAILWAY", "铁路", "沪宁合", "high railway", "T-150", "铺轨"]
)
def test_finds_in_either_language_including_chinese_substrings(client, site, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    found = shown(response)
    assert "T-150" in found.get("task", []) or "T-150.1" in found.get("target", [])
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_every_term_must_match(client, site):
    assert shown(client.get("/search/", {"q": "railway charging"})) == {}
    assert "T-150" in shown(client.get("/search/", {"q": "Hefei 铁路"}))["task"]


def test_groups_items_targets_and_sources(client, site):
    found = shown(client.get("/search/", {"q": "charging"}))
    assert found["initiative"] == ["I-02"]
    assert "T-101" in found["task"]
    assert found["target"]  # "Public charging piles, total"
    html = client.get("/search/", {"q": "yrd-2024"}).content.decode()
    assert 'id="results-source"' in html and "/sources/#source-" in html


def test_a_long_list_is_capped_with_a_link_to_the_list_filtered(client, site):
    for _ in range(SHOWN + 2):
        f.task(title_en="Cross-border railway link")
    response = client.get("/search/", {"q": "railway"})
    assert len(shown(response)["task"]) == SHOWN
    assert "/tasks/?q=railway" in response.content.decode()


def test_empty_query_shows_the_form_with_a_hint(client, site):
    html = client.get("/search/", {"q": "   "}).content.decode()
    assert 'name="q"' in html and "铁路" in html and "noindex" not in html


def test_too_long_a_query_is_400_with_a_message(client, site):
    response = client.get("/search/", {"q": "铁" * 101})
    assert response.status_code == 400
    assert "at most 100 characters" in response.content.decode()


def test_queries_do_not_grow_with_results(client, site):
    def cost(query):
        settle_page_cache(client)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/search/", {"q": query}).status_code == 200
        return len(queries)

    few = cost("zzz-nothing")
    for _ in range(3):
        f.target(f.task(title_en="More railway"), name_en="railway")
    assert cost("railway") == few == cost("railway 铁路 T") <= 7


def test_under_a_plan_and_in_chinese(client, site):
    response = client.get("/zh-hans/plans/yrd-2024-2026/search/", {"q": "铁路"})
    assert response.status_code == 200
    assert "T-150" in shown(response)["task"]
    assert "/zh-hans/tasks/T-150/" in response.content.decode()


def test_sources_are_those_the_plan_cites(client, site):
    f.source("another-plans-source")
    assert 'id="results-source"' in client.get("/search/", {"q": "yrd-2024"}).content.decode()
    assert shown(client.get("/search/", {"q": "another-plans"})) == {}
