"""The public pages: figures, filters, sorting, exports, feed, sitemap, languages, query counts."""

import csv
import io
import json
import re
from datetime import date
from math import ceil
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from initiatives import tables
from initiatives.models import CooperationProject, Initiative, PlanItem, Status, Target, Task
from initiatives.tables import SafeTableExport, TaskTable
from tests.shared import settle_page_cache
from tests.site_data import UNAPPROVED, build_site

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/initiatives/",
    "/initiatives/I-02/",
    "/projects/",
    "/projects/P-07/",
    "/tasks/",
    "/tasks/T-101/",
    "/tasks/T-102/",
    "/members/jiangsu/",
    "/areas/area-2/",
    "/sources/",
    "/updates/",
]


@pytest.fixture
def site(db):
    return build_site()


def text_of(response):
    return response.getvalue().decode()


def unapproved_figures():
    return [f"{value:,}" for value in UNAPPROVED.values()] + [str(v) for v in UNAPPROVED.values()]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_answers_with_a_title_a_description_and_one_h1(client, site, url):
    response = client.get(url)
    assert response.status_code == 200
    html = text_of(response)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
    assert len(title) > len(" · YRD Integration Tracker")
    description = re.search(r'<meta name="description" content="([^"]*)"', html).group(1)
    assert len(description) > 40
    assert html.count("<h1") == 1
    assert 'href="#main"' in html
    assert "<script" not in html
    assert " style=" not in html


@pytest.mark.parametrize("url", [*PAGES, "/updates/feed/", "/api/reports/", "/api/targets/"])
def test_unapproved_values_never_shown(client, site, url):
    html = text_of(client.get(url))
    for figure in unapproved_figures():
        assert figure not in html


@pytest.mark.parametrize("url", ["/tasks/?_export=csv", "/updates/?_export=json"])
def test_unapproved_values_never_exported(client, site, url):
    content = client.get(url).getvalue().decode()
    for figure in unapproved_figures():
        assert figure not in content


def test_initiative_page_shows_targets_against_reported_progress(client, site):
    html = text_of(client.get("/initiatives/I-02/"))
    assert "Public EV charging piles" in html
    assert "600,000 piles" in html  # target
    assert "530,000 piles" in html  # baseline
    assert "590,000 piles" in html  # latest approved
    assert "as of 2024-09-30" in html
    assert "1.55" in html and "1.9" in html
    assert "target exceeded" in html  # 1.55 is below 1.9, lower is better
    assert "Revised target" in html and "Raised after the forum in Wenzhou." in html
    assert "Construction began in every member." in html  # status history
    assert "T-101" in html  # supporting task table
    assert "Press release" in html  # the source
    # the breakdown by member
    assert re.search(r"Jiangsu</a></th><td>150,000 piles", html)


def test_item_page_draws_a_chart_with_a_text_alternative_and_a_table(client, site):
    html = text_of(client.get("/initiatives/I-02/"))
    assert '<svg viewBox="0 0 640 280" role="img"' in html
    assert "2 approved values from 2024-03-31 to 2024-09-30." in html
    assert 'class="chart-target"' in html and 'class="chart-trajectory"' in html
    assert html.count('class="chart-point"') == 3  # two piles reports, one ratio report
    assert "Data of the chart: Public charging piles, total" in html


def test_progress_is_shown_as_a_figure_not_only_a_bar(client, site):
    html = text_of(client.get("/initiatives/I-02/"))
    # 590,000 between 530,000 and 600,000 is 85.7 %
    assert '<span class="progress-figure">85%</span>' in html


def test_illustrative_content_is_marked(client, site):
    html = text_of(client.get("/projects/P-07/"))
    assert "Illustrative demo content" in html
    assert "Reached" in html  # the milestone


def test_task_page_links_its_parent(client, site):
    html = text_of(client.get("/tasks/T-101/"))
    assert 'href="/initiatives/I-02/"' in html
    assert "1,200 piles" in html


def test_dashboard_shows_lists_headlines_and_latest_updates(client, site):
    html = text_of(client.get("/"))
    assert "Public charging piles, total" in html  # headline indicator
    assert "530,000 piles" in html and "590,000 piles" in html
    assert "Overdue" in html and "T-102" in html  # behind schedule or overdue
    assert "1.55" in html  # latest approved updates
    assert 'href="/members/jiangsu/"' in html and 'href="/areas/area-2/"' in html


def test_member_page_lists_what_it_leads_and_co_leads(client, site):
    html = text_of(client.get("/members/anhui/"))
    assert "T-101" in html  # leads
    assert "I-02" in html  # co-leads
    assert "Co-responsible" in html


def test_source_page_lists_every_figure_citing_it(client, site):
    html = text_of(client.get("/sources/"))
    assert 'id="source-yrd-2024-12-04"' in html
    assert "I-02.1 Public charging piles, total" in html
    assert "590,000 piles" in html


def test_unknown_codes_are_404(client, site):
    assert client.get("/initiatives/I-99/").status_code == 404
    assert client.get("/members/nowhere/").status_code == 404
    assert client.get("/tasks/<script>/").status_code == 404


def codes_in_table(response):
    return re.findall(
        r'<td class="code"[^>]*><a href="/[a-z]+/([A-Z]-[0-9]+)/">', text_of(response)
    )


