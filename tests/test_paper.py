"""On paper: the printable report of a plan or an edition, and its PDF rendered on the server,
read back as text.

The small plan of tests/site_data.py is built once for the module, and its PDF rendered once
in each language (about a second each); the tests then read those two documents."""

import io
import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from initiatives.models import Edition, Plan, PlanItem
from tests.shared import settle_page_cache, shared_data, unavailable
from tests.site_data import UNAPPROVED, build_site

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("paper")]
TODAY = date(2025, 6, 30)
EDITION_DAY = date(2024, 12, 4)


def pdf_text(content):
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture(scope="module")
def paper(django_db_setup, django_db_blocker):
    """The small plan, an edition of it, and its report rendered once to PDF per language:
    {"en": response, "zh": response, "queries": {url: count}, "codes": [...], ...}."""
    try:
        import weasyprint  # noqa: F401  (loads Pango and HarfBuzz)
    except (ImportError, OSError) as error:
        unavailable(f"WeasyPrint or its system libraries are missing: {error}")
    with shared_data(django_db_blocker), override_settings(TRACKER_TODAY=TODAY):
        build_site()
        plan = Plan.objects.get(is_current=True)
        Edition.objects.create(
            plan=plan,
            slug="briefing",
            title_en="Briefing edition",
            title_zh="通报版",
            as_of=EDITION_DAY,
            published_at=datetime.combine(EDITION_DAY, time(18), ZoneInfo("Asia/Shanghai")),
        )
        client = Client()
        rendered = {"queries": {}, "plan": plan}
        settle_page_cache(client)
        for key, url in (("en", "/report.pdf"), ("zh", "/zh-hans/report.pdf")):
            with CaptureQueriesContext(connection) as queries:
                rendered[key] = client.get(url)
            rendered["queries"][url] = len(queries)
            rendered[f"{key}_text"] = pdf_text(rendered[key].content)
        rendered["codes"] = list(PlanItem.objects.in_plan(plan).values_list("code", flat=True))
        yield rendered


def test_the_pdf_is_a_download_named_by_plan_language_and_date(paper):
    for key, language in (("en", "en"), ("zh", "zh-hans")):
        response = paper[key]
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
        assert response["Content-Disposition"] == (
            f'attachment; filename="yrd-2024-2026-report-{language}-{TODAY.isoformat()}.pdf"'
        )


def test_the_english_pdf_reads_back_with_the_plan_its_items_and_their_targets(paper):
    text = paper["en_text"]
    assert paper["plan"].name_en in text
    assert "I-02" in text and "Public EV charging piles" in text
    assert "P-07" in text and "Unified charging and swapping network" in text
    assert "T-101" in text and "Build charging piles along expressways" in text
    assert "600,000" in text  # the target of I-02.1
    assert "590,000" in text  # its latest approved figure
    assert TODAY.isoformat() in text  # the date of the figures, on the cover
    for value in UNAPPROVED.values():
        assert f"{value:,}" not in text


def test_the_chinese_pdf_carries_chinese_text(paper):
    text = paper["zh_text"]
    assert paper["plan"].name_zh in text
    assert "I-02" in text and "新增公共充电桩" in text
    assert "公共充电桩总数" in text and "600,000" in text
    assert "高速公路沿线充电桩建设" in text


def test_the_pdf_costs_the_queries_of_its_page(paper):
    assert paper["queries"]["/report.pdf"] <= 10, paper["queries"]
    assert paper["queries"]["/report.pdf"] == paper["queries"]["/zh-hans/report.pdf"]


def test_the_report_page_lists_every_item_and_links_its_pdf(client, paper):
    response = client.get("/report/")
    assert response.status_code == 200
    html = response.getvalue().decode()
    for code in paper["codes"]:
        assert f'id="item-{code}"' in html or f'<td class="code">{code}</td>' in html, code
    assert 'href="/report.pdf"' in html
    assert '<svg viewBox="' in html  # the charts of the targets
    assert re.search(r"<h1>\s*Plan yrd-2024-2026\s*</h1>", html)


def test_the_report_of_a_past_day_and_of_an_edition_show_the_figures_then(client, paper):
    # The small plan's reports were approved today: none was known on a past day.
    assert "590,000" in client.get("/report/").getvalue().decode()
    past = client.get("/report/?as_of=2024-06-30").getvalue().decode()
    assert "590,000" not in past and "No approved report yet" in past
    edition = client.get("/editions/briefing/report/")
    assert edition.status_code == 200
    html = edition.getvalue().decode()
    assert "Briefing edition" in html and EDITION_DAY.isoformat() in html
    assert 'href="/editions/briefing/report.pdf"' in html
    plan_prefixed = client.get("/plans/yrd-2024-2026/report/")
    assert plan_prefixed.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/plans/no-such-plan/report/",
        "/plans/no-such-plan/report.pdf",
        "/editions/no-such-edition/report/",
        "/editions/no-such-edition/report.pdf",
    ],
)
def test_an_unknown_plan_or_edition_is_not_found(client, paper, url):
    assert client.get(url).status_code == 404


def test_the_pdf_fetcher_serves_static_files_and_refuses_the_network(paper):
    from initiatives.views.paper import StaticOnlyFetcher

    fetcher = StaticOnlyFetcher()
    css = fetcher.fetch("http://testserver/static/css/print.css")
    assert b"@page" in css.read()
    for url in ("https://example.com/font.woff2", "http://testserver/admin/", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
