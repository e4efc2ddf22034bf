"""The staff admin for keyboard and screen-reader users, in headless Chromium with axe-core.

Every page a member editor and the office use, in English and in Chinese, has no axe violation
of any impact (all of axe's default rules); a failed save announces its errors and takes the
focus to them; the date picker comes next after its field, Escape closes it, and a browser in
another time zone is not warned about the server's clock. The browser runs at 1280x900 in UTC,
as a laptop of the member staff might.

Outside CI a machine without Chromium, Playwright or axe-playwright-python skips these tests; in
CI that is a failure. Each scan builds a small region with the factories and signs in once.
"""

from datetime import UTC, date, datetime

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import formats, timezone
from import_export.admin import ImportExportMixin

from initiatives.models import Edition, ReviewState, Status, Task
from initiatives.resources import TaskResource
from tests import factories, staff
from tests.shared import unavailable

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("staff_groups"),
]

PASSWORD = "read-aloud-and-tab-through"
LANGUAGES = ("en", "zh-hans")


@pytest.fixture(scope="module")
def axe():
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        unavailable("axe-playwright-python is not installed (pip install -e '.[test]')")
    return Axe()


def signed_in(user):
    user.set_password(PASSWORD)
    user.save()
    return user


class Region(staff.Region):
    """The small region of the admin tests, with something on every admin page: accounts, a
    report and a revision waiting for review, reporting periods, an edition, a status change."""

    def __init__(self):
        super().__init__()
        self.editor = signed_in(staff.editor("jiangsu"))
        self.office = signed_in(staff.reviewer("office"))
        self.jiangsu_submitted = factories.report(
            self.jiangsu_target,
            value=40,
            status=ReviewState.SUBMITTED,
            as_of=date(2026, 9, 30),
            reported_by=self.editor,
            evidence_url="https://example.org/jiangsu-q3",
        )
        factories.revision(
            self.jiangsu_target,
            {"target_value": ("100", "120")},
            status=ReviewState.SUBMITTED,
            proposed_by=self.editor,
        )
        self.jiangsu_task.change_status(Status.ON_TRACK, "Work began in March.", self.office)
        targets = (self.jiangsu_target, self.zhejiang_target)
        factories.period(targets=targets)
        factories.period(start=date(2026, 10, 1), end=date(2026, 12, 31), targets=targets)
        Edition.objects.create(
            plan=self.jiangsu_task.plan,
            slug="2026-06-30",
            title_en="The plan at mid-year",
            title_zh="年中的规划",
            as_of=date(2026, 6, 30),
            published_at=timezone.now(),
            published_by=self.office,
        )


def admin_pages(user, region):
    """The addresses `user` reaches from the admin's index: each list, add form, the change
    form of a record in scope, import and export; then the pages of its own. One history:
    every record's is the same page, with other fields."""
    request = RequestFactory().get("/admin/")
    request.user = user
    pages = [reverse("admin:index")]
    for app in admin.site.get_app_list(request):
        for entry in app["models"]:
            model_admin = admin.site.get_model_admin(entry["model"])
            opts = entry["model"]._meta
            name = f"admin:{opts.app_label}_{opts.model_name}"
            pages.append(entry["admin_url"])
            if entry.get("add_url"):
                pages.append(entry["add_url"])
            obj = model_admin.get_queryset(request).order_by("pk").first()
            if obj is not None:
                pages.append(reverse(f"{name}_change", args=[obj.pk]))
            if isinstance(model_admin, ImportExportMixin):
                if model_admin.has_import_permission(request):
                    pages.append(reverse(f"{name}_import"))
                if model_admin.has_export_permission(request):
                    pages.append(reverse(f"{name}_export"))
    target = region.jiangsu_target.pk
    pages += [
        reverse("admin:initiatives_progressreport_add") + f"?target={target}",  # the report form
        reverse("admin:initiatives_task_history", args=[region.jiangsu_task.pk]),
        reverse("admin_two_factor"),
        reverse("admin_notifications"),
        reverse("admin:password_change"),
    ]
    if user.has_perm("initiatives.review_progressreport"):
        pages += [
            reverse("review_queue"),
            reverse("admin_two_factor_staff"),
            reverse("admin:initiatives_reportingperiod_quarters"),
        ]
    return list(dict.fromkeys(pages))


def new_page(browser, language="en"):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, timezone_id="UTC", locale=language
    )
    page = context.new_page()
    page.console_errors = []  # a script or style the content policy refused, a missing file
    page.scanned = False  # axe writes to the console too (see violations): not the page's own

    def keep(message):
        if message.type == "error" and not page.scanned:
            page.console_errors.append(message.text)

    def next_document(frame):
        if frame == page.main_frame:
            page.scanned = False

    page.on("console", keep)
    page.on("framenavigated", next_document)
    return page