class TestFilters:
    def test_by_member_and_status(self, client, site):
        response = client.get("/tasks/", {"member": "zhejiang", "status": "delayed"})
        assert codes_in_table(response) == ["T-102"]
        response = client.get("/tasks/", {"member": "zhejiang", "status": "on_track"})
        assert codes_in_table(response) == []

    def test_by_schedule_position_including_unknown(self, client, site, make):
        undated = make.task(code="T-900", start_date=None, due_date=None)
        assert codes_in_table(client.get("/tasks/", {"schedule": "overdue"})) == ["T-102"]
        assert codes_in_table(client.get("/tasks/", {"schedule": "behind"})) == ["T-101"]
        assert codes_in_table(client.get("/tasks/", {"schedule": "unknown"})) == [undated.code]
        assert codes_in_table(client.get("/projects/", {"schedule": "on_schedule"})) == ["P-07"]

    def test_illustrative(self, client, site):
        assert codes_in_table(client.get("/tasks/", {"illustrative": "yes"})) == ["T-102"]
        assert codes_in_table(client.get("/tasks/", {"illustrative": "no"})) == ["T-101"]

    def test_search_in_both_languages(self, client, site):
        assert codes_in_table(client.get("/tasks/", {"q": "expressways"})) == ["T-101"]
        assert codes_in_table(client.get("/tasks/", {"q": "换电站"})) == ["T-102"]

    def test_by_focus_area(self, client, site):
        assert codes_in_table(client.get("/tasks/", {"area": "area-1"})) == ["T-102"]

    def test_a_filtered_list_is_a_link(self, client, site):
        html = text_of(client.get("/tasks/?member=anhui&status=on_track"))
        assert '<option value="anhui" selected>' in html
        assert "member=anhui" in html and "_export=csv" in html

    @pytest.mark.parametrize(
        "query",
        [
            {"status": "nonsense"},
            {"member": "atlantis"},
            {"schedule": "'; DROP TABLE"},
            {"page": "9999"},
            {"page": "abc"},
            {"sort": "nonsense"},
            {"_export": "xlsx"},
        ],
    )
    def test_bad_parameters_never_fail(self, client, site, query):
        assert client.get("/tasks/", query).status_code in (200, 404)


class TestSorting:
    def test_by_progress_both_ways_with_unknown_last(self, client, site):
        build_site(first=False)
        ascending = codes_in_table(client.get("/tasks/", {"sort": "progress"}))
        descending = codes_in_table(client.get("/tasks/", {"sort": "-progress"}))
        progress = dict(Task.objects.with_progress().values_list("code", "progress"))
        known = [code for code in ascending if progress[code] is not None]
        assert [progress[c] for c in known] == sorted(progress[c] for c in known)
        assert progress[ascending[-1]] is None and progress[descending[-1]] is None
        assert progress[descending[0]] == max(p for p in progress.values() if p is not None)

    def test_by_code_descending(self, client, site):
        build_site(first=False)
        codes = codes_in_table(client.get("/initiatives/", {"sort": "-code"}))
        assert codes == sorted(Initiative.objects.values_list("code", flat=True), reverse=True)


