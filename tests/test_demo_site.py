"""The public site on the demo data: the plan's real figures where a newcomer looks for them."""

import csv
import io
import json
import re
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from initiatives.demo import DEMO_DATE
from initiatives.models import (
    CooperationProject,
    Edition,
    Member,
    Plan,
    PlanItem,
    ProgressReport,
    ReportingPeriod,
    ReviewState,
    Status,
    Target,
    Task,
)
from initiatives.templatetags.figures import report_figure
from tests import factories, staff
from tests.shared import load_demo, settle_page_cache, shared_data

# Its data is built once for the module: keep its tests on one worker.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo-site")]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for the tests of this module (each rolls back its own writes)."""
    with shared_data(django_db_blocker):
        load_demo()
        yield


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.getvalue().decode()


def target_section(html, code):
    start = html.index(f'id="target-{code}"')
    end = html.find('<section class="target"', start + 1)
    return html[start : end if end > 0 else None]


def test_newcomer_goes_from_the_dashboard_to_the_charging_piles(client, demo):
    dashboard = page(client, "/")
    assert 'href="/initiatives/"' in dashboard
    listing = page(client, "/initiatives/")
    assert 'href="/initiatives/I-02/"' in listing
    html = page(client, "/initiatives/I-02/")
    assert "Install over 70,000 new public EV charging piles" in html
    piles = target_section(html, "I-02.1")
    assert "<strong>600,000 charging piles</strong>" in piles  # the target
    assert "603,400 charging piles" in piles and "as of 2024-12-31" in piles  # reported
    assert "Yangtze River Delta region set for leap in integration" in piles  # its source
    assert "over 70,000 charging piles" in target_section(html, "I-02.2")
    ratio = target_section(html, "I-02.3")
    assert "1.55 vehicles per pile" in ratio and "1.9 vehicles per pile" in ratio
    assert "Lower is better" in ratio and "target exceeded" in ratio
    assert "Press Release for Media Briefing" in ratio

    # the same in Chinese
    html = page(client, "/zh-hans/initiatives/I-02/")
    assert "新建公共充电桩7万个以上，总量达到60万个" in html
    piles = target_section(html, "I-02.1")
    assert "公共充电桩总量" in piles and "600,000 个" in piles and "603,400 个" in piles
    ratio = target_section(html, "I-02.3")
    assert "1.55 辆/桩" in ratio and "1.9 辆/桩" in ratio and "越低越好" in ratio
    assert "目标与进展" in html and "状态历史" in html

    # and the railway initiative beside it
    assert "660 km" in page(client, "/initiatives/I-01/")


def test_the_pile_target_draws_no_line_from_zero(client, demo):
    """I-02.1 has no recorded baseline: its chart draws no expected path from 0 and says so,
    marks its target date and labels more than one tick of time; its embed page answers."""
    from xml.etree import ElementTree

    piles = target_section(page(client, "/initiatives/I-02/"), "I-02.1")
    assert "No baseline is recorded, so no expected path is drawn." in piles
    assert "chart-trajectory" not in piles
    svg = ElementTree.fromstring(page(client, "/targets/I-02.1/chart.svg").encode())
    ns = "{http://www.w3.org/2000/svg}"
    assert svg.find(f".//{ns}line[@class='chart-trajectory']") is None
    assert svg.find(f".//{ns}g[@class='chart-deadline']") is not None
    assert len(svg.findall(f".//{ns}g[@class='chart-grid']/{ns}text")) > 6  # values and time
    assert "600,000" in page(client, "/targets/I-02.1/embed/")


