"""The Atom feeds: of the plan, of each item and of each member, checked against the elements
RFC 4287 requires, with the standard library's XML parser."""

import re
from datetime import date, datetime
from xml.etree import ElementTree

import pytest
from django.urls import resolve

from initiatives.models import StaffProfile, Target
from tests.site_data import build_site

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FEEDS = [
    "/updates/feed/",
    "/editions/feed/",
    "/initiatives/I-02/feed/",
    "/projects/P-07/feed/",
    "/tasks/T-101/feed/",
    "/members/jiangsu/feed/",
    "/plans/yrd-2024-2026/tasks/T-101/feed/",
    "/tasks/T-101/feed/?as_of=2025-06-30",
]


@pytest.fixture
def site(db):
    return build_site()


def only(element, name, where):
    found = element.findall(f"{ATOM}{name}")
    assert len(found) == 1, f"{where}: {len(found)} atom:{name}"
    return found[0]


def timestamp(element, name, where):
    """An RFC 3339 date-time, as atom:updated must be."""
    text = only(element, name, where).text
    assert datetime.fromisoformat(text).tzinfo is not None, f"{where}: {name} {text}"
    return text


def has_author(element):
    return any(author.findtext(f"{ATOM}name") for author in element.findall(f"{ATOM}author"))


def atom(client, url):
    """The feed at `url`, parsed, after checking what RFC 4287 section 4.1 requires of it."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/atom+xml"), url
    feed = ElementTree.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed", url
    only(feed, "id", url)
    assert only(feed, "title", url).text, url
    timestamp(feed, "updated", url)
    links = {link.get("rel", "alternate"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links.get("self", "").startswith("http"), url
    assert links.get("alternate", "").startswith("http"), url
    entries = feed.findall(f"{ATOM}entry")
    for entry in entries:
        where = f"{url} {entry.findtext(f'{ATOM}id')}"
        assert only(entry, "id", where).text
        assert only(entry, "title", where).text
        timestamp(entry, "updated", where)
        # An author on the entry, as the feed has one too (either would do for RFC 4287).
        assert has_author(entry), where
        alternates = [
            link for link in entry.findall(f"{ATOM}link") if link.get("rel") in (None, "alternate")
        ]
        assert alternates or entry.find(f"{ATOM}summary") is not None, where
    assert has_author(feed), url
    return feed, entries


def titles(entries):
    return [entry.findtext(f"{ATOM}title") for entry in entries]


def test_every_feed_has_what_rfc_4287_requires_in_both_languages(client, site):
    for url in FEEDS:
        atom(client, url)
        feed, _entries = atom(client, f"/zh-hans{url}")
        assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-hans", url


def test_entry_titles_name_the_item_the_figure_and_the_day(client, site):
    _feed, entries = atom(client, "/updates/feed/")
    assert len(entries) == 6  # the approved reports only
    shown = titles(entries)
    assert "I-02 Public charging piles, total: 590,000 piles (2024-09-30)" in shown
    assert "I-02 Public charging piles, total, Jiangsu: 150,000 piles (2024-09-30)" in shown
    assert "I-02 Vehicle-to-charging-pile ratio: 1.55 (2024-11-30)" in shown
    _feed, entries = atom(client, "/zh-hans/initiatives/I-02/feed/")
    words = ("I-02 公共充电桩总数", "590,000 个", "2024-09-30")
    assert any(all(word in title for word in words) for title in titles(entries))


def test_summaries_are_html_paragraphs(client, site):
    piles = Target.objects.get(code="I-02.1")
    piles.reports.filter(value=590000).update(
        narrative_en="Ahead of the year's plan.\n\nJiangsu & Anhui <led>."
    )
    _feed, entries = atom(client, "/initiatives/I-02/feed/")
    summaries = {entry.findtext(f"{ATOM}title"): entry.find(f"{ATOM}summary") for entry in entries}
    summary = summaries["I-02 Public charging piles, total: 590,000 piles (2024-09-30)"]
    assert summary.get("type") == "html"
    assert summary.text == (
        "<p>I-02 Public EV charging piles · I-02.1 Public charging piles, total</p>"
        "<p>Ahead of the year&#x27;s plan.</p>"
        "<p>Jiangsu &amp; Anhui &lt;led&gt;.</p>"
        "<p>Source: Press release</p>"
    )


def test_an_entry_is_by_the_member_whose_account_reported_it(client, site, make):
    editor = make.user("anhui-editor")
    StaffProfile.objects.create(user=editor, member=make.member("anhui"))
    built = Target.objects.get(code="T-101.1")
    make.report(built, 1500, as_of=date(2024, 12, 31), reported_by=editor)
    _feed, entries = atom(client, "/tasks/T-101/feed/")
    authors = {
        entry.findtext(f"{ATOM}title"): entry.findtext(f"{ATOM}author/{ATOM}name")
        for entry in entries
    }
    assert authors == {
        "T-101 Expressway piles built: 1,500 piles (2024-12-31)": "Anhui",
        "T-101 Expressway piles built: 1,200 piles (2024-09-30)": (
            "Yangtze River Delta Regional Cooperation Office"
        ),
    }
    _feed, entries = atom(client, "/zh-hans/tasks/T-101/feed/")
    assert "安徽省" in {entry.findtext(f"{ATOM}author/{ATOM}name") for entry in entries}


def test_item_and_member_feeds_hold_only_their_own_reports(client, site):
    _feed, entries = atom(client, "/tasks/T-101/feed/")
    assert titles(entries) == ["T-101 Expressway piles built: 1,200 piles (2024-09-30)"]
    _feed, entries = atom(client, "/projects/P-07/feed/")
    assert titles(entries) == ["P-07 Network plan published: Reached (2024-05-01)"]
    # Jiangsu leads I-02: its figures, and its own part of them; not Anhui's task.
    _feed, entries = atom(client, "/members/jiangsu/feed/")
    shown = titles(entries)
    assert "I-02 Public charging piles, total, Jiangsu: 150,000 piles (2024-09-30)" in shown
    assert all(title.startswith("I-02 ") for title in shown)
    _feed, entries = atom(client, "/members/anhui/feed/")
    assert "T-101 Expressway piles built: 1,200 piles (2024-09-30)" in titles(entries)
    assert not any("Jiangsu" in title for title in titles(entries))


def test_a_feed_keeps_the_day_it_is_of(client, site):
    feed, entries = atom(client, "/tasks/T-101/feed/?as_of=2024-06-30")
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["self"] == "http://testserver/tasks/T-101/feed/?as_of=2024-06-30"
    assert links["alternate"] == "http://testserver/tasks/T-101/?as_of=2024-06-30"
    assert entries == []  # its one report is dated 2024-09-30


@pytest.mark.parametrize(
    "url",
    [
        "/initiatives/I-99/feed/",
        "/tasks/I-02/feed/",  # a code of another kind
        "/members/nowhere/feed/",
        "/plans/no-such-plan/tasks/T-101/feed/",
        "/zh-hans/projects/P-99/feed/",
    ],
)
def test_a_feed_of_nothing_is_not_found(client, site, url):
    assert client.get(url).status_code == 404


def test_feeds_are_not_sent_to_their_chinese_address(client, site):
    for url in ("/tasks/T-101/feed/", "/members/jiangsu/feed/"):
        assert client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN").status_code == 200


def feed_links(html):
    """{href: title} of the head's links to Atom feeds."""
    head = html.split("</head>", 1)[0]
    links = re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]*>', head)
    return {
        re.search(r'href="([^"]*)"', link).group(1): re.search(r'title="([^"]*)"', link).group(1)
        for link in links
    }


@pytest.mark.parametrize("language", ["", "/zh-hans"])
def test_each_feed_is_named_in_the_head_of_its_page(client, site, language):
    pages = {
        "/initiatives/I-02/": ("initiative_feed", {"code": "I-02"}),
        "/projects/P-07/": ("project_feed", {"code": "P-07"}),
        "/tasks/T-102/": ("task_feed", {"code": "T-102"}),
        "/members/jiangsu/": ("member_feed", {"slug": "jiangsu"}),
    }
    for page, (name, kwargs) in pages.items():
        links = feed_links(client.get(f"{language}{page}").content.decode())
        assert links.pop(f"{language}/updates/feed/"), page  # the plan's, on every page
        [(href, title)] = links.items()
        assert href.startswith(f"{language}/"), page
        match = resolve(href)
        assert (match.url_name, match.kwargs) == (name, kwargs), page
        named = kwargs.get("code") or ("江苏省" if language else "Jiangsu")
        assert named in title, page  # a title readers list it by