class TestExports:
    def test_csv_rows_match_the_filter(self, client, site):
        build_site(2, first=False)
        query = {"status": "delayed", "_export": "csv"}
        response = client.get("/tasks/", query)
        assert response["Content-Type"].startswith("text/csv")
        assert 'filename="tasks.csv"' in response["Content-Disposition"]
        content = response.getvalue()
        assert content.startswith("\ufeff".encode())  # so that Excel reads it as UTF-8
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        assert len(rows) - 1 == Task.objects.filter(status="delayed").count() == 3
        assert "Code" in rows[0] and "Progress" in rows[0]

    def test_json_rows_match_the_filter(self, client, site):
        build_site(30, first=False)  # more rows than one page of the table
        response = client.get("/tasks/", {"member": "anhui", "_export": "json"})
        rows = json.loads(response.getvalue())
        assert len(rows) == Task.objects.filter(responsibilities__member__slug="anhui").count()
        assert len(rows) > 25

    def test_csv_is_formula_safe(self, client, site):
        content = client.get("/tasks/", {"_export": "csv"}).getvalue().decode("utf-8-sig")
        titles = [row[1] for row in csv.reader(io.StringIO(content))][1:]
        assert '\'=HYPERLINK("http://example.invalid") swap stations' in titles
        assert not any(title.startswith(("=", "+", "-", "@")) for title in titles)

    def test_update_export(self, client, site):
        rows = json.loads(client.get("/updates/", {"_export": "json"}).getvalue())
        assert len(rows) == 6  # the approved reports of one copy
        assert any(row["Reported"] == "1.55" for row in rows)

    @pytest.mark.parametrize("url, name", [("/projects/", "projects"), ("/updates/", "updates")])
    def test_file_names(self, client, site, url, name):
        response = client.get(url, {"_export": "json"})
        assert f'filename="{name}.json"' in response["Content-Disposition"]

    @pytest.mark.parametrize("language", ["en", "zh-hans"])
    def test_a_table_body_is_django_tables2s(self, rf, make, site, language):
        """A page's rows are rendered their own way, for speed (tables.table_body()); they
        must say what django-tables2's own template says, cell for cell, in either language,
        the empty cells and a member's role included."""
        from django.template import Context, Template
        from django.utils import translation

        from initiatives.models import Member, ProgressReport
        from initiatives.tables import InitiativeTable, UpdateTable

        build_site(2, first=False)
        make.task(lead="anhui", project=CooperationProject.objects.first(), due_date=None)
        anhui = Member.objects.get(slug="anhui")
        request = rf.get("/")
        tag = Template("{% load django_tables2 %}{% render_table table %}")
        tables_shown = [
            TaskTable(Task.objects.with_progress().for_table(), order_by="-progress"),
            TaskTable(Task.objects.for_member(anhui).with_progress().for_table(), member=anhui),
            InitiativeTable(Initiative.objects.with_progress().for_table()),
            UpdateTable(ProgressReport.objects.approved().for_rows()),
        ]

        def cells(html):
            body = html.split("<tbody", 1)[1].split("</tbody>", 1)[0]
            return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", body)).strip()

        with translation.override(language):
            for table in tables_shown:
                table.paginate(per_page=25)
                fast = tag.render(Context({"table": table, "request": request}))
                with mock.patch.object(tables, "table_body", return_value=None):
                    plain = tag.render(Context({"table": table, "request": request}))
                assert cells(fast) == cells(plain)
                assert cells(fast).count("<tr") == len(table.page.object_list.data) > 1

    @pytest.mark.parametrize("export_format", ["csv", "json"])
    def test_streamed_export_says_what_the_table_says(
        self, client, make, site, export_format, monkeypatch
    ):
        """The export reads cells its own way, for speed; it must agree with the table."""
        build_site(2, first=False)
        shared = make.task(lead="anhui", project=CooperationProject.objects.first())
        shared.responsibilities.create(member=make.member("jiangsu"), role="lead")
        make.task(lead="zhejiang", initiative=Initiative.objects.first())
        monkeypatch.setattr(tables, "EXPORT_CHUNK", 2)  # an item's leads across two chunks
        response = client.get("/tasks/", {"_export": export_format, "sort": "-progress"})
        assert response.streaming
        table = TaskTable(Task.objects.with_progress().for_table(), order_by="-progress")
        expected = SafeTableExport(export_format, table).export()
        if export_format == "csv":
            assert response.getvalue().decode() == tables.BYTE_ORDER_MARK + expected
        else:
            assert json.loads(response.getvalue()) == json.loads(expected)
        assert "Anhui, Jiangsu" in expected or "Jiangsu, Anhui" in expected

    def test_export_streams_in_chunks_with_the_same_queries_at_any_size(
        self, client, site, monkeypatch
    ):
        build_site(3, first=False)
        chunk_sizes = []
        iterator = QuerySet.iterator

        def spied(queryset, chunk_size=None):
            chunk_sizes.append(chunk_size)
            return iterator(queryset, chunk_size=chunk_size)

        monkeypatch.setattr(QuerySet, "iterator", spied)
        monkeypatch.setattr(tables, "SENT_TOGETHER", 5)  # rows sent as one chunk
        counts = []
        for size in (2, 500):
            monkeypatch.setattr(tables, "EXPORT_CHUNK", size)
            cache.clear()  # rendered again, not served as kept from the first time
            response = client.get("/tasks/", {"_export": "csv"})
            stream = iter(response.streaming_content)
            with CaptureQueriesContext(connection) as queries:
                header = next(stream)
            assert b"Code" in header and len(queries) == 0  # nothing read before it is wanted
            with CaptureQueriesContext(connection) as queries:
                chunks = [header, *stream]
            rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))
            assert len(rows) == Task.objects.count() + 1
            assert len(chunks) == 1 + ceil(Task.objects.count() / tables.SENT_TOGETHER)
            counts.append(len(queries))
        assert chunk_sizes == [2, 500]  # the rows are read a chunk at a time, never all at once
        assert counts[0] == counts[1] <= 3

    def test_other_formats_are_not_offered(self, client, site):
        response = client.get("/tasks/", {"_export": "xls"})
        assert response["Content-Type"].startswith("text/html")