def test_dashboard_opens_on_the_plans_headline_promises(client, demo):
    html = page(client, "/")
    block = html[html.index('id="headline-heading"') : html.index('id="lists-heading"')]
    promises = [
        ("I-01.1", "Railway lines added in the year", "660 km", "cd-2024-forum"),
        ("I-02.1", "Public charging piles, total", "600,000 charging piles", "cd-2024-forum"),
        ("I-02.3", "Vehicle-to-charging-pile ratio", "1.9 vehicles per pile", "yrd-2024-12-04"),
        ("I-03.1", "Virtual government service points", "over 200 service points", "cd-2024-forum"),
        ("I-04.1", "New elderly care facilities", "300 facilities", "cd-2024-forum"),
    ]
    rows = block.split('<tr id="headline-')[1:]
    assert [row.split('"', 1)[0] for row in rows] == [code for code, *_rest in promises]
    for row, (_code, name, target, source) in zip(rows, promises, strict=True):
        assert name in row and target in row and "by 2024-12-31" in row, name
        assert f'href="/sources/#source-{source}"' in row, name
        assert '<progress max="100"' in row, name
    # The briefing's ratio is a real figure; the others' latest figures are invented, and say so.
    assert "1.55 vehicles per pile" in rows[2] and "Illustrative demo content" not in rows[2]
    assert all("Illustrative demo content" in row for row in rows[:2] + rows[3:])


def test_dashboard_shows_the_monitored_indicators_from_baseline_to_latest(client, demo):
    html = page(client, "/")
    start = html.index('id="monitored-heading"')
    headlines = html[start : html.index("</table>", start)]
    for baseline, latest in [
        ("23.9%", "24.4%"),
        ("2.81%", "3.34%"),
        ("4,150 km", "7,600 km"),
        ("42 µg/m³", "30 µg/m³"),
        ("75.1%", "83.3%"),
    ]:
        assert baseline in headlines and latest in headlines
    assert html.count('class="card"') == 3
    assert re.search(r'<p class="big-figure">165</p>', html)


PAGE_TYPES = [
    "/initiatives/I-01/",
    "/projects/",
    "/projects/P-02/",
    "/tasks/",
    "/tasks/T-160/",
    "/members/anhui/",
    "/areas/green/",
    "/sources/",
    "/updates/",
    "/updates/feed/",
    "/zh-hans/",
    "/zh-hans/tasks/?member=zhejiang&status=delayed",
    "/api/targets/",
    "/sitemap.xml",
]


def test_every_page_type_answers_on_the_demo(client, demo):
    for url in PAGE_TYPES:
        page(client, url)


def test_search_finds_the_railway_items_in_either_language(client, demo):
    def codes(query):
        html = page(client, f"/search/?q={query}")
        return set(re.findall(r'<span class="code">([A-Z]-\d+)</span>', html))

    # The 660 km of new lines, the intercity line to Jiaxing and the track laid in Shanghai
    # are called railway in English and 铁路 in Chinese.
    both = {"I-01", "P-08", "T-001"}
    assert both <= codes("railway")
    assert both | {"T-002", "T-005"} <= codes("铁路")
    assert codes("铁路") == codes("%E9%93%81%E8%B7%AF")


def test_members_index_and_map_show_the_four_members(client, demo):
    for url in ("/members/", "/map/"):
        html = page(client, url)
        for slug in ("shanghai", "jiangsu", "zhejiang", "anhui"):
            assert f'href="/members/{slug}/"' in html, (url, slug)


def test_unapproved_figures_never_show(client, demo):
    hidden = ProgressReport.objects.exclude(status=ReviewState.APPROVED).select_related(
        "target__item__plan"
    )
    assert hidden.exists()
    for report in hidden.filter(value__isnull=False):
        target = report.target
        html = page(client, target.item.get_absolute_url())
        section = target_section(html, target.code)
        row = f"<td>{report.as_of:%Y-%m-%d}</td><td>{report_figure(report)}"
        approved_twin = target.reports.filter(
            status=ReviewState.APPROVED, as_of=report.as_of, value=report.value
        )
        if not approved_twin.exists():
            assert row not in section, (report.status, target.code)

    # a new submitted figure stays off every page until it is approved
    piles = Target.objects.get(code="I-02.1")
    report = factories.report(piles, 612345, as_of=date(2025, 3, 31), status=ReviewState.SUBMITTED)
    urls = ["/", "/initiatives/I-02/", "/updates/", "/updates/feed/", "/sources/"]
    urls += ["/api/targets/", "/api/reports/", "/initiatives/?_export=csv"]
    for url in urls:
        assert "612,345" not in page(client, url) and "612345" not in page(client, url)
    report.status = ReviewState.APPROVED
    report.reviewed_by = factories.user()
    report.reviewed_at = report.submitted_at
    report.source = piles.source
    report.save()
    assert "612,345 charging piles" in page(client, "/initiatives/I-02/")


