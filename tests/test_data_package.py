"""The data package at /data/ and the downloads of the summary pages: CSV that Excel reads
(a byte-order mark, Chinese intact, formulas made inert), a package that Frictionless finds
valid, foreign keys that resolve, a zip that holds the same files."""

import csv
import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from initiatives.datapackage import TABLES
from initiatives.models import Edition, ProgressReport, ReviewState, Target
from tests import factories as f
from tests.shared import settle_page_cache
from tests.site_data import UNAPPROVED, build_site

BOM = "\ufeff".encode()
OTHER = "yrd-2027-2029"


@pytest.fixture
def site(db):
    """The small plan, with a correction, a published edition, a reporting period and the
    plan's own source, so that every table has rows and every key is used."""
    build_site()
    plan = f.plan()
    source = f.source()
    plan.sources.add(source)
    plan.members.add(f.member("shanghai"))
    original = ProgressReport.objects.get(target__code="T-101.1")
    f.report(
        original.target,
        1300,
        as_of=original.as_of,
        supersedes=original,
        correction_reason="Counted twice.",
    )
    Edition.objects.create(
        plan=plan,
        slug="2024-12-04",
        title_en="Media briefing",
        title_zh="新闻发布会",
        as_of=date(2024, 12, 4),
        source=source,
        published_at=timezone.make_aware(datetime(2024, 12, 4, 10)),
    )
    f.period(plan, targets=list(Target.objects.filter(item__code="I-02")))
    return plan


def body(response):
    assert response.status_code == 200, response.status_code
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def rows_of(content):
    assert content.startswith(BOM)
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def tables_of(client, prefix=""):
    return {
        table.name: rows_of(body(client.get(f"{prefix}/data/{table.name}.csv"))) for table in TABLES
    }


def test_every_table_downloads_as_csv_that_excel_reads(client, site):
    for table in TABLES:
        response = client.get(f"/data/{table.name}.csv")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert f'filename="{site.slug}-{table.name}.csv"' in response["Content-Disposition"]
        content = body(response)
        assert content.startswith(BOM)
        header = next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        assert header == [field.name for field in table.fields]
    items = {row["code"]: row for row in rows_of(body(client.get("/data/items.csv")))}
    assert items["I-02"]["title_zh"] == "新增公共充电桩"
    assert items["T-102"]["title_en"].startswith("'=HYPERLINK")  # inert in a spreadsheet
    assert items["T-101"]["parent"] == "I-02" and items["T-101"]["kind"] == "task"
    assert items["I-02"]["url"] == "http://testserver/initiatives/I-02/"


def test_only_what_is_public_is_in_the_package(client, site):
    tables = tables_of(client)
    everything = json.dumps(tables)
    assert not any(str(value) in everything for value in UNAPPROVED.values())
    reports = tables["reports"]
    assert {row["id"] for row in reports} == {
        str(uuid)
        for uuid in ProgressReport.objects.filter(status=ReviewState.APPROVED).values_list(
            "uuid", flat=True
        )
    }
    (correction,) = [row for row in reports if row["supersedes"]]
    corrected = next(row for row in reports if row["id"] == correction["supersedes"])
    assert (corrected["corrected"], correction["corrected"]) == ("true", "false")
    assert [row["slug"] for row in tables["editions"]] == ["2024-12-04"]


def test_the_package_is_valid_and_its_foreign_keys_resolve(client, site, tmp_path):
    """Frictionless reads every table against its schema (types, primary and foreign keys);
    about a second, most of it importing the library."""
    import frictionless

    archive = zipfile.ZipFile(io.BytesIO(body(client.get("/data/package.zip"))))
    archive.extractall(tmp_path)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = frictionless.Package(str(tmp_path / "datapackage.json"))
    assert {resource.name for resource in package.resources} == {t.name for t in TABLES}

    tables = tables_of(client)
    checked = 0
    for table in TABLES:
        assert tables[table.name], f"{table.name} has no rows in this test"
        for field, other, key in table.foreign_keys:
            known = {row[key] for row in tables[other]}
            used = {row[field] for row in tables[table.name] if row[field]}
            assert used <= known, (table.name, field, used - known)
            checked += bool(used)
    assert checked >= 12  # every kind of link is exercised, not vacuously true


def test_the_zip_holds_the_files_of_the_package(client, site):
    response = client.get("/data/package.zip")
    assert response["Content-Type"] == "application/zip"
    assert f'filename="{site.slug}.zip"' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    assert set(archive.namelist()) == {"datapackage.json", *(f"{t.name}.csv" for t in TABLES)}
    assert archive.read("datapackage.json") == body(client.get("/data/datapackage.json"))
    for table in TABLES:
        assert archive.read(f"{table.name}.csv") == body(client.get(f"/data/{table.name}.csv"))