def test_feed_lists_approved_updates_in_atom(client, site):
    response = client.get("/updates/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    xml = text_of(response)
    assert xml.count("<entry>") == 6
    assert "590,000 piles" in xml and "Vehicle-to-charging-pile ratio: 1.55" in xml


def test_sitemap_lists_pages_in_both_languages(client, site):
    xml = text_of(client.get("/sitemap.xml"))
    assert "http://testserver/initiatives/I-02/" in xml
    assert "http://testserver/zh-hans/initiatives/I-02/" in xml
    assert "http://testserver/members/jiangsu/" in xml
    assert 'hreflang="zh-hans"' in xml


class TestLanguages:
    def test_chinese_page_is_in_chinese(self, client, site):
        html = text_of(client.get("/zh-hans/initiatives/I-02/"))
        assert '<html lang="zh-Hans">' in html
        assert "新增公共充电桩" in html and "公共充电桩总数" in html
        assert "目标与进展" in html  # "Targets and reported progress"
        assert "Targets and reported progress" not in html
        assert "600,000 个" in html

    def test_falls_back_to_english_where_no_chinese(self, client, site):
        html = text_of(client.get("/zh-hans/projects/P-07/"))
        assert "Network plan published" in html

    def test_language_switch_keeps_the_page_and_filters(self, client, site):
        # The switcher's link remembers the choice (tests/test_languages.py), then shows the page.
        html = text_of(client.get("/tasks/?status=delayed"))
        assert 'href="/i18n/choose/zh-hans/?next=%2Fzh-hans%2Ftasks%2F%3Fstatus%3Ddelayed"' in html
        html = text_of(client.get("/zh-hans/tasks/?status=delayed"))
        assert 'href="/i18n/choose/en/?next=%2Ftasks%2F%3Fstatus%3Ddelayed"' in html

    def test_english_is_unprefixed_and_chosen_english_stays(self, client, site):
        client.cookies["django_language"] = "en"
        html = text_of(client.get("/initiatives/I-02/", HTTP_ACCEPT_LANGUAGE="zh-hans"))
        assert '<html lang="en">' in html


@pytest.mark.parametrize("url", [*PAGES, "/zh-hans/", "/updates/feed/"])
def test_public_pages_set_no_cookie_and_do_not_vary_on_it(client, site, url):
    response = client.get(url)
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


QUERY_PAGES = [
    *PAGES,
    "/tasks/?member=anhui&status=on_track&sort=-progress",
    "/tasks/?_export=csv",
    "/initiatives/?_export=json",
    "/updates/feed/",
    "/sitemap.xml",
    "/api/initiatives/",
    "/api/tasks/",
    "/api/targets/",
    "/api/reports/",
]


def count_queries(client, url):
    settle_page_cache(client)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_query_counts_are_small_and_do_not_grow_with_the_data(client, site):
    small = {url: count_queries(client, url) for url in QUERY_PAGES}
    build_site(9, first=False)
    large = {url: count_queries(client, url) for url in QUERY_PAGES}
    print("queries per page:", small)
    assert max(small.values()) <= 10, small
    assert large == small


def expected_summary(items):
    known = [item.progress for item in items if item.progress is not None]
    return {
        "count": len(items),
        "progress": pytest.approx(sum(known) / len(known)) if known else None,
        "behind": sum(item.schedule in (-2, -1) or item.no_report for item in items),
    }


def summary_of(entry):
    return {key: entry[key] for key in ("count", "progress", "behind")}


def test_summaries_agree_with_each_items_own_figures(client, make, site):
    """The dashboard, member and area pages summarise from figures read as tuples; they must
    say what the items' own pages say."""
    make.task(lead="anhui", co=("jiangsu",), focus_area=make.area(2), status="delayed")
    models = (Initiative, CooperationProject, Task)
    everything = [item for model in models for item in model.objects.with_progress()]

    context = client.get("/").context
    for entry, model in zip(context["lists"], models, strict=True):
        items = [item for item in everything if isinstance(item, model)]
        assert summary_of(entry) == expected_summary(items), model
    for row in context["by_area"]:
        items = [item for item in everything if item.focus_area_id == row["area"].pk]
        assert summary_of(row) == expected_summary(items), row["area"]
    for row in context["by_member"]:
        led = [
            item
            for item in everything
            if item.responsibilities.filter(member=row["member"], role="lead").exists()
        ]
        assert summary_of(row) == expected_summary(led), row["member"]
    behind = [item for item in everything if item.schedule in (-2, -1) or item.no_report]
    assert context["behind_count"] == len(behind)
    assert {item.code for item in context["behind"]} == {item.code for item in behind}

    for url, chosen in (
        ("/members/jiangsu/", lambda item: item.responsibilities.filter(member__slug="jiangsu")),
        ("/areas/area-2/", lambda item: item.focus_area.slug == "area-2"),
    ):
        sections = client.get(url).context["sections"]
        for section, model in zip(sections, models, strict=True):
            items = [item for item in everything if isinstance(item, model) and chosen(item)]
            assert summary_of(section) == expected_summary(items), (url, model)
            assert section["table"].paginator.count == len(items)


def test_a_kept_summary_answers_as_its_queryset_built_afresh(make, site, settings, monkeypatch):
    """The summaries' SQL is compiled once and kept (progress.kept_values()), under what it is
    made of: on another day, under other settings, once the plan has closed and as of a past
    day, the kept SQL must say what the queryset built afresh says, dates and booleans read
    as Django reads them."""
    from initiatives.models import progress
    from initiatives.views import behind_rows, led_tallies, tallies, viewed_plan

    make.task(lead="anhui", co=("jiangsu",), focus_area=make.area(2), status="delayed")
    plan, _plans = viewed_plan(None)
    items = PlanItem.objects.in_plan(plan)
    kept = progress.kept_values

    def afresh(items, shape, build, plan=None):
        return list(build())

    def summaries(as_of):
        return (
            tallies(items, plan, as_of),
            led_tallies(plan, as_of),
            behind_rows(items, plan, as_of),
        )

    cases = [
        ({}, None),
        ({"TRACKER_TODAY": date(2024, 3, 1)}, None),
        ({"TRACKER_NO_REPORT_BEHIND_AT": 5}, None),  # the new task, silent, is behind
        ({"TRACKER_TODAY": date(2025, 5, 15)}, None),
        ({"TRACKER_STALE_AFTER_DAYS": 5000}, None),
        ({"TRACKER_TODAY": date(2027, 3, 1)}, None),  # the round has closed
        ({}, date(2025, 6, 30)),
    ]
    before = None
    for changed, as_of in cases:
        for name, value in changed.items():
            setattr(settings, name, value)
        monkeypatch.setattr(progress, "kept_values", afresh)
        fresh = summaries(as_of)
        monkeypatch.setattr(progress, "kept_values", kept)
        assert summaries(as_of) == summaries(as_of) == fresh, (changed, as_of)
        assert fresh != before, (changed, as_of)  # each case moves the figures
        before = fresh

    built = []
    rows = PlanItem.objects.values("pk", "due_date", "is_illustrative")

    def counted():
        built.append(1)
        return rows

    assert kept(items, ("pks",), counted) == kept(items, ("pks",), counted) == list(rows)
    assert len(built) == 1
    assert {type(row["due_date"]) for row in rows} <= {date, type(None)}


def test_a_section_table_shows_one_page_and_clamps_the_page_number(client, make, site):
    for number in range(30):
        make.task(code=f"T-{300 + number}", lead="jiangsu")
    response = client.get("/members/jiangsu/", {"t-page": "99"})
    table = response.context["sections"][2]["table"]
    assert table.page.number == table.paginator.num_pages == 2
    assert len(table.page.object_list) == table.paginator.count - 25
    assert (
        client.get("/members/jiangsu/", {"t-page": "x"}).context["sections"][2]["table"].page.number
        == 1
    )


OTHER = "other-2027-2029"
CURRENT = "yrd-2024-2026"


@pytest.fixture
def two_plans(site, make):
    """The small plan in the current plan and again, under the same codes, in another plan
    whose titles begin "Later" and whose piles target has a figure of its own."""
    other = make.plan(OTHER, start=2027)
    build_site(plan=other)
    for item in PlanItem.objects.filter(plan=other):
        item.title_en = f"Later {item.title_en}"
        item.save()
    piles = Target.objects.get(item__plan=other, code="I-02.1")
    make.report(piles, 777777, as_of=date(2025, 3, 31))
    return other


@pytest.mark.parametrize("window", [1, 3, 6, 10_000])
def test_the_latest_reports_are_the_plans_own_whatever_the_window(
    two_plans, make, monkeypatch, window
):
    """latest_reports() looks through the latest `window` reports of every plan first: what it
    gives must be the plan's latest, by date then key, found there or not, for a member too and
    as of a past day; the other plan's reports are the newer here, interleaved with ours."""
    from initiatives import views
    from initiatives.models import Member, Plan

    ours = Target.objects.get(item__plan__slug=CURRENT, code="I-02.1")
    theirs = Target.objects.get(item__plan=two_plans, code="I-02.1")
    anhui = Member.objects.get(slug="anhui")
    for month in range(1, 7):
        make.report(theirs, 700_000 + month, as_of=date(2026, month, 28))
        make.report(ours, 500_000 + month, as_of=date(2026, month, 27), member=anhui)
    make.report(theirs, 800_000, as_of=date(2026, 9, 30))
    monkeypatch.setattr(views, "RECENT_REPORTS", window)
    for plan in Plan.objects.all():
        for as_of in (None, date(2026, 4, 1)):
            for filters in ({}, {"member": anhui}):
                expected = views.approved_reports(plan, as_of).filter(**filters)
                expected = list(expected.order_by("-as_of", "-pk"))
                for count in (1, 2, 8):
                    found = views.latest_reports(plan, as_of, count, **filters)
                    assert found == expected[:count], (plan, as_of, filters, count)
                    assert {report.target.item.plan_id for report in found} <= {plan.pk}


def hrefs(html):
    return re.findall(r'href="([^"#]*)', html)


def item_links(html):
    """The codes and plans of the items a page's tables link to: (plan slug or None, code)."""
    return re.findall(
        r'<td class="code"[^>]*><a href="(?:/zh-hans)?(?:/plans/([a-z0-9-]+))?/[a-z]+/'
        r'([A-Z]-[0-9]+)/">',
        html,
    )


class TestTwoPlans:
    def test_the_same_code_is_a_different_item_in_each_plan(self, client, two_plans):
        current = text_of(client.get("/initiatives/I-02/"))
        assert "Public EV charging piles" in current and "Later Public" not in current
        assert "590,000 piles" in current and "777,777" not in current
        other = text_of(client.get(f"/plans/{OTHER}/initiatives/I-02/"))
        assert "Later Public EV charging piles" in other
        assert "777,777 piles" in other and "as of 2025-03-31" in other
        chinese = text_of(client.get(f"/zh-hans/plans/{OTHER}/initiatives/I-02/"))
        assert '<html lang="zh-Hans">' in chinese and "777,777 个" in chinese
        by_slug = text_of(client.get(f"/plans/{CURRENT}/initiatives/I-02/"))
        assert "590,000 piles" in by_slug and "777,777" not in by_slug

    @pytest.mark.parametrize(
        "path", ["", "initiatives/", "tasks/T-101/", "members/jiangsu/", "updates/feed/"]
    )
    def test_an_unknown_plan_is_404(self, client, two_plans, path):
        assert client.get(f"/plans/nowhere/{path}").status_code == 404
        assert client.get(f"/zh-hans/plans/nowhere/{path}").status_code == 404

    @pytest.mark.parametrize(
        "path", ["initiatives/", "projects/", "tasks/", "members/jiangsu/", "areas/area-2/"]
    )
    def test_lists_show_only_the_plans_items_and_link_within_it(self, client, two_plans, path):
        for prefix, slug in (("", None), (f"/plans/{OTHER}", OTHER)):
            links = item_links(text_of(client.get(f"{prefix}/{path}")))
            assert links, path
            assert {plan for plan, _code in links} == {slug or ""}, (prefix, path)

    def test_a_task_list_of_each_plan(self, client, two_plans):
        other = client.get(f"/plans/{OTHER}/tasks/", {"status": "delayed"})
        assert item_links(text_of(other)) == [(OTHER, "T-102")]
        html = text_of(client.get(f"/plans/{OTHER}/tasks/T-101/"))
        assert f'href="/plans/{OTHER}/initiatives/I-02/"' in html  # the parent, of its plan

    @pytest.mark.parametrize(
        "path",
        [
            "",
            "initiatives/",
            "initiatives/I-02/",
            "projects/P-07/",
            "tasks/?status=delayed",
            "tasks/T-101/",
            "tasks/T-102/",
            "members/anhui/",
            "areas/area-2/",
            "sources/",
            "updates/",
        ],
    )
    def test_every_link_of_a_plans_page_stays_in_it(self, client, two_plans, path):
        html = text_of(client.get(f"/plans/{OTHER}/{path}"))
        outside = set()
        for href in hrefs(html):
            if not href.startswith("/") or href.startswith(
                ("/api/", "/admin/", "/static/", "/i18n/")  # the language switcher
            ):
                continue
            path_only = href.split("?")[0]
            if path_only == "/sitemap.xml":
                continue
            match = resolve(path_only.removeprefix("/zh-hans"))
            if match.namespace != "plans" or match.kwargs["plan"] != OTHER:
                outside.add(href)
        assert outside == {"/"}, outside  # the switcher's link to the current plan

    def test_the_switcher_and_the_title_name_the_plan_viewed(self, client, two_plans):
        html = text_of(client.get(f"/plans/{OTHER}/tasks/"))
        assert f'<span aria-current="true" title="Plan {OTHER}">{OTHER.upper()}</span>' in html
        assert f'<a href="/" title="Plan {CURRENT}">{CURRENT.upper()}</a>' in html
        assert f"· {OTHER.upper()} ·" in re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        html = text_of(client.get("/zh-hans/"))
        assert f'<a href="/zh-hans/plans/{OTHER}/" title="规划 {OTHER}">' in html
        assert f"规划 {CURRENT}：" in html or f"规划 {CURRENT}:" in html  # the lead names it

    def test_the_dashboard_summarises_one_plan(self, client, make, two_plans):
        make.task(plan=two_plans, status="delayed", lead="jiangsu")
        for url, tasks, updates in (("/", 2, 6), (f"/plans/{OTHER}/", 3, 7)):
            context = client.get(url).context
            assert [entry["count"] for entry in context["lists"]] == [1, 1, tasks], url
            assert len(context["updates"]) == updates, url
            assert {row.target.item.plan.slug for row in context["updates"]} == {
                OTHER if url != "/" else CURRENT
            }
            led = {row["member"].slug: row["count"] for row in context["by_member"]}
            assert led["jiangsu"] == (1 if url == "/" else 2), url

    def test_member_and_area_pages_of_each_plan(self, client, make, two_plans):
        make.task(plan=two_plans, lead="anhui", focus_area=make.area(2))
        for prefix, tasks in (("", 1), (f"/plans/{OTHER}", 2)):
            member = client.get(f"{prefix}/members/anhui/").context
            assert [s["count"] for s in member["sections"]] == [1, 0, tasks], prefix
            assert member["sections"][2]["url"] == f"{prefix}/tasks/?member=anhui"
            area = client.get(f"{prefix}/areas/area-2/").context
            assert [s["count"] for s in area["sections"]] == [1, 0, tasks], prefix

    def test_exports_name_the_plan_in_every_row(self, client, two_plans):
        for prefix, slug, reports in (("", CURRENT, 6), (f"/plans/{OTHER}", OTHER, 7)):
            content = (
                client.get(f"{prefix}/tasks/", {"_export": "csv"}).getvalue().decode("utf-8-sig")
            )
            rows = list(csv.DictReader(io.StringIO(content)))
            assert [row["Code"] for row in rows] == ["T-101", "T-102"]
            assert {row["Plan"] for row in rows} == {slug}
            assert all(row["Title"].startswith("Later") for row in rows) == (slug == OTHER)
            updates = json.loads(client.get(f"{prefix}/updates/", {"_export": "json"}).getvalue())
            assert len(updates) == reports and {row["Plan"] for row in updates} == {slug}
            assert any(row["Reported"] == "777,777 piles" for row in updates) == (slug == OTHER)

    def test_the_feed_and_the_sources_of_each_plan(self, client, two_plans):
        current = text_of(client.get("/updates/feed/"))
        other = text_of(client.get(f"/plans/{OTHER}/updates/feed/"))
        assert current.count("<entry>") == 6 and "777,777" not in current
        assert other.count("<entry>") == 7 and "777,777 piles" in other
        assert f'href="http://testserver/plans/{OTHER}/initiatives/I-02/#target-I-02.1"' in other
        assert f"· {OTHER.upper()}</title>" in other
        sources = text_of(client.get(f"/plans/{OTHER}/sources/"))
        assert "777,777 piles" in sources and "Later Public EV" in sources
        assert "777,777" not in text_of(client.get("/sources/"))

    def test_the_sitemap_lists_every_plans_pages(self, client, two_plans):
        xml = text_of(client.get("/sitemap.xml"))
        for path in ("", "tasks/", "initiatives/I-02/", "members/jiangsu/", "areas/area-2/"):
            assert f"<loc>http://testserver/plans/{OTHER}/{path}</loc>" in xml
            assert f'href="http://testserver/zh-hans/plans/{OTHER}/{path}"' in xml
            assert f"<loc>http://testserver/{path}</loc>" in xml
        assert f"/plans/{CURRENT}/" not in xml  # the current plan's pages once, short

    def test_the_language_switch_keeps_the_plan(self, client, two_plans):
        html = text_of(client.get(f"/plans/{OTHER}/tasks/?status=delayed"))
        chinese = f"/zh-hans/plans/{OTHER}/tasks/?status=delayed"
        assert f'href="/i18n/choose/zh-hans/?{urlencode({"next": chinese})}"' in html

    def test_a_plans_pages_cost_what_the_current_plans_cost(self, client, two_plans):
        for path in ("", "tasks/", "initiatives/I-02/", "members/anhui/", "updates/feed/"):
            assert count_queries(client, f"/plans/{OTHER}/{path}") == count_queries(
                client, f"/{path}"
            ), path


@pytest.fixture
def on_day(monkeypatch):
    """Fix "today" (django.utils.timezone.localdate, which every figure reads) for a test."""

    def fix(day):
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)
        return day

    return fix


