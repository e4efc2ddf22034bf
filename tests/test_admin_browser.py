"""The staff admin in headless Chromium: a Jiangsu editor reports, the office approves.

Outside CI a machine without Chromium or Playwright skips this test; in CI it is a failure.
"""

from datetime import date

import pytest
from django.contrib.auth.models import Group

from initiatives.models import ProgressReport, ReviewState, StaffProfile, Task
from initiatives.roles import MEMBER_EDITORS, OFFICE_REVIEWERS
from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("staff_groups"),
]

PASSWORD = "correct-horse-battery"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def account(username, member, group):
    user = factories.user(username)
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name=group))
    StaffProfile.objects.create(user=user, member=factories.member(member) if member else None)


def log_in(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def test_a_jiangsu_report_is_approved_and_moves_the_task(page, live_server):
    task = factories.task(lead="jiangsu", title_en="Open the Nantong ferry line")
    factories.target(task, name_en="Sailings a week", baseline_value=0, target_value=40)
    account("jiangsu", "jiangsu", MEMBER_EDITORS)
    account("office", None, OFFICE_REVIEWERS)
    base = live_server.url

    log_in(page, base, "jiangsu")
    page.goto(f"{base}/admin/initiatives/task/")
    page.fill("#searchbar", "Nantong")
    page.press("#searchbar", "Enter")
    page.click(f"text={task.code}")
    page.click("a:text-is('Report progress')")
    page.fill("#id_value", "10")
    page.fill("#id_evidence_url", "https://example.org/nantong-ferry-timetable")
    page.click("button[name=submit_for_review]")
    page.wait_for_url("**/admin/initiatives/progressreport/")
    report = ProgressReport.objects.get(target__item=task)
    assert report.status == ReviewState.SUBMITTED

    log_in(page, base, "office")
    page.goto(f"{base}/admin/initiatives/submittedreport/")
    page.check(f"input.action-select[value='{report.pk}']")
    page.select_option("select[name=action]", "approve_reports")
    page.click("button[name=index]")
    page.click("input[type=submit][value=Confirm]")
    page.wait_for_load_state()
    report.refresh_from_db()
    assert report.status == ReviewState.APPROVED

    page.goto(f"{base}/admin/initiatives/task/?q={task.code}")
    assert "25%" in page.locator("#result_list").inner_text()
    assert Task.objects.with_progress().get(pk=task.pk).progress == pytest.approx(25.0)


def tab_to(page, condition, limit=80):
    """Press Tab until the focused element meets `condition` (a JavaScript expression on
    `e`, the focused element); the number of presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(
            f"() => {{ const e = document.activeElement; return !!e && ({condition}); }}"
        ):
            return presses
    raise AssertionError(f"Tab never reached {condition}")


def wait_for_focus(page, condition):
    """Wait until the page has put the focus where `condition` says (as `tab_to`)."""
    page.wait_for_function(
        f"() => {{ const e = document.activeElement; return !!e && ({condition}); }}"
    )


def test_a_jiangsu_editor_files_a_report_in_chinese_with_the_keyboard_alone(page, live_server):
    """From signing in to "Submit for review", only keys: the target found by its code, the
    value typed while the form says the progress it gives, the source picked in its
    autocomplete. About 4 s on two cores (a browser of its own, five pages, the autocomplete
    and the progress asked as the value is typed): the one test filing a report as a keyboard
    user does, through every step a mouse would skip."""
    task = factories.task(lead="jiangsu", co=("anhui",), code="T-777", title_zh="南通轮渡航线")
    target = factories.target(
        task,
        name_en="Sailings a week",
        name_zh="每周航班",
        unit_en="sailings",
        unit_zh="班",
        baseline_value=0,
        target_value=40,
    )
    factories.report(target, value=8, as_of=date(2024, 6, 30))
    source = factories.source()
    account("jiangsu", "jiangsu", MEMBER_EDITORS)
    page.set_extra_http_headers({"Accept-Language": "zh-hans"})
    keys = page.keyboard

    page.goto(f"{live_server.url}/admin/initiatives/progressreport/add/")
    wait_for_focus(page, "e.id === 'id_username'")  # the sign-in page opens on the name
    keys.type("jiangsu")
    tab_to(page, "e.id === 'id_password'")
    keys.type(PASSWORD)
    with page.expect_navigation():
        keys.press("Enter")
    wait_for_focus(page, "e.id === 'target-search'")  # the page asking for the target
    keys.type("T-777")
    with page.expect_navigation():
        keys.press("Enter")
    tab_to(page, f"e.tagName === 'A' && e.search === '?target={target.pk}'")
    with page.expect_navigation():
        keys.press("Enter")

    facts = page.locator(".report-target").inner_text()
    assert "单位" in facts and "班" in facts
    assert "40 班" in facts  # the target
    assert "8 班" in facts  # the latest approved value
    tab_to(page, "e.id === 'id_value'")
    keys.type("10")
    progress = page.locator("#report-progress")
    progress.filter(has_text="25%").wait_for()
    tab_to(page, "e.classList.contains('select2-selection') && !!e.closest('.field-source')")
    keys.press("Enter")
    keys.type("Press")
    page.locator(".select2-results__option--highlighted", has_text="Press release").wait_for()
    keys.press("Enter")
    tab_to(page, "e.name === 'submit_for_review'")
    with page.expect_navigation():
        keys.press("Enter")

    assert page.url.endswith("/admin/initiatives/progressreport/")
    assert "已提交审核" in page.locator(".messagelist").inner_text()
    report = ProgressReport.objects.get(target=target, reported_by__username="jiangsu")
    assert (report.status, report.value, report.source) == (ReviewState.SUBMITTED, 10, source)


def test_the_export_pages_select_all_toggle_works_under_the_content_policy(page, live_server):
    factories.task(lead="jiangsu")
    account("office", None, OFFICE_REVIEWERS)
    console = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    log_in(page, live_server.url, "office")
    page.goto(f"{live_server.url}/admin/initiatives/task/export/")
    page.wait_for_load_state("networkidle")

    fields = page.locator('.selectable-field-export-row input[type="checkbox"]')
    toggle = page.locator("input.select-toggle")
    assert fields.count() > 2
    toggle.uncheck()
    assert not any(box.is_checked() for box in fields.all())
    fields.nth(1).check()
    toggle.check()
    assert all(box.is_checked() for box in fields.all())

    refused = [line for line in console if "Content Security Policy" in line]
    assert not refused, refused
