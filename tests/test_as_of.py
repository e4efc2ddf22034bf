"""The plan as of a past day: figures from the reports dated and approved by then, terms as
revised by then, statuses as they were then, on every page, export and API list (?as_of=).

One small plan, worked by hand. The day looked back on is D = 2025-06-30; the tracker's today
is 2025-10-01. Approvals happen at given moments in the site's time zone (Asia/Shanghai).
"""

import json
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from initiatives.models import StatusChange, Target, Task
from initiatives.models.choices import Schedule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]

D = date(2025, 6, 30)
TODAY = date(2025, 10, 1)


@pytest.fixture
def fixed_today():
    with override_settings(TRACKER_TODAY=TODAY):
        yield


def at(day, hour=12, minute=0):
    """A moment of `day` in the site's time zone."""
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def approved(make, target, value, as_of, reviewed_on, **fields):
    return make.report(target, value=value, as_of=as_of, reviewed_at=at(reviewed_on), **fields)


def item_as_of(item, day=D, today=None):
    return type(item).objects.with_progress(today=today or day, approved_by=day).get(pk=item.pk)


def item_now(item):
    return type(item).objects.with_progress().get(pk=item.pk)


def target_as_of(target, day=D):
    rows = Target.objects.filter(pk=target.pk).with_progress(today=day, approved_by=day)
    return rows.with_schedule(day).get()


def target_now(target):
    return Target.objects.filter(pk=target.pk).with_progress().with_schedule().get()


@pytest.fixture
def task(make):
    """A task of 2025 with one target from 0 to 100."""
    return make.task(start_date=date(2025, 1, 1), due_date=date(2025, 12, 31))


@pytest.fixture
def goal(make, task):
    return make.target(task, baseline_value=0, target_value=100)


class TestReports:
    def test_a_report_dated_after_the_day_is_left_out(self, make, task, goal):
        approved(make, goal, 40, date(2025, 3, 31), date(2025, 4, 10))
        approved(make, goal, 60, date(2025, 7, 31), date(2025, 8, 5))
        then = item_as_of(task)
        assert then.progress == pytest.approx(40)
        assert then.last_reported == date(2025, 3, 31)
        assert item_now(task).progress == pytest.approx(60)

    def test_a_report_approved_after_the_day_counts_only_without_approved_by(
        self, make, task, goal
    ):
        approved(make, goal, 40, date(2025, 3, 31), date(2025, 4, 10))
        approved(make, goal, 50, date(2025, 6, 15), date(2025, 7, 5))
        assert item_as_of(task).progress == pytest.approx(40)
        # Dated by D, approved whenever: the final balance's figures.
        assert Task.objects.with_progress(today=D).get(pk=task.pk).progress == pytest.approx(50)

    def test_approved_by_the_end_of_the_day_in_the_sites_time_zone(self, make, task, goal):
        late_evening = make.report(
            goal, value=30, as_of=date(2025, 6, 1), reviewed_at=at(D, 23, 50)
        )
        assert item_as_of(task).progress == pytest.approx(30)
        type(late_evening).objects.filter(pk=late_evening.pk).update(
            reviewed_at=at(D + timedelta(days=1), 0, 10)
        )
        assert item_as_of(task).progress is None
        assert item_as_of(task).no_report is True

    def test_a_correction_approved_after_the_day_leaves_the_old_figure(self, make, task, goal):
        old = approved(make, goal, 40, date(2025, 3, 31), date(2025, 4, 10))
        approved(
            make,
            goal,
            45,
            date(2025, 3, 31),
            date(2025, 7, 10),
            supersedes=old,
            correction_reason="Recounted.",
        )
        assert target_as_of(goal).latest_value == Decimal(40)
        assert item_as_of(task).progress == pytest.approx(40)
        assert target_now(goal).latest_value == Decimal(45)
        assert item_now(task).progress == pytest.approx(45)

    def test_a_correction_approved_by_the_day_replaces_the_old_figure(self, make, task, goal):
        old = approved(make, goal, 40, date(2025, 3, 31), date(2025, 4, 10))
        approved(
            make,
            goal,
            45,
            date(2025, 3, 31),
            date(2025, 5, 10),
            supersedes=old,
            correction_reason="Recounted.",
        )
        assert item_as_of(task).progress == pytest.approx(45)

    def test_the_plans_reports_as_of_the_day(self, make, task, goal):
        from initiatives.models import ProgressReport

        kept = approved(make, goal, 40, date(2025, 3, 31), date(2025, 4, 10))
        approved(make, goal, 60, date(2025, 7, 31), date(2025, 8, 5))
        approved(make, goal, 50, date(2025, 6, 15), date(2025, 7, 5))
        make.report(goal, value=55, as_of=date(2025, 5, 1), status="submitted")
        assert list(ProgressReport.objects.as_of(D)) == [kept]
        assert ProgressReport.objects.as_of(None).count() == 3


