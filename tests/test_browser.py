"""The public site in a real headless Chromium (Debian's package), driven by Playwright.

Outside CI a machine without Chromium or Playwright skips these tests; in CI (CI=true) that
is a failure. Screenshots are kept under artifacts/screenshots/.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from initiatives.models import Task
from tests import factories
from tests.shared import unavailable
from tests.site_data import build_site

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("staff_groups"),
]

SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
WIDTHS = (1280, 360)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_errors = []  # a style or script the policy blocks, or a missing file

    def keep_errors(message):
        if message.type == "error":
            page.console_errors.append(message.text)

    page.on("console", keep_errors)
    yield page
    context.close()


@pytest.fixture
def site(transactional_db):
    return build_site()


def test_dashboard_renders(page, live_server, site):
    page.goto(f"{live_server.url}/")
    assert page.title().startswith("Is the Yangtze River Delta integration plan on track?")
    assert page.locator("h1").inner_text() == "Yangtze River Delta integration plan: progress"
    headline = page.locator("#headline-heading ~ .table-scroll table")
    assert "590,000 piles" in headline.inner_text()
    assert page.locator(".card").count() == 3
    assert page.get_by_role("navigation", name="Main").is_visible()


def test_filter_the_task_table_by_member_and_status(page, live_server, site):
    build_site(2, first=False)
    page.goto(f"{live_server.url}/tasks/")
    assert page.locator("td.code").count() == 6
    page.get_by_label("Responsible member").select_option("zhejiang")
    page.get_by_label("Status").select_option("delayed")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"member=zhejiang"))
    assert "status=delayed" in page.url
    codes = page.locator("td.code").all_inner_texts()
    assert len(codes) == 3 and "T-102" in codes
    assert page.get_by_text("3 items match.").is_visible()
    page.get_by_label("Status").select_option("on_track")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"status=on_track"))
    assert page.locator("td.code").count() == 0
    assert page.get_by_text("Nothing matches these filters.").is_visible()


def test_switch_language(page, live_server, site):
    page.goto(f"{live_server.url}/initiatives/I-02/")
    page.get_by_role("link", name="简体中文").click()
    page.wait_for_url(f"{live_server.url}/zh-hans/initiatives/I-02/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("h1").inner_text() == "新增公共充电桩"
    assert page.get_by_role("heading", name="目标与进展").is_visible()
    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"{live_server.url}/initiatives/I-02/")
    assert page.locator("h1").inner_text() == "Public EV charging piles"


def test_follow_an_initiative_to_a_task(page, live_server, site):
    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Initiatives").click()
    page.get_by_role("link", name="I-02", exact=True).click()
    page.wait_for_url(f"{live_server.url}/initiatives/I-02/")
    assert "600,000 piles" in page.locator("#target-I-02\\.1").inner_text()
    page.locator("#tasks-heading").scroll_into_view_if_needed()
    page.get_by_role("link", name="T-101", exact=True).click()
    page.wait_for_url(f"{live_server.url}/tasks/T-101/")
    assert page.locator("h1").inner_text() == "Build charging piles along expressways"


def test_switch_plan(page, live_server, site):
    other = factories.plan("other-2027-2029", start=2027)
    build_site(plan=other)
    task = Task.objects.get(plan=other, code="T-101")
    task.title_en = "Expressway piles of the later plan"
    task.save()
    page.goto(f"{live_server.url}/tasks/T-101/")
    plans = page.get_by_role("navigation", name="Plans")
    assert plans.locator("[aria-current]").inner_text() == "YRD-2024-2026"
    plans.get_by_role("link", name="OTHER-2027-2029").click()
    page.wait_for_url(f"{live_server.url}/plans/other-2027-2029/")
    assert "· OTHER-2027-2029 ·" in page.title()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tasks").click()
    page.wait_for_url(f"{live_server.url}/plans/other-2027-2029/tasks/")
    page.get_by_role("link", name="T-101", exact=True).click()
    page.wait_for_url(f"{live_server.url}/plans/other-2027-2029/tasks/T-101/")
    assert page.locator("h1").inner_text() == "Expressway piles of the later plan"
    page.get_by_role("link", name="简体中文").click()
    page.wait_for_url(f"{live_server.url}/zh-hans/plans/other-2027-2029/tasks/T-101/")


def test_keyboard_reaches_the_content_through_the_skip_link(page, live_server, site):
    page.goto(f"{live_server.url}/tasks/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # visible once focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


PAGE_TYPES = {
    "dashboard": "/",
    "initiatives": "/initiatives/",
    "initiative": "/initiatives/I-02/",
    "projects": "/projects/",
    "project": "/projects/P-02/",
    "tasks": "/tasks/?status=delayed",
    "task": "/tasks/T-160/",
    "member": "/members/anhui/",
    "area": "/areas/green/",
    "sources": "/sources/",
    "updates": "/updates/",
    "dashboard-zh": "/zh-hans/",
    "initiative-zh": "/zh-hans/initiatives/I-02/",
    "tasks-zh": "/zh-hans/tasks/",
    "other-plan": "/plans/other-2027-2029/",
}


@pytest.fixture
def demo(transactional_db):
    call_command("loaddata", "demo", verbosity=0)
    factories.plan("other-2027-2029", start=2027)  # a second plan for the switcher


def test_every_page_type_is_accessible_and_fits_small_screens(page, live_server, demo):
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        unavailable("axe-playwright-python is not installed (pip install -e '.[test]')")
    axe = Axe()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = {}
    for name, url in PAGE_TYPES.items():
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}{url}")
            page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth") - width
            if overflow > 0:
                problems[f"{name} at {width}px"] = f"page wider than the screen by {overflow}px"
            if width != WIDTHS[0]:
                continue
            results = axe.run(page)
            serious = [
                f"{violation['id']}: {violation['help']} "
                f"({', '.join(str(node['target']) for node in violation['nodes'][:3])})"
                for violation in results.response["violations"]
                if violation["impact"] in ("serious", "critical")
            ]
            if serious:
                problems[name] = serious
    assert not problems, problems
    assert not page.console_errors, page.console_errors


# What the print stylesheet (static/css/print.css) promises, read from the page as printed.
PRINTED = """() => {
  const hidden = (element) => getComputedStyle(element).display === "none"
    || element.offsetParent === null;
  const shown = [".skip-link", ".site-nav", ".languages", ".site-footer .footer-links",
                 ".filters", ".downloads", ".chart-links", ".chart-embed", ".no-print"]
    .flatMap((selector) => [...document.querySelectorAll(selector)])
    .filter((element) => !hidden(element))
    .map((element) => element.className || element.tagName);
  const clipped = [...document.querySelectorAll("main table")]
    .map((table) => table.closest(".table-scroll") || table.parentElement)
    .filter((holder) => holder.scrollWidth > holder.clientWidth + 1)
    .map((holder) => holder.querySelector("table").caption?.innerText || holder.className);
  const links = [...document.querySelectorAll(
    ".target-facts a[href^='http'], main p a[href^='http'], main li a[href^='http']:not(.external)"
  )];
  const unspelt = links
    .filter((link) => !getComputedStyle(link, "::after").content.includes(link.href))
    .map((link) => link.href);
  return {shown, clipped, spelt: links.length - unspelt.length, unspelt,
          header: document.querySelector(".site-header").offsetHeight};
}"""


# The widest tables: the task list and a member's page, which adds the member's role.
PRINTED_PAGES = (
    "/initiatives/I-02/",
    "/report/",
    "/tasks/",
    "/members/jiangsu/",
    "/zh-hans/tasks/",
    "/zh-hans/members/jiangsu/",
)


def test_the_print_stylesheet_leaves_the_figures_and_their_sources(browser, live_server, site):
    """Print media emulated on an item page, the report, the task list and a member's page (in
    both languages), at the width of an A4 page's text (about 700 px): navigation and controls
    gone, no table clipped, and where an evidence link leads written after it."""
    from initiatives.models import ProgressReport

    evidence = "https://example.org/evidence/i-02"
    ProgressReport.objects.filter(target__item__code="I-02").update(
        source=None, evidence_url=evidence
    )
    context = browser.new_context(viewport={"width": 700, "height": 1000})
    page = context.new_page()
    try:
        page.emulate_media(media="print")
        printed = {}
        for path in PRINTED_PAGES:
            assert page.goto(f"{live_server.url}{path}").status == 200
            printed[path] = page.evaluate(PRINTED)
    finally:
        context.close()
    problems = {
        f"{path} {key}": found[key]
        for path, found in printed.items()
        for key in ("shown", "clipped", "unspelt")
        if found[key]
    }
    assert not problems, problems
    assert printed["/initiatives/I-02/"]["spelt"] >= 1