@override_settings(
    DATA_LICENCE={
        "name": "ODbL-1.0",
        "title": "Open Database License",
        "path": "https://l.example/",
    }
)
def test_the_descriptor_states_licence_sources_period_and_keys(client, site):
    package = json.loads(body(client.get("/data/datapackage.json")))
    assert package["name"] == site.slug
    assert package["licenses"] == [
        {"name": "ODbL-1.0", "title": "Open Database License", "path": "https://l.example/"}
    ]
    assert package["sources"] == [{"title": "Press release"}]
    assert package["temporal"] == {"start": "2024-01-01", "end": "2026-12-31"}
    resources = {resource["name"]: resource for resource in package["resources"]}
    assert resources["items"]["schema"]["primaryKey"] == ["code"]
    assert {"fields": "parent", "reference": {"resource": "items", "fields": "code"}} in resources[
        "items"
    ]["schema"]["foreignKeys"]
    assert resources["periods"]["schema"]["primaryKey"] == ["start_date", "end_date"]
    types = {field["name"]: field["type"] for field in resources["reports"]["schema"]["fields"]}
    assert (types["as_of"], types["value"], types["approved_at"]) == ("date", "number", "datetime")


def test_the_page_lists_the_tables_with_sizes_and_the_licence(client, site):
    page = body(client.get("/data/")).decode()
    assert 'href="/data/items.csv"' in page and 'href="/data/package.zip"' in page
    assert 'rel="license"' in page and "Creative Commons Attribution 4.0" in page
    assert "<td>4</td>" in page  # the four items
    chinese = body(client.get("/zh-hans/data/")).decode()
    assert 'href="/zh-hans/data/items.csv"' in chinese and 'lang="zh-Hans"' in chinese
    assert "/data/" in body(client.get("/sitemap.xml")).decode()


def test_each_plan_has_its_own_package(client, site):
    other = f.plan(OTHER, start=2027)
    f.task(code="T-900", plan=other, title_en="Next round", lead="anhui")
    items = rows_of(body(client.get(f"/plans/{OTHER}/data/items.csv")))
    assert [row["code"] for row in items] == ["T-900"]
    assert items[0]["url"] == f"http://testserver/plans/{OTHER}/tasks/T-900/"
    assert "T-900" not in body(client.get("/data/items.csv")).decode()
    package = json.loads(body(client.get(f"/plans/{OTHER}/data/datapackage.json")))
    assert package["name"] == OTHER
    assert client.get("/plans/no-such-plan/data/items.csv").status_code == 404


@pytest.mark.parametrize("url", ["/data/nothing.csv", "/data/items.xlsx", "/data/items"])
def test_an_unknown_table_is_not_found(client, site, url):
    assert client.get(url).status_code == 404


def test_the_package_costs_the_same_queries_whatever_the_plan_size(client, site):
    urls = ["/data/", "/data/datapackage.json", "/data/package.zip"]
    urls += [f"/data/{table.name}.csv" for table in TABLES]

    def counts():
        found = []
        for url in urls:
            settle_page_cache(client)
            with CaptureQueriesContext(connection) as queries:
                body(client.get(url, {"fresh": len(found)}))  # not served from the page cache
            found.append(len(queries))
        return found

    small = counts()
    build_site(3, first=False)
    assert counts() == small
    assert max(small[3:]) <= 6 and small[0] <= 16


def test_the_package_is_served_from_the_page_cache(client, site):
    first = client.get("/data/items.csv")
    assert first["X-Page-Cache"] == "miss"
    content = body(first)
    again = client.get("/data/items.csv")
    assert again["X-Page-Cache"] == "hit" and again.content == content


PAGES = ["/sources/", "/members/", "/areas/", "/members/anhui/", "/areas/area-2/"]
PAGES += ["/", "/map/", "/editions/"]


@pytest.mark.parametrize("url", PAGES)
def test_every_summary_page_downloads_what_it_shows(client, site, url):
    page = body(client.get(url)).decode()
    assert 'href="?_export=csv"' in page and 'href="?_export=json"' in page
    content = body(client.get(url, {"_export": "csv"}))
    rows = rows_of(content)
    assert rows
    data = json.loads(body(client.get(url, {"_export": "json"})))
    assert len(data) == len(rows)
    assert client.get(url, {"_export": "xlsx"}).status_code == 400


def test_the_downloads_hold_the_pages_rows(client, site):
    anhui = rows_of(body(client.get("/members/anhui/", {"_export": "csv"})))
    assert {row["Code"] for row in anhui} == {"I-02", "T-101"}  # co-leads one, leads the other
    assert {row["List"] for row in anhui} == {"Integration initiative", "Key task"}
    members = {row["Slug"]: row for row in rows_of(body(client.get("/members/?_export=csv")))}
    assert (members["anhui"]["Leads"], members["anhui"]["Co-leads"]) == ("1", "1")
    areas = rows_of(body(client.get("/areas/?_export=csv")))
    assert [row["Slug"] for row in areas] == ["area-1", "area-2"]
    (source,) = rows_of(body(client.get("/sources/?_export=csv")))
    assert source["Key"] == "yrd-2024-12-04" and int(source["Targets that cite it"]) == 2
    chinese = rows_of(body(client.get("/zh-hans/members/anhui/", {"_export": "csv"})))
    assert any(row.get("标题") == "新增公共充电桩" for row in chinese) or any(
        "新增公共充电桩" in row.values() for row in chinese
    )