class TestTerms:
    def test_a_target_revised_after_the_day_keeps_its_old_terms(self, make, task):
        goal = make.target(task, baseline_value=0, target_value=200)
        approved(make, goal, 50, date(2025, 3, 31), date(2025, 4, 10))
        make.revision(goal, {"target_value": ("100", "200")}, reviewed_at=at(date(2025, 9, 1)))
        then = target_as_of(goal)
        assert then.target_value == Decimal(100)
        assert then.progress == pytest.approx(50)  # 50 of 100
        assert item_as_of(task).progress == pytest.approx(50)
        assert target_now(goal).progress == pytest.approx(25)  # 50 of 200
        assert item_now(task).progress == pytest.approx(25)

    def test_a_revision_approved_by_the_day_is_in_effect(self, make, task):
        goal = make.target(task, baseline_value=0, target_value=200)
        approved(make, goal, 50, date(2025, 3, 31), date(2025, 4, 10))
        make.revision(goal, {"target_value": ("100", "200")}, reviewed_at=at(date(2025, 5, 1)))
        assert target_as_of(goal).progress == pytest.approx(25)

    def test_the_earliest_later_revision_says_what_held_then(self, make, task):
        goal = make.target(
            task, baseline_value=10, target_value=300, target_date=date(2025, 12, 31)
        )
        approved(make, goal, 60, date(2025, 3, 31), date(2025, 4, 10))
        make.revision(
            goal,
            {"target_value": ("110", "200"), "baseline_value": (None, "10")},
            reviewed_at=at(date(2025, 8, 1)),
        )
        make.revision(goal, {"target_value": ("200", "300")}, reviewed_at=at(date(2025, 9, 1)))
        make.revision(
            goal, {"target_date": ("2026-06-30", "2025-12-31")}, reviewed_at=at(date(2025, 7, 1))
        )
        then = target_as_of(goal)
        assert (then.baseline_value, then.target_value) == (None, Decimal(110))
        assert then.target_date == date(2026, 6, 30)
        # Without a baseline a rising target counts from zero: 60 of 110.
        assert then.progress == pytest.approx(60 / 110 * 100)
        assert target_now(goal).progress == pytest.approx(50 / 290 * 100)

    def test_an_items_dates_as_they_stood(self, make):
        task = make.task(start_date=date(2025, 1, 1), due_date=date(2025, 6, 1))
        make.target(task, target_value=100)
        make.revision(task, {"due_date": ("2025-06-01", "2026-06-30")}, reviewed_at=at(TODAY))
        task.due_date = date(2026, 6, 30)
        task.save()
        then = item_as_of(task)
        assert then.due_date == date(2025, 6, 1)
        assert then.schedule == Schedule.OVERDUE  # due then before D, not completed
        assert item_now(task).due_date == date(2026, 6, 30)

    def test_the_schedule_of_a_target_by_its_terms_then(self, make, task):
        goal = make.target(task, baseline_value=0, target_value=100, target_date=date(2025, 12, 31))
        approved(make, goal, 10, date(2025, 3, 31), date(2025, 4, 10))
        make.revision(
            goal, {"target_date": ("2025-06-01", "2025-12-31")}, reviewed_at=at(date(2025, 8, 1))
        )
        assert target_as_of(goal).schedule == Schedule.OVERDUE  # due 2025-06-01 then
        assert Target.objects.filter(pk=goal.pk).with_progress().with_schedule(
            D
        ).get().schedule == (Schedule.BEHIND)