SUMMER = date(2025, 7, 1)  # half of 2025 has passed; TRACKER_STALE_AFTER_DAYS is 183


def in_2025(make, code, percent=None, **fields):
    """A task over 2025 with one target, reported at `percent` in June unless None."""
    fields.setdefault("start_date", date(2025, 1, 1))
    fields.setdefault("due_date", date(2025, 12, 31))
    task = make.task(code=code, lead="jiangsu", **fields)
    target = make.target(task, code=f"{code}.1", target_value=100)
    if percent is not None:
        make.report(target, value=percent, as_of=date(2025, 6, 30))
    return task


def row_of(html, code):
    start = html.index(f'<a href="/tasks/{code}/">{code}</a>')
    return html[start : html.index("</tr>", start)]


class TestSilence:
    """Items that never reported are "no report yet", counted and listed with the late ones."""

    @pytest.fixture
    def silent(self, site, make, on_day, settings):
        settings.TRACKER_STALE_AFTER_DAYS = 183
        on_day(SUMMER)
        in_2025(make, "T-500")  # half its time gone: behind
        in_2025(make, "T-501", start_date=date(2025, 6, 1))  # its time just begun

    def test_counted_and_listed_on_the_overview(self, client, silent):
        response = client.get("/")
        tasks = response.context["lists"][2]
        # T-102 (overdue), T-500 (behind) and T-501 (within its first quarter), none reported.
        assert (tasks["behind"], tasks["no_report"]) == (3, 3)
        assert [item.code for item in response.context["behind"]] == ["T-102", "T-500", "T-501"]
        html = text_of(response)
        assert "3 behind schedule, overdue or not reported" in html
        assert '<a href="/tasks/?schedule=no_report">3 with no report yet</a>' in html
        behind = html[html.index('id="behind-heading"') :]
        assert re.search(r"T-501</span>[^<]*</a> — <span[^>]*>No report yet</span>", behind)
        assert re.search(
            r"T-500</span>[^<]*</a> — <span[^>]*>Behind schedule</span> "
            r'<span class="flag">no report yet</span>',
            behind,
        )

    def test_the_schedule_table_counts_them(self, client, silent):
        html = text_of(client.get("/"))
        start = html.index('id="by-schedule-caption"')
        table = html[start : html.index("</table>", start)]
        row = '<span class="muted">(of the above)</span></th><td>0</td><td>0</td><td>3</td>'
        assert f"No report yet</span> {row}" in table

    def test_the_list_filter_and_the_page(self, client, silent):
        response = client.get("/tasks/", {"schedule": "no_report"})
        assert codes_in_table(response) == ["T-102", "T-500", "T-501"]
        assert "No report yet" in row_of(text_of(response), "T-501")
        html = text_of(client.get("/tasks/T-500/"))
        assert re.search(
            r"<dd><span[^>]*>Behind schedule</span> <span[^>]*>no report yet</span>", html
        )
        assert "No approved report yet" in html

    def test_in_chinese(self, client, silent):
        html = text_of(client.get("/zh-hans/tasks/T-501/"))
        assert "尚无报告" in html and "No report yet" not in html

    def test_counted_on_member_and_area_pages(self, client, silent):
        response = client.get("/members/jiangsu/")
        section = response.context["sections"][2]
        assert (section["behind"], section["no_report"]) == (2, 2)
        link = '<a href="/tasks/?member=jiangsu&amp;schedule=no_report">2 with no report yet</a>'
        assert link in text_of(response)

    def test_exported(self, client, silent):
        rows = json.loads(client.get("/tasks/", {"_export": "json"}).getvalue())
        shown = {row["Code"]: (row["Schedule"], row["No report yet"]) for row in rows}
        assert shown["T-500"] == ("Behind schedule", True)
        assert shown["T-501"] == ("No report yet", True)
        assert shown["T-101"][1] is False

    def test_no_date_reported_is_a_dash_in_the_row_and_empty_in_the_exports(self, client, silent):
        row = row_of(text_of(client.get("/tasks/")), "T-501")
        assert '<td class="date">—</td>' in row and "None" not in row
        rows = json.loads(client.get("/tasks/", {"_export": "json"}).getvalue())
        assert {row["Code"]: row["Last reported"] for row in rows}["T-501"] is None
        lines = csv.DictReader(
            io.StringIO(client.get("/tasks/", {"_export": "csv"}).getvalue().decode("utf-8-sig"))
        )
        assert {line["Code"]: line["Last reported"] for line in lines}["T-501"] == ""