def test_exports_match_the_filter_on_the_demo(client, demo):
    anhui = Member.objects.get(slug="anhui")
    response = client.get("/tasks/", {"member": "anhui", "status": "completed", "_export": "csv"})
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    expected = Task.objects.for_member(anhui).filter(status="completed").count()
    assert expected > 0 and len(rows) - 1 == expected
    response = client.get("/tasks/", {"schedule": "overdue", "_export": "json"})
    overdue = Task.objects.with_progress().filter(schedule=-2).count()
    assert len(json.loads(response.getvalue())) == overdue


PAGES = [
    "/",
    "/initiatives/",
    "/initiatives/I-02/",
    "/projects/",
    "/projects/P-02/",
    "/tasks/",
    "/tasks/?member=anhui&status=on_track&sort=-progress",
    "/tasks/T-160/",
    "/members/shanghai/",
    "/areas/institutions/",
    "/sources/",
    "/updates/",
    "/updates/feed/",
    "/tasks/?_export=csv",
    "/api/tasks/",
    "/api/targets/",
    "/api/reports/",
]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        page(client, url)
    return len(queries)


def test_query_counts_on_the_demo_and_at_three_times_it(client, demo):
    # Three times is enough: a query made once per row or per item shows as soon as the rows
    # grow, and the demo's lists are already longer than a page. Ten times cost 20 s more.
    settle_page_cache(client)
    demo_counts = {url: count_queries(client, url) for url in PAGES}
    call_command("generate_scale", factor=2, verbosity=0)
    settle_page_cache(client)
    scaled_counts = {url: count_queries(client, url) for url in PAGES}
    print("queries per page on the demo:", demo_counts)
    assert max(demo_counts.values()) <= 12, demo_counts
    assert scaled_counts == demo_counts