class TestStatus:
    def change(self, item, old, new, day):
        return StatusChange.objects.create(
            item=item, old_status=old, new_status=new, reason="As reported.", changed_at=at(day)
        )

    def test_the_status_of_the_latest_change_by_the_day(self, task):
        self.change(task, "not_started", "on_track", date(2025, 2, 1))
        self.change(task, "on_track", "delayed", date(2025, 8, 1))
        Task.objects.filter(pk=task.pk).update(status="delayed")
        assert item_as_of(task).status == "on_track"
        assert item_as_of(task).get_status_display() == "On track"
        assert item_as_of(task, date(2025, 1, 15)).status == "not_started"
        assert item_now(task).status == "delayed"

    def test_the_status_left_by_the_first_later_change(self, task):
        self.change(task, "at_risk", "completed", date(2025, 8, 1))
        Task.objects.filter(pk=task.pk).update(status="completed")
        assert item_as_of(task).status == "at_risk"

    def test_without_any_change_the_status_now(self, task):
        Task.objects.filter(pk=task.pk).update(status="on_track")
        assert item_as_of(task).status == "on_track"

    def test_a_completion_after_the_day_is_not_counted_then(self, make, task, goal):
        approved(make, goal, 20, date(2025, 3, 31), date(2025, 4, 10))
        self.change(task, "on_track", "completed", date(2025, 8, 1))
        Task.objects.filter(pk=task.pk).update(status="completed")
        # 20 % at about half of 2025: behind then; completed (ahead, short of its target) now.
        assert item_as_of(task).schedule == Schedule.BEHIND
        assert item_now(task).schedule == Schedule.AHEAD


class TestCompiled:
    def test_the_compiled_figures_are_the_built_ones(self, make, task, goal):
        project = make.project(start_date=date(2025, 1, 1), due_date=date(2025, 12, 31))
        child = make.task(project=project, start_date=date(2025, 1, 1), due_date=date(2025, 9, 30))
        child_goal = make.target(child, target_value=10)
        approved(make, child_goal, 5, date(2025, 5, 31), date(2025, 6, 2))
        approved(make, child_goal, 9, date(2025, 6, 30), date(2025, 7, 2))
        approved(make, goal, 40, date(2025, 3, 31), date(2025, 4, 10))
        make.revision(child_goal, {"target_value": ("20", "10")}, reviewed_at=at(date(2025, 7, 3)))
        fields = ("pk", "progress", "last_reported", "schedule", "no_report", "disagreement")
        for model in (Task, type(project)):
            compiled = list(
                model.objects.with_progress(D, approved_by=D).order_by("pk").values_list(*fields)
            )
            built = list(model.objects.built_progress(D, D).order_by("pk").values_list(*fields))
            assert compiled == built
        # The project: its one task at 5 of 20 (its target then) on D.
        assert item_as_of(project).progress == pytest.approx(25)
        assert item_now(project).progress == pytest.approx(90)


# The pages, exports and API lists, ?as_of=.

AS_OF = "as_of=2025-06-30"


@pytest.fixture
def site(make):
    """One task of 2025, T-501, whose target from 0 to 100 had 40 by D and 60 since; on track
    on D, delayed since."""
    task = make.task(
        code="T-501",
        title_en="Charging piles in the cities",
        start_date=date(2025, 1, 1),
        due_date=date(2025, 12, 31),
        status="delayed",
    )
    goal = make.target(task, code="T-501.1", name_en="Piles installed", is_headline=True)
    approved(make, goal, 40, date(2025, 3, 31), date(2025, 4, 10), narrative_en="First quarter.")
    approved(make, goal, 60, date(2025, 7, 31), date(2025, 8, 5), narrative_en="Seventh month.")
    StatusChange.objects.create(
        item=task,
        old_status="on_track",
        new_status="delayed",
        reason="Land not released.",
        changed_at=at(date(2025, 8, 1)),
    )
    return task


def html(response):
    return response.content.decode()


def internal_links(page):
    return re.findall(r'href="(/[^"]*)"', page)


PAGES = ["/", "/tasks/", "/tasks/T-501/", "/members/shanghai/", "/areas/area-1/", "/updates/"]
PAGES += ["/sources/", "/plans/yrd-2024-2026/tasks/", "/zh-hans/tasks/T-501/"]


@pytest.mark.parametrize("url", PAGES)
def test_a_page_as_of_a_day_says_so_and_links_to_today(client, site, url):
    response = client.get(f"{url}?{AS_OF}")
    assert response.status_code == 200
    page = html(response)
    if not url.startswith("/zh-hans/"):
        assert "The plan as it stood on 2025-06-30: figures reported and approved by that" in page
    assert f'<a href="{url}">' in page  # the same page, as of today
    assert "as it stood" not in html(client.get(url))


@pytest.mark.parametrize("url", PAGES)
def test_every_link_of_the_plan_keeps_the_day(client, site, url):
    page = html(client.get(f"{url}?{AS_OF}"))
    # Not the plan's: files, the staff admin, the API's index and the sitemap; and the page as
    # of today, which the banner links to.
    elsewhere = ("/static/", "/admin/", "/api/", "/sitemap.xml")
    links = [link for link in internal_links(page) if not link.startswith(elsewhere)]
    # The language switcher's link carries the page, the day with it, in its `next`.
    unkept = [link for link in links if AS_OF not in unquote(link) and link != url]
    assert len(links) > 10
    assert unkept == []
    if url in ("/tasks/", "/plans/yrd-2024-2026/tasks/", "/updates/"):  # the filters too
        assert '<input type="hidden" name="as_of" value="2025-06-30">' in page


