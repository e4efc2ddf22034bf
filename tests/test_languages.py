"""A first visit follows the browser's language; a chosen language sticks.

The site is built once per test (tests/site_data.py, a few hundred milliseconds); the checks
are plain test-client requests.
"""

import pytest
from django.conf import settings
from django.test import Client

from tests.site_data import build_site

pytestmark = pytest.mark.django_db

CHINESE = ["zh-CN,zh;q=0.9,en;q=0.8", "zh", "zh-Hans", "zh-SG", "zh-TW", "en;q=0.5,zh-CN"]
ENGLISH = ["en-US,en;q=0.9,zh-CN;q=0.8", "en", "fr-FR", "", "de,en;q=0.9,zh;q=0.8"]


@pytest.fixture
def site():
    return build_site()


@pytest.mark.parametrize("header", CHINESE)
def test_a_chinese_browser_is_sent_to_the_chinese_page(client, site, header):
    response = client.get("/tasks/?status=delayed", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/tasks/?status=delayed"
    assert {"accept-language", "cookie"} <= vary(response)
    assert not response.cookies
    assert client.get(response["Location"], HTTP_ACCEPT_LANGUAGE=header).status_code == 200


@pytest.mark.parametrize("header", ENGLISH)
def test_an_english_browser_stays(client, site, header):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert "accept-language" in vary(response)
    assert not response.cookies


@pytest.mark.parametrize(
    "path",
    ["/initiatives/", "/initiatives/I-02/", "/sources/", "/editions/", "/plans/yrd-2024-2026/"],
)
def test_every_public_page_follows_the_browser(client, site, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 302
    assert response["Location"] == f"/zh-hans{path}"


@pytest.mark.parametrize(
    "path",
    [
        "/updates/feed/",
        "/editions/feed/",
        "/tasks/?_export=csv",
        "/api/",
        "/sitemap.xml",
        "/robots.txt",
        "/admin/login/",
        "/zh-hans/tasks/",
        "/no-such-page/",
    ],
)
def test_downloads_feeds_and_other_addresses_are_not_redirected(client, site, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code != 302 or not response["Location"].startswith("/zh-hans/")


def test_a_post_is_not_redirected(client, site):
    response = client.post("/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code != 302


def test_english_chosen_with_the_switcher_is_kept(client, site):
    page = client.get("/zh-hans/tasks/T-101/")
    link = 'href="/i18n/choose/en/?next=%2Ftasks%2FT-101%2F"'
    assert link in page.content.decode()
    chosen = client.get("/i18n/choose/en/?next=%2Ftasks%2FT-101%2F")
    assert chosen.status_code == 302
    assert chosen["Location"] == "/tasks/T-101/"
    assert chosen.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    response = client.get("/tasks/T-101/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"


def test_chinese_chosen_with_the_switcher_is_followed(client, site):
    chosen = client.get("/i18n/choose/zh-hans/?next=%2Ftasks%2F", HTTP_ACCEPT_LANGUAGE="en")
    assert chosen["Location"] == "/zh-hans/tasks/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en")["Location"] == "/zh-hans/"


@pytest.mark.parametrize(
    "address", ["/i18n/choose/fr/?next=/", "/i18n/choose/en/?next=https://example.com/"]
)
def test_the_switcher_refuses_other_languages_and_sites(client, site, address):
    response = client.get(address)
    assert response.status_code == 404 or response["Location"] == "/"


def test_the_cached_english_page_is_never_served_to_a_chinese_browser(site):
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert english.get("/")["X-Page-Cache"] == "miss"
    assert english.get("/")["X-Page-Cache"] == "hit"
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    response = chinese.get("/")
    assert response.status_code == 302
    assert "X-Page-Cache" not in response
    assert chinese.get("/zh-hans/")["Content-Language"] == "zh-hans"
    chinese.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    kept = chinese.get("/")
    assert kept["X-Page-Cache"] == "hit"
    assert kept["Content-Language"] == "en"


def test_the_redirect_needs_no_query(client, site, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/tasks/", HTTP_ACCEPT_LANGUAGE="zh").status_code == 302


def vary(response):
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}