@pytest.fixture
def on_the_demo_date(monkeypatch):
    """The demo as of its own date (initiatives.demo.DEMO_DATE), whatever the clock says."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: DEMO_DATE)


def test_silent_tasks_are_no_report_yet_and_behind(client, demo, on_the_demo_date):
    silent = ["T-025", "T-098", "T-142"]  # "on track" since 2024, 97 % of their time gone
    listed = page(client, "/tasks/?schedule=no_report")
    for code in silent:
        assert f'<a href="/tasks/{code}/">{code}</a>' in listed
        html = page(client, f"/tasks/{code}/")
        assert re.search(r"<dd><span[^>]*>Behind schedule</span> <span[^>]*>no report yet", html)
        assert "The status says “On track”, but the approved figures put it behind" in html
    response = client.get("/")
    tasks = response.context["lists"][2]
    expected = Task.objects.with_progress(DEMO_DATE).no_report().count()
    assert tasks["no_report"] == expected >= len(silent)
    assert f'<a href="/tasks/?schedule=no_report">{expected} with no report yet</a>' in (
        response.getvalue().decode()
    )
    behind = Task.objects.with_progress(DEMO_DATE).filter(schedule__in=(-2, -1)).count()
    assert tasks["behind"] == behind  # every silent task is behind by now, and counted


def test_old_figures_say_since_when(client, demo, on_the_demo_date):
    assert "not updated since 2025-12-31" in page(client, "/projects/P-17/")
    assert "not updated since 2025-12-31" in page(client, "/projects/?stale=1")
    html = page(client, "/")
    monitored = html[html.index('id="monitored-heading"') : html.index('id="updates-heading"')]
    assert "not updated since 2023-12-31" in monitored
    api = client.get("/api/projects/", {"stale": "1"}).json()["results"]
    assert "P-17" in [row["code"] for row in api] and all(row["stale"] for row in api)


def test_declared_status_against_the_figures(client, demo, on_the_demo_date):
    html = page(client, "/initiatives/I-07/")
    assert "The status says “On track”, but the approved figures put it behind schedule." in html
    html = page(client, "/tasks/T-067/")
    assert "The status says “At risk”, but the due date has passed." in html
    projects = page(client, "/projects/?disagrees=1&status=on_track")
    expected = CooperationProject.objects.with_progress(DEMO_DATE).disagreeing().count()
    assert expected >= 5 and projects.count('<td class="code">') == expected
    api = client.get("/api/tasks/", {"disagrees": "1"}).json()["results"]
    assert by_code_of(api)["T-067"]["disagreement"] == "overdue"

    client.force_login(staff.reviewer("inspector"))
    admin = page(client, "/admin/initiatives/task/?disagrees=any")
    # The list flags it under the status in the short words of its filter.
    assert "T-067" in admin and "Not declared delayed, but overdue" in admin
    assert "T-025" in admin
    assert "T-067" not in page(client, "/admin/initiatives/task/?disagrees=ahead")


def by_code_of(rows):
    return {row["code"]: row for row in rows}


# The demo's briefing


def test_the_demo_briefing_shows_the_press_release_figures(client, demo):
    html = client.get("/editions/2024-12-04/").content.decode()
    assert "Progress as presented at the media briefing of 4 December 2024" in html
    assert "Illustrative demo content" not in html.split('id="headline-heading"')[0]
    briefing = Edition.objects.get(slug="2024-12-04")
    headlines = {target.code: target for target in briefing.headlines()}
    published = {
        code: target
        for code, target in headlines.items()
        if target.source and target.source.key == "yrd-2024-12-04"
    }
    assert published, "the briefing's headline indicators"
    for target in published.values():
        assert target.latest_as_of is not None, target.code
        assert target.latest_as_of <= date(2024, 12, 4)
    # Every figure of the press release is the one its target shows as of the briefing.
    released = ProgressReport.objects.approved().filter(
        source__key="yrd-2024-12-04", is_illustrative=False, member__isnull=True
    )
    by_target = {report.target_id: report.pk for report in released}
    assert len(by_target) == 39
    as_of = Target.objects.filter(pk__in=by_target).with_progress(
        today=briefing.as_of, approved_by=briefing.as_of
    )
    assert {t.pk: t.latest_report_id for t in as_of} == by_target
    railway = next(t for t in published.values() if t.name_en.startswith("High-speed railway"))
    assert railway.latest_value == 7600
    assert "7,600" in html
    later = client.get("/editions/2025-12-31/").content.decode()
    assert "This edition is not in the source documents" in later
    assert client.get("/editions/2024-12-04/changes/").status_code == 200


# The demo's rounds and reporting periods, on the demo loaded once for this module.

AFTER_THE_THIRD_ROUND = date(2027, 1, 15)


def text_of(response):
    """The page's text, each element's apart."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.mark.usefixtures("demo")