class TestStale:
    """A figure approved more than TRACKER_STALE_AFTER_DAYS ago says so wherever it is shown."""

    @pytest.fixture
    def old(self, site, make, on_day, settings):
        settings.TRACKER_STALE_AFTER_DAYS = 183
        on_day(SUMMER)  # figures before 2024-12-30 are stale
        make.report(Target.objects.get(code="T-101.1"), value=1500, as_of=date(2025, 6, 30))
        old = in_2025(make, "T-502", start_date=date(2024, 1, 1))
        make.report(old.targets.get(), value=40, as_of=date(2024, 6, 30))

    def test_list_rows_and_the_filter(self, client, old):
        html = text_of(client.get("/tasks/"))
        assert "not updated since 2024-06-30" in row_of(html, "T-502")
        assert "not updated since" not in row_of(html, "T-101")
        assert codes_in_table(client.get("/tasks/", {"stale": "1"})) == ["T-502"]
        assert codes_in_table(client.get("/tasks/", {"stale": "0"})) == ["T-101"]
        assert codes_in_table(client.get("/initiatives/", {"stale": "1"})) == []
        assert "Not updated since 2024-12-30" in html  # the filter's choice

    def test_item_page_flags_the_old_target_only(self, client, old):
        html = text_of(client.get("/initiatives/I-02/"))
        assert "not updated since" not in html[: html.index('id="targets-heading"')]  # 2025-06-30
        assert "not updated since 2024-09-30" in html  # the piles, 590,000 as of 2024-09-30
        assert "not updated since 2024-11-30" in html  # the ratio
        assert "not updated since 2024-06-30" in text_of(client.get("/tasks/T-502/"))

    def test_overview_counts_them_and_flags_the_headline_figure(self, client, old):
        response = client.get("/")
        assert [entry["stale"] for entry in response.context["lists"]] == [0, 1, 1]
        html = text_of(response)
        assert '<a href="/tasks/?stale=1">1 not updated since 2024-12-30</a>' in html
        headlines = html[html.index('id="headline-heading"') : html.index('id="areas-heading"')]
        flag = '<span class="flag flag-stale">not updated since 2024-09-30</span>'
        assert f'590,000 piles</strong> <span class="muted">(2024-09-30)</span> {flag}' in headlines

    def test_member_page_rows(self, client, old):
        assert "not updated since 2024-06-30" in text_of(client.get("/members/jiangsu/"))

    def test_the_threshold_is_a_setting(self, client, old, settings):
        settings.TRACKER_STALE_AFTER_DAYS = 400
        assert codes_in_table(client.get("/tasks/", {"stale": "1"})) == []