def test_a_round_closed_today_is_shown_open_as_of_a_day_before_its_close(client, site):
    with override_settings(TRACKER_TODAY=date(2027, 1, 15)):  # 2024-2026 has closed
        closed = "This round closed at the end of 2026-12-31"
        assert closed in html(client.get("/tasks/T-501/"))
        page = html(client.get(f"/tasks/T-501/?{AS_OF}"))
        assert "The plan as it stood on 2025-06-30" in page and closed not in page
        assert closed in html(client.get("/tasks/T-501/?as_of=2027-01-10"))


def test_the_figures_of_an_item_page_as_of_the_day(client, site):
    page = html(client.get(f"/tasks/T-501/?{AS_OF}"))
    assert "On track" in page and "Delayed" not in page.split("Status history")[0]
    assert ">40%<" in page.replace(" ", "") or "40%" in page
    assert "Seventh month." not in page  # the report approved after D
    assert "First quarter." in page
    today = html(client.get("/tasks/T-501/"))
    assert "Seventh month." in today


def test_the_lists_filter_and_export_as_of_the_day(client, site):
    rows = client.get(f"/tasks/?{AS_OF}&_export=json")
    assert rows.status_code == 200
    (row,) = json.loads(b"".join(rows.streaming_content))
    assert (row["Progress"], row["Status"]) == (40.0, "On track")
    (now,) = json.loads(b"".join(client.get("/tasks/?_export=json").streaming_content))
    assert (now["Progress"], now["Status"]) == (60.0, "Delayed")
    assert "T-501" in html(client.get(f"/tasks/?{AS_OF}&schedule=on_schedule"))


def test_the_updates_as_of_the_day(client, site):
    page = html(client.get(f"/updates/?{AS_OF}"))
    assert "First quarter." in page and "Seventh month." not in page
    csv_rows = b"".join(client.get(f"/updates/?{AS_OF}&_export=csv").streaming_content).decode()
    assert csv_rows.count("\n") == 2  # the header and the one report approved by then


def test_the_api_lists_as_of_the_day(client, site):
    (task,) = client.get(f"/api/tasks/?{AS_OF}").json()["results"]
    assert (task["progress"], task["status"], task["last_reported"]) == (
        40,
        "on_track",
        "2025-03-31",
    )
    (now,) = client.get("/api/tasks/").json()["results"]
    assert (now["progress"], now["status"]) == (60, "delayed")
    (target,) = client.get(f"/api/targets/?{AS_OF}").json()["results"]
    assert (target["latest_value"], target["latest_as_of"]) == (40, "2025-03-31")
    reports = client.get(f"/api/reports/?{AS_OF}").json()
    assert [report["value"] for report in reports["results"]] == [40]
    assert client.get(f"/api/reports/?{AS_OF}&page=1").json()["count"] == 1


@pytest.mark.parametrize(
    "value, says",
    [
        ("2025-13-01", "is not a date"),
        ("yesterday", "is not a date"),
        ("2025-6-30", "is not a date"),
        ("2023-12-31", "before"),  # the plan starts on 2024-01-01
        ("2025-10-02", "after today"),
    ],
)
def test_a_day_that_cannot_be_shown_is_a_bad_request(client, site, value, says):
    for url in ("/", "/tasks/", "/tasks/T-501/", "/members/shanghai/", "/updates/"):
        response = client.get(f"{url}?as_of={value}")
        assert response.status_code == 400
        assert says in html(response)
    answer = client.get(f"/api/tasks/?as_of={value}")
    assert answer.status_code == 400
    assert says in answer.json()["error"]


def test_the_first_day_of_the_plan_and_today_can_be_shown(client, site):
    assert client.get("/?as_of=2024-01-01").status_code == 200
    assert client.get(f"/?as_of={TODAY.isoformat()}").status_code == 200