def test_the_overview_downloads_its_headline_targets(client, site):
    milestone = Target.objects.get(code="P-07.1")
    milestone.is_headline = True
    milestone.name_en = "=SUM(A1) published"
    milestone.save()
    page = body(client.get("/")).decode()
    rows = rows_of(body(client.get("/", {"_export": "csv"})))
    assert [row["Code"] for row in rows] == ["I-02.1", "P-07.1"]  # as the page lists them
    assert all(f'id="headline-{row["Code"]}"' in page for row in rows)
    piles, network = rows
    assert (piles["Item"], piles["Name"], piles["Unit"]) == (
        "I-02",
        "Public charging piles, total",
        "piles",
    )
    assert Decimal(piles["Baseline"]) == 530000 and Decimal(piles["Target"]) == 600000
    assert (piles["Target date"], piles["Latest as of"]) == ("2026-12-31", "2024-09-30")
    assert Decimal(piles["Latest approved"]) == 590000
    assert float(piles["Progress"]) == pytest.approx(85.7, abs=0.05)
    assert (piles["Source"], piles["Illustrative"], piles["Plan"]) == (
        "yrd-2024-12-04",
        "False",
        site.slug,
    )
    assert network["Name"] == "'=SUM(A1) published"  # inert in a spreadsheet
    assert (network["Latest approved"], network["Progress"]) == ("True", "100.0")
    (first, second) = json.loads(body(client.get("/", {"_export": "json"})))
    assert first["Code"] == "I-02.1" and second["Name"] == "=SUM(A1) published"
    assert second["Illustrative"] is True and second["Baseline"] is None


def test_the_overview_downloads_the_headline_targets_as_of_a_day(client, site):
    ProgressReport.objects.filter(target__code="I-02.1", value=560000).update(
        reviewed_at=timezone.make_aware(datetime(2024, 4, 15))
    )
    page = body(client.get("/", {"as_of": "2024-05-31"})).decode()
    assert 'href="?as_of=2024-05-31&amp;_export=csv"' in page
    (piles,) = rows_of(body(client.get("/", {"as_of": "2024-05-31", "_export": "csv"})))
    assert Decimal(piles["Target"]) == 550000  # the target before its revision of 1 June
    assert (Decimal(piles["Latest approved"]), piles["Latest as of"]) == (560000, "2024-03-31")
    assert client.get("/", {"as_of": "2024-05-31", "_export": "pdf"}).status_code == 400


def test_the_headline_download_speaks_the_pages_language(client, site):
    (piles,) = rows_of(body(client.get("/zh-hans/", {"_export": "csv"})))
    assert (piles["编号"], piles["名称"], piles["单位"]) == ("I-02.1", "公共充电桩总数", "个")
    assert Decimal(piles["目标"]) == 600000


def test_the_map_downloads_the_members_table(client, site):
    for export_format in ("csv", "json"):
        on_map = body(client.get("/map/", {"_export": export_format}))
        assert on_map == body(client.get("/members/", {"_export": export_format}))
    members = {row["Slug"]: row for row in rows_of(body(client.get("/map/?_export=csv")))}
    assert (members["anhui"]["Leads"], members["anhui"]["Co-leads"]) == ("1", "1")
    assert (
        'href="?as_of=2024-06-30&amp;_export=json"'
        in body(client.get("/map/", {"as_of": "2024-06-30"})).decode()
    )
    chinese = rows_of(body(client.get("/zh-hans/map/?_export=csv")))
    assert {row["成员"] for row in chinese} >= {"安徽省"}


def test_the_editions_list_downloads_its_editions(client, site):
    Edition.objects.create(
        plan=site, slug="draft", title_en="Not yet", as_of=date(2025, 1, 1)
    )  # a draft is not listed, nor downloaded
    (edition,) = rows_of(body(client.get("/editions/?_export=csv")))
    assert edition == {
        "Slug": "2024-12-04",
        "Title (English)": "Media briefing",
        "Title (Chinese)": "新闻发布会",
        "As of": "2024-12-04",
        "Published": edition["Published"],
        "Plan": site.slug,
    }
    published = datetime.fromisoformat(edition["Published"])
    assert published == timezone.make_aware(datetime(2024, 12, 4, 10))
    (chinese,) = json.loads(body(client.get("/zh-hans/editions/?_export=json")))
    assert chinese["标识"] == "2024-12-04" and chinese["截至"] == "2024-12-04"
    assert rows_of(body(client.get("/editions/?as_of=2024-12-03&_export=csv"))) == []
    assert client.get("/editions/?_export=xml").status_code == 400