class TestDemoFourthRound:
    def test_an_illustrative_round_follows_the_third_with_its_unfinished_tasks(self):
        from initiatives.models import Plan

        third, fourth = (
            Plan.objects.get(slug="yrd-2024-2026"),
            Plan.objects.get(slug="yrd-2027-2029"),
        )
        assert third.is_current and not fourth.is_current
        assert fourth.follows == third and fourth.is_illustrative
        assert "fourth three-year action plan (2027-2029)" in fourth.name_en and fourth.name_zh
        carried = list(PlanItem.objects.filter(plan=fourth).select_related("carried_from__plan"))
        assert 5 <= len(carried) <= 8
        for item in carried:
            old = item.carried_from
            assert old.plan == third and old.code == item.code
            assert old.status not in (Status.COMPLETED, Status.CANCELLED)
            assert item.is_illustrative and item.status == Status.NOT_STARTED
            assert item.targets.exists() and not item.targets.filter(reports__isnull=False)
            assert item.responsibilities.filter(role="lead").count() == 1

    def test_before_2027_the_third_round_is_the_active_one(self, client, settings):
        from initiatives.demo import DEMO_DATE

        settings.TRACKER_TODAY = DEMO_DATE
        html = page(client, "/")
        assert "Final balance" not in html and 'id="behind-heading"' in html
        assert "This round has not started yet" in page(client, "/plans/yrd-2027-2029/")

    def test_on_2027_01_15_the_third_round_is_closed_and_the_fourth_active(self, client, settings):
        settings.TRACKER_TODAY = AFTER_THE_THIRD_ROUND
        html = page(client, "/")
        assert "Final balance" in html and "This round closed at the end of 2026-12-31" in html
        assert "The next round is under way" in html
        fourth = page(client, "/plans/yrd-2027-2029/")
        assert "This round is illustrative" in fourth
        assert "This round closed" not in fourth and "has not started" not in fourth
        plans = {row["slug"]: row["state"] for row in client.get("/api/plans/").json()["results"]}
        assert plans == {"yrd-2024-2026": "closed", "yrd-2027-2029": "active"}
        tasks = client.get("/api/tasks/").json()["results"]
        assert all(row["outcome"] and row["schedule"] is None for row in tasks)


@pytest.mark.usefixtures("demo")
class TestDemoPeriods:
    def test_the_third_round_has_illustrative_quarters_due_15_days_after_their_end(self):
        periods = list(ReportingPeriod.objects.order_by("start_date"))
        assert [period.name_en for period in periods[:2]] == ["Q1 2024", "Q2 2024"]
        assert len(periods) == 12 and periods[-1].name_en == "Q4 2026"
        assert {period.plan.slug for period in periods} == {"yrd-2024-2026"}
        assert all(period.is_illustrative for period in periods)
        assert all(p.due_date == p.end_date + timedelta(days=15) for p in periods)

    def test_on_the_demo_date_most_are_approved_some_late_some_returned(self):
        plan = Plan.objects.get(slug="yrd-2024-2026")
        closed = ReportingPeriod.objects.latest_closed(plan, today=DEMO_DATE)
        current = ReportingPeriod.objects.current(plan, today=DEMO_DATE)
        assert (closed.name_en, current.name_en) == ("Q3 2026", "Q4 2026")
        standing = closed.standing(today=DEMO_DATE)
        assert standing.total.approved > 0.9 * standing.total.total
        assert standing.total.late > 0
        now = current.standing(today=DEMO_DATE).total
        assert now.returned > 0 and now.submitted > 0 and now.due > 0 and now.late == 0
        late = current.standing(today=current.due_date + timedelta(days=1)).total
        assert late.late == now.due

    def test_the_pages_say_the_periods_are_illustrative(self, client):
        with override_settings(TRACKER_TODAY=DEMO_DATE):
            page = text_of(client.get(reverse("initiatives:dashboard")))
        assert "Reporting in Q3 2026 Illustrative demo content" in page
        assert "this period and what it requires are illustrative" in page


# Both languages all the way: a Chinese page shows no English text of the data where the
# record has the Chinese one.