def test_an_as_of_page_is_cached_under_its_address_with_a_stable_etag(client, site):
    first = client.get(f"/tasks/?{AS_OF}")
    again = client.get(f"/tasks/?{AS_OF}")
    today = client.get("/tasks/")
    assert again["X-Page-Cache"] == "hit"
    assert first["ETag"] == again["ETag"] != today["ETag"]
    assert client.get(f"/tasks/?{AS_OF}", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert "Seventh month" not in html(again)


@pytest.mark.parametrize(
    "url", ["/", "/tasks/", "/tasks/T-501/", "/members/shanghai/", "/updates/"]
)
def test_an_as_of_page_costs_the_queries_of_todays_whatever_the_data(client, make, site, url):
    def queries(address):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(address).status_code == 200
        return len(captured)

    small = queries(f"{url}?{AS_OF}")
    assert small == queries(url)
    for _n in range(3):
        task = make.task(start_date=date(2025, 1, 1), due_date=date(2025, 12, 31))
        goal = make.target(task)
        approved(make, goal, 10, date(2025, 2, 1), date(2025, 2, 2))
        make.revision(goal, {"target_value": ("50", "100")}, reviewed_at=at(date(2025, 9, 1)))
    assert queries(f"{url}?{AS_OF}") == small


def test_the_status_filter_reads_the_status_of_then(client, site):
    assert "T-501" in html(client.get(f"/tasks/?{AS_OF}&status=on_track"))
    assert "T-501" not in html(client.get(f"/tasks/?{AS_OF}&status=delayed"))
    assert "T-501" in html(client.get("/tasks/?status=delayed"))
    assert client.get(f"/api/tasks/?{AS_OF}&status=on_track").json()["count"] == 1
    assert client.get(f"/api/tasks/?{AS_OF}&status=delayed").json()["count"] == 0


def test_an_item_page_as_of_the_day_shows_the_revisions_and_status_changes_of_then(
    client, make, site
):
    goal = site.targets.get()
    make.revision(
        goal, {"target_value": ("80", "100")}, reason="Raised later.", reviewed_at=at(TODAY)
    )
    page = html(client.get(f"/tasks/T-501/?{AS_OF}"))
    assert "Raised later." not in page and "Land not released." not in page
    today = html(client.get("/tasks/T-501/"))
    assert "Raised later." in today and "Land not released." in today
    # Its target then was 80: 40 of 80.
    assert "50%" in page


def test_the_api_and_the_lists_give_the_revisions_in_effect_then(client, make, site):
    goal = site.targets.get()
    make.revision(goal, {"target_value": ("80", "100")}, reviewed_at=at(TODAY))
    (target,) = client.get(f"/api/targets/?{AS_OF}").json()["results"]
    assert (target["target_value"], target["revisions"]) == (80, [])
    (now,) = client.get("/api/targets/").json()["results"]
    assert (now["target_value"], len(now["revisions"])) == (100, 1)
    (task,) = client.get(f"/api/tasks/?{AS_OF}").json()["results"]
    assert task["revised"] is False
    assert client.get("/api/tasks/").json()["results"][0]["revised"] is True
    assert "tag-revised" not in html(client.get(f"/tasks/?{AS_OF}")).split("<tbody")[-1]
    assert "tag-revised" in html(client.get("/tasks/")).split("<tbody")[-1]


def test_the_updates_feed_as_of_the_day(client, site):
    feed = client.get(f"/updates/feed/?{AS_OF}").content.decode()
    assert "First quarter." in feed and "Seventh month." not in feed
    assert "/updates/?as_of=2025-06-30" in feed  # its link is to the page of the same day
    assert "Seventh month." in client.get("/updates/feed/").content.decode()
    assert client.get("/updates/feed/?as_of=2023-12-31").status_code == 400


def test_the_reporting_periods_as_they_stood_on_the_day(client, site, make):
    goal = Target.objects.get(code="T-501.1")
    quarter = make.period(site.plan, start=date(2025, 7, 1), end=date(2025, 9, 30), targets=[goal])
    make.report(
        goal,
        value=65,
        as_of=date(2025, 8, 31),
        submitted_at=at(date(2025, 9, 2)),
        reviewed_at=at(date(2025, 9, 20)),
    )

    def standing(query):
        (period,) = [
            row
            for row in client.get(f"/api/periods/{query}").json()["results"]
            if row["name_en"] == quarter.name_en
        ]
        (lead,) = period["members"]
        return {state: n for state, n in lead.items() if state not in ("member", "owed") and n}

    assert standing("?as_of=2025-08-15") == {"due": 1}  # nothing submitted yet
    assert standing("?as_of=2025-09-10") == {"submitted": 1}  # waiting for review
    assert standing("") == {"approved": 1}
    names = [row["name_en"] for row in client.get(f"/api/periods/?{AS_OF}").json()["results"]]
    assert quarter.name_en not in names  # it had not begun
    assert client.get("/api/periods/?as_of=abc").status_code == 400
