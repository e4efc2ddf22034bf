"""The staff admin in headless Chromium: a Jiangsu editor reports, the office approves.

Outside CI a machine without Chromium or Playwright skips this test; in CI it is a failure.
"""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from initiatives.models import ProgressReport, ReviewState, StaffProfile, Task
from initiatives.roles import MEMBER_EDITORS, OFFICE_REVIEWERS
from tests import factories
from tests.test_browser import LAUNCH_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "correct-horse-battery"


@pytest.fixture
def page():
    if not Path(CHROMIUM).exists():
        unavailable(f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        yield context.new_page()
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def unavailable(reason):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"Browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


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
    page.check("#id_submit_for_review")
    page.click("input[name=_save]")
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