def speak(page, language):
    """The admin follows the browser's language (initiatives/middleware.py)."""
    page.context.set_extra_http_headers({"Accept-Language": language})


def log_in(page, base, user):
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")
    page.wait_for_url(f"{base}/admin/")
    page.console_errors.clear()  # the index is scanned as any other page


# A name or a description taken from an element that is not there: axe lets it pass.
POINTING_AT_NOTHING = """() =>
  [...document.querySelectorAll('[aria-describedby], [aria-labelledby], label[for]')].flatMap(
    (element) => ['aria-describedby', 'aria-labelledby', 'for'].flatMap((name) =>
      (element.getAttribute(name) || '').split(/\\s+/)
        .filter((id) => id && !document.getElementById(id))
        .map((id) => `${element.tagName.toLowerCase()} ${name}="${id}" points at nothing`)))"""


# Every rule runs; axe only leaves out the details of what passed (a third of its time).
ONLY_VIOLATIONS = {"resultTypes": ["violations"]}


def violations(axe, page):
    """Every violation axe finds on the page as it is now, whatever its impact, a reference to
    no element, and what the page wrote to the console before. (axe itself then writes some:
    it fetches the stylesheets again and resolves Django's `@import "widgets.css"` against the
    page's address, and it draws with inline styles, which the content policy refuses.)"""
    problems = [f"console: {text}" for text in page.console_errors]
    page.console_errors.clear()
    problems += page.evaluate(POINTING_AT_NOTHING)
    page.scanned = True
    problems += [
        f"{found['id']} ({found['impact']}): "
        + ", ".join(str(node["target"]) for node in found["nodes"][:3])
        for found in axe.run(page, options=ONLY_VIOLATIONS).response["violations"]
    ]
    return problems


def scan(axe, page, base, pages, problems, where):
    for path in pages:
        response = page.goto(base + path)
        if response.status != 200:
            problems[f"{where} {path}"] = [f"answered {response.status}"]
            continue
        if found := violations(axe, page):
            problems[f"{where} {path}"] = found


def behind_forms(region, user):
    """Pages reached by sending a form, each with the steps that open it: the reason a status
    change asks for, and (for an editor) the preview of an import."""
    tasks = reverse("admin:initiatives_task_changelist")
    task = region.jiangsu_task

    def status_change(page, base):
        page.goto(base + tasks)
        page.check(f"input.action-select[value='{task.pk}']")
        page.select_option("select[name=action]", "change_status")
        with page.expect_navigation():
            page.click("button[name=index]")

    exported = TaskResource(user=user).export(queryset=Task.objects.filter(pk=task.pk)).csv

    def import_preview(page, base):
        page.goto(base + reverse("admin:initiatives_task_import"))
        page.set_input_files(
            "#id_import_file",
            files=[{"name": "tasks.csv", "mimeType": "text/csv", "buffer": exported.encode()}],
        )
        page.select_option("#id_format", label="csv")
        with page.expect_navigation():
            page.click("form[enctype='multipart/form-data'] [type=submit]")
        assert page.locator("[name=confirm]").count() == 1, "no preview to confirm"

    steps = {"status change": status_change}
    if not user.has_perm("initiatives.review_progressreport"):
        steps["import preview"] = import_preview
    return steps


# Every page is scanned in Chinese, the language of most of its users and of its longest
# labels; in English, the pages of each kind (the index, the task list and its forms with their
# inlines, the report form, import, export, history and the pages of the project's own): the
# structure axe checks is the same in both languages, and the whole admin again in English cost
# 40 s of a worker.
def of_each_kind(pages):
    ours = ("/initiatives/task/", "/initiatives/progressreport/")
    return [
        path
        for path in pages
        if any(part in path for part in ours) or not path.startswith("/admin/initiatives/")
    ]


# Each user's scan is cut in shards (Chinese in two halves, English in one) so that the workers
# share them: one user's whole scan was 40-60 s of one worker at the end of the run.
SHARDS = [("zh-hans", 0, 2), ("zh-hans", 1, 2), ("en", 0, 1)]