def english_texts_with_chinese():
    """Every English text of the plan's data that has a Chinese counterpart, with its record:
    the `*_en` fields beside a `*_zh`, and the unsuffixed English fields (a source's title,
    publisher, ...) beside theirs."""
    from django.apps import apps

    texts = {}
    for model in apps.get_app_config("initiatives").get_models():
        if model._meta.model_name.startswith("historical") or model._meta.proxy:
            continue
        names = {field.name for field in model._meta.concrete_fields}
        pairs = [
            (name, f"{name.removesuffix('_en')}_zh")
            for name in names
            if f"{name.removesuffix('_en')}_zh" in names and not name.endswith("_zh")
        ]
        if not pairs or model._meta.model_name == "staffprofile":  # never on a public page
            continue
        for row in model.objects.values(*(name for pair in pairs for name in pair)):
            for english, chinese in pairs:
                text = " ".join((row[english] or "").split())
                if len(text) >= 6 and row[chinese] and row[chinese].strip() != text:
                    texts[text] = f"{model._meta.label}.{english}"
    return texts


def chinese_pages():
    from initiatives.models import Revision, StatusChange

    changed = StatusChange.objects.select_related("item__plan").first().item
    revised = Revision.objects.select_related("item__plan").first().item
    edition = Edition.objects.order_by("published_at").last()
    return [
        "/zh-hans/",
        "/zh-hans/initiatives/",
        "/zh-hans/initiatives/I-02/",
        "/zh-hans/projects/",
        "/zh-hans/projects/P-02/",
        "/zh-hans/tasks/",
        "/zh-hans/tasks/?status=delayed",
        f"/zh-hans{changed.get_absolute_url()}",
        f"/zh-hans{revised.get_absolute_url()}",
        "/zh-hans/members/anhui/",
        "/zh-hans/areas/green/",
        "/zh-hans/sources/",
        "/zh-hans/updates/",
        "/zh-hans/updates/feed/",
        "/zh-hans/editions/",
        f"/zh-hans/editions/{edition.slug}/",
        f"/zh-hans/editions/{edition.slug}/changes/",
        "/zh-hans/editions/feed/",
        "/zh-hans/methods/",
        "/zh-hans/plans/yrd-2027-2029/",
        "/zh-hans/report/",
    ]


def test_chinese_pages_show_the_chinese_of_the_data(client, demo):
    import html as markup

    english = english_texts_with_chinese()
    assert "Demo data of this tracker" in english and "China Daily" in english
    assert "Land acquisition took longer than planned." in english
    shown = []
    for url in chinese_pages():
        # Each text between tags on its own: a chart's "Q4" and "2025" are not "Q4 2025".
        texts = [
            " ".join(markup.unescape(t).split()) for t in re.split(r"<[^>]+>", page(client, url))
        ]
        texts = "\n".join(t for t in texts if t)
        shown += [(url, field, value) for value, field in english.items() if value in texts]
    assert not shown, "\n".join(f"{url}: {field} {value!r}" for url, field, value in shown)


def test_the_demo_report_lists_every_item_of_the_plan(client, demo):
    from initiatives.models import Plan, PlanItem

    html = page(client, "/report/")
    plan = Plan.objects.get(is_current=True)
    codes = PlanItem.objects.in_plan(plan).values_list("code", flat=True)
    missing = [code for code in codes if f">{code}<" not in html]
    assert not missing, missing


def test_demo_tables_show_names_and_figures_not_stored_numbers(client, demo):
    """The demo's lists name each focus area and print no figure with its stored decimals
    ("72.0000"); an illustrative row is tagged only on a page that also shows sourced rows."""
    for url in ("/", "/initiatives/", "/projects/", "/tasks/", "/zh-hans/tasks/"):
        html = page(client, url)
        assert not re.search(r"\d\.\d*0000\b", html), url
        assert not re.search(r'/areas/[\w-]+/"(?: aria-label="[^"]*")?>\d+</a>', html), url
    for url in ("/tasks/?illustrative=yes", "/tasks/?illustrative=no"):
        assert '<span class="demo-tag">Illustrative demo</span>' not in page(client, url), url
