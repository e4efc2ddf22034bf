"""What crawlers are told: robots.txt, and each page's canonical address and its address in
each language (hreflang, with x-default the unprefixed one)."""

import re

import pytest

from tests.site_data import build_site

pytestmark = pytest.mark.django_db

# One page of each kind, by its English address.
PAGE_KINDS = [
    "/",
    "/initiatives/",
    "/initiatives/I-02/",
    "/projects/P-07/",
    "/tasks/T-101/",
    "/members/",
    "/members/jiangsu/",
    "/areas/area-2/",
    "/map/",
    "/sources/",
    "/updates/",
    "/editions/",
    "/methods/",
    "/search/?q=piles",
    "/report/",
    "/targets/I-02.1/embed/",
]


@pytest.fixture
def site(db):
    return build_site()


def head_addresses(response):
    """The page's canonical address and {hreflang: address}, from its head."""
    head = response.content.decode().split("</head>", 1)[0]
    canonical = re.findall(r'<link rel="canonical" href="([^"]*)">', head)
    languages = re.findall(r'<link rel="alternate" hreflang="([^"]*)" href="([^"]*)">', head)
    assert len(canonical) == 1 and len(languages) == len(dict(languages)) == 3, languages
    return canonical[0], dict(languages)


def test_robots_txt_allows_the_public_pages_and_names_the_sitemap(client, site, settings):
    settings.ALLOWED_HOSTS = ["yrd.example", "testserver"]
    response = client.get("/robots.txt", secure=True, headers={"host": "yrd.example"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[:4] == ["User-agent: *", "Allow: /", "Disallow: /admin/", "Disallow: /i18n/"]
    assert "Sitemap: https://yrd.example/sitemap.xml" in lines
    # Not sent to a Chinese address, whatever the browser asks.
    assert client.get("/robots.txt", HTTP_ACCEPT_LANGUAGE="zh-CN").status_code == 200


def test_every_kind_of_page_names_its_address_in_each_language(client, site):
    for page in PAGE_KINDS:
        path = page.split("?", 1)[0]  # a search's words are no part of its address
        english, chinese = f"http://testserver{path}", f"http://testserver/zh-hans{path}"
        expected = {"en": english, "zh-Hans": chinese, "x-default": english}
        for url, canonical in ((page, english), (f"/zh-hans{page}", chinese)):
            response = client.get(url)
            assert response.status_code == 200, url
            assert head_addresses(response) == (canonical, expected), url


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        # Filters, sorting, a past day and tracking show views of the one list.
        ("/tasks/?status=delayed&sort=-code&as_of=2025-06-30&utm_source=news", "/tasks/"),
        ("/zh-hans/initiatives/?_export=&fbclid=abc", "/zh-hans/initiatives/"),
        # A page of a table is a page of its own; the first page is the page itself.
        ("/initiatives/I-02/?tasks-page=2&utm_campaign=x", "/initiatives/I-02/?tasks-page=2"),
        ("/tasks/?page=1", "/tasks/"),
        ("/tasks/?page=two", "/tasks/"),
        # The plan the site opens on has the short addresses.
        ("/plans/yrd-2024-2026/tasks/T-101/", "/tasks/T-101/"),
        ("/zh-hans/plans/yrd-2024-2026/", "/zh-hans/"),
    ],
)
def test_the_canonical_address_keeps_only_what_changes_the_page(client, site, url, canonical):
    response = client.get(url)
    assert response.status_code == 200, url
    assert head_addresses(response)[0] == f"http://testserver{canonical}"


def test_another_plans_pages_keep_its_prefix(client, site, make):
    make.plan("yrd-2027-2029", start=2027)
    canonical, languages = head_addresses(client.get("/zh-hans/plans/yrd-2027-2029/methods/"))
    assert canonical == "http://testserver/zh-hans/plans/yrd-2027-2029/methods/"
    assert languages["x-default"] == "http://testserver/plans/yrd-2027-2029/methods/"


def test_the_footer_states_the_datas_licence(client, site, settings):
    settings.DATA_LICENCE = {
        "name": "ODbL-1.0",
        "title": "Open Data Commons Open Database License",
        "path": "https://opendatacommons.org/licenses/odbl/1-0/",
    }
    html = client.get("/zh-hans/tasks/").content.decode()
    footer = html.split('<footer class="site-footer">', 1)[1]
    assert (
        '<a href="https://opendatacommons.org/licenses/odbl/1-0/" rel="license">'
        "Open Data Commons Open Database License</a> (ODbL-1.0)"
    ) in footer