@pytest.mark.parametrize("language,shard,shards", SHARDS, ids=["zh-1", "zh-2", "en"])
@pytest.mark.parametrize("username", ["jiangsu", "office"])
def test_every_admin_page_passes_axe_in_both_languages(
    browser, axe, live_server, username, language, shard, shards
):
    """Slow: 5-20 s a shard on the 2-core machine (some 40 and 60 pages for the editor and the
    office in Chinese, and those of each kind in English, at 0.2-0.7 s a scan). It is what keeps
    every page of the admin usable by keyboard and screen reader: the pages come from the
    admin's own index, so a page added later is scanned without a change here."""
    region = Region()
    user = region.editor if username == "jiangsu" else region.office
    pages = admin_pages(user, region)
    pages = pages if language == "zh-hans" else of_each_kind(pages)
    base = live_server.url
    page = new_page(browser, language)
    speak(page, language)
    problems = {}
    if username == "jiangsu" and shard == 0:  # the sign-in page, once a language
        scan(axe, page, base, [reverse("admin:login")], problems, f"{language} anonymous")
    log_in(page, base, user)
    where = f"{language} {username}"
    scan(axe, page, base, pages[shard::shards], problems, where)
    if shard == 0:
        for name, open_it in behind_forms(region, user).items():
            open_it(page, base)
            if found := violations(axe, page):
                problems[f"{where} {name}"] = found
    page.context.close()
    assert not problems, problems


def focused(page):
    """What has the keyboard focus: its id, classes and role."""
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return {id: e.id, classes: [...e.classList], role: e.getAttribute('role')}; }"
    )


def test_a_failed_save_announces_its_errors_and_takes_the_focus_to_them(
    browser,
    axe,
    live_server,
):
    """An add form (where Django focused the first field) and a change form whose error is in
    a target's row: the summary has the focus, is an alert, links each field in error, and
    each field names its error; the page with its errors passes axe."""
    region = Region()
    base = live_server.url
    page = new_page(browser)
    log_in(page, base, region.editor)
    problems = {}

    add_report = reverse("admin:initiatives_progressreport_add")
    page.goto(f"{base}{add_report}?target={region.jiangsu_target.pk}")
    with page.expect_navigation():
        page.click("[name=_save]")  # nothing filled in
    assert focused(page) == {"id": "", "classes": ["errornote"], "role": "alert"}
    if found := violations(axe, page):
        problems["report form"] = found

    page.goto(f"{base}{reverse('admin:initiatives_task_change', args=[region.jiangsu_task.pk])}")
    page.fill("#id_targets-0-name_en", "")
    with page.expect_navigation():
        page.click("[name=_save]")
    assert focused(page)["classes"] == ["errornote"]
    field = page.locator("#id_targets-0-name_en")
    described_by = field.get_attribute("aria-describedby")
    assert page.locator(f"#{described_by}").inner_text() == "This field is required."
    link = page.locator(".error-summary a[href='#id_targets-0-name_en']")
    assert link.inner_text() == "Targets 1: Name (English): This field is required."
    link.click()
    assert focused(page)["id"] == "id_targets-0-name_en"
    if found := violations(axe, page):
        problems["task form"] = found
    assert not problems, problems


def test_the_date_picker_comes_next_after_its_field_and_no_clock_warning(
    browser,
    axe,
    live_server,
):
    """In a browser set to UTC at 20:00 on 2 December, already 3 December in the plan's
    region: no warning about the server's clock; from the due date, Tab reaches "Today", the
    calendar's link and, once it is open, the calendar itself; Escape closes it and gives the
    focus back to its link; "Today" is the region's day."""
    region = Region()
    base = live_server.url
    page = new_page(browser)
    page.clock.set_fixed_time(datetime(2026, 12, 2, 20, 0, tzinfo=UTC))
    log_in(page, base, region.editor)
    page.goto(f"{base}{reverse('admin:initiatives_task_change', args=[region.jiangsu_task.pk])}")
    assert page.locator(".timezonewarning").count() == 0

    page.focus("#id_due_date")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Today"
    page.keyboard.press("Tab")
    opener = focused(page)["id"]
    assert opener.startswith("calendarlink")
    page.keyboard.press("Enter")
    calendar = page.locator(f"#calendarbox{opener.removeprefix('calendarlink')}")
    assert calendar.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate(
        f"document.getElementById('{calendar.get_attribute('id')}')"
        ".contains(document.activeElement)"
    )
    if found := violations(axe, page):  # the open calendar too
        pytest.fail(f"the open calendar: {found}")
    page.keyboard.press("Escape")
    assert not calendar.is_visible()
    assert focused(page)["id"] == opener

    page.keyboard.press("Shift+Tab")  # back to "Today"
    page.keyboard.press("Enter")
    today = formats.get_format("DATE_INPUT_FORMATS", lang="en")[0]
    assert page.input_value("#id_due_date") == date(2026, 12, 3).strftime(today)