CONTRADICTIONS = [
    # code, status, percent, due date, what the page says
    ("T-510", "on_track", 10, date(2025, 12, 31), "the approved figures put it behind schedule"),
    ("T-511", "not_started", None, date(2025, 12, 31), "the approved figures put it behind"),
    ("T-512", "at_risk", 60, date(2025, 6, 30), "the due date has passed"),
    ("T-513", "delayed", 90, date(2025, 12, 31), "the approved figures put it ahead"),
    ("T-514", "completed", 80, date(2025, 12, 31), "the approved figures do not meet every"),
]


class TestDeclaredAgainstComputed:
    @pytest.fixture
    def contradicted(self, site, make, on_day):
        on_day(SUMMER)
        for code, status, percent, due, _words in CONTRADICTIONS:
            in_2025(make, code, percent, status=status, due_date=due)
        in_2025(make, "T-515", 50, status="on_track")  # agrees

    @pytest.mark.parametrize("code, status, percent, due, words", CONTRADICTIONS)
    def test_the_item_page_says_so(self, client, contradicted, code, status, percent, due, words):
        html = text_of(client.get(f"/tasks/{code}/"))
        label = dict(Status.choices)[status]
        note = '<p class="disagreement"><span class="flag flag-disagrees">'
        says = f"The status says “{label}”, but {words}"
        assert f"{note}Status disagrees with progress:</span> {says}" in html

    def test_the_list_filter_and_rows(self, client, contradicted):
        response = client.get("/tasks/", {"disagrees": "1"})
        assert codes_in_table(response) == [code for code, *_ in CONTRADICTIONS]
        assert "Declared on track or not started, but behind schedule" in row_of(
            text_of(response), "T-510"
        )
        agreeing = codes_in_table(client.get("/tasks/", {"disagrees": "0"}))
        assert "T-515" in agreeing and "T-510" not in agreeing

    def test_counted_on_the_overview(self, client, contradicted):
        html = text_of(client.get("/"))
        assert '<a href="/tasks/?disagrees=1">5 whose status disagrees with progress</a>' in html

    def test_a_page_without_contradiction_says_nothing(self, client, contradicted):
        assert "Status disagrees" not in text_of(client.get("/tasks/T-515/"))

    def test_exported_in_words(self, client, contradicted):
        rows = json.loads(client.get("/tasks/", {"_export": "json"}).getvalue())
        words = {row["Code"]: row["Status disagrees with progress"] for row in rows}
        assert words["T-515"] == ""
        assert words["T-513"] == (
            "The status says “Delayed”, but the approved figures put it ahead of schedule."
        )


def test_robots_txt_lets_crawlers_in_and_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /" not in lines
