"""The members' and focus areas' indexes (/members/, /areas/) and the members' map (/map/)."""

import re

import pytest

from tests import factories as f
from tests.site_data import build_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(db):
    return build_site()


def text_of(response):
    assert response.status_code == 200
    return response.content.decode()


def table_row(html, name):
    """The cells of the table row headed by `name`, as text."""
    row = re.search(rf"<tr><th scope=\"row\"><a [^>]*>{re.escape(name)}</a></th>(.*?)</tr>", html)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row[1])]


def test_members_index_agrees_with_the_overview(client, site):
    html = text_of(client.get("/members/"))
    overview = text_of(client.get("/"))
    for name in ("Shanghai", "Jiangsu", "Anhui"):
        ours, theirs = table_row(html, name), table_row(overview, name)
        # Leads, co-leads, mean progress; behind, here with its share of what it leads.
        assert ours[:3] == theirs[:3]
        assert ours[3].split()[0] == theirs[3]
        assert f'href="/members/{name.lower()}/"' in html


def test_areas_index_counts_each_list(client, site):
    f.task(focus_area=f.area(3), lead="zhejiang")
    html = text_of(client.get("/areas/"))
    assert 'href="/areas/area-3/"' in html
    # Area 3 holds one task and nothing else.
    assert table_row(html, "3. Area 3")[:3] == ["0", "0", "1"]


def test_map_has_a_tile_linking_each_member_with_its_figures_in_words(client, site):
    html = text_of(client.get("/map/"))
    svg = re.search(r"<svg class=\"tile-map\".*?</svg>", html, re.S)[0]
    for slug in ("shanghai", "jiangsu", "anhui"):
        assert f'href="/members/{slug}/"' in svg
    assert "% behind" in svg and "leads " in svg
    # Jiangsu to the north of Anhui's row, Shanghai east of it.
    places = dict(re.findall(r'href="/members/(\w+)/" transform="translate\(([\d ]+)\)"', svg))
    assert int(places["jiangsu"].split()[1]) < int(places["anhui"].split()[1])
    assert int(places["shanghai"].split()[0]) > int(places["anhui"].split()[0])
    # The same figures as a table beside it.
    assert table_row(html, "Jiangsu")


def test_a_member_not_on_the_map_gets_a_tile_below(client, site, monkeypatch):
    monkeypatch.setattr("initiatives.views.places.TILE_PLACES", {})
    svg = re.search(r"<svg .*?</svg>", text_of(client.get("/map/")), re.S)[0]
    rows = {y for _x, y in re.findall(r'transform="translate\((\d+) (\d+)\)"', svg)}
    assert rows == {"0"}  # a single row of tiles


def test_pages_under_a_plan_in_chinese_and_as_of(client, site):
    for url in ("/zh-hans/members/", "/zh-hans/areas/", "/zh-hans/map/"):
        assert "江苏省" in text_of(client.get(url)) or "领域" in text_of(client.get(url))
    for url in ("/plans/yrd-2024-2026/map/", "/map/?as_of=2024-06-30", "/areas/?as_of=2024-06-30"):
        text_of(client.get(url))
    assert client.get("/map/?as_of=not-a-day").status_code == 400
