"""Rounds that close: the state on the date, outcomes at the close, carry-over to the next round,
and the demo's illustrative fourth round."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from initiatives.models import Outcome, PlanItem, PlanState, Status, StatusChange, Target, Task
from tests.shared import settle_page_cache

pytestmark = pytest.mark.django_db

END = date(2026, 12, 31)
AFTER = date(2027, 1, 15)


def on(day):
    """The tracker's today fixed at `day`."""
    return override_settings(TRACKER_TODAY=day)


def aware(day):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=12))


def completed_on(item, day):
    """The item's status changed to completed on `day` (as the workflow records it)."""
    old = item.status
    PlanItem.objects.filter(pk=item.pk).update(status=Status.COMPLETED)
    StatusChange.objects.create(
        item=item,
        old_status=old,
        new_status=Status.COMPLETED,
        reason="Done.",
        changed_at=aware(day),
    )


def outcomes(plan, today):
    rows = PlanItem.objects.in_plan(plan).with_outcome(plan, today=today)
    return {row.code: (row.outcome, row.schedule, row.progress) for row in rows}


# The state of a round on its dates


@pytest.mark.parametrize(
    "today, state",
    [
        (date(2023, 12, 31), PlanState.UPCOMING),
        (date(2024, 1, 1), PlanState.ACTIVE),
        (END - timedelta(days=1), PlanState.ACTIVE),
        (END, PlanState.ACTIVE),
        (END + timedelta(days=1), PlanState.CLOSED),
    ],
)
def test_a_round_closes_the_day_after_its_end_date(make, today, state):
    plan = make.plan()
    with on(today):
        assert plan.state() == state
        assert plan.is_closed() == (state == PlanState.CLOSED)


@pytest.mark.parametrize(
    "today, closed",
    [(END - timedelta(days=1), False), (END, False), (END + timedelta(days=1), True)],
)
def test_items_have_an_outcome_in_place_of_a_schedule_once_closed(make, today, closed):
    plan = make.plan()
    task = make.task(code="T-101", start_date=date(2024, 1, 1), due_date=date(2025, 6, 30))
    make.report(make.target(task), value=40, as_of=date(2025, 3, 31))
    outcome, schedule, progress = outcomes(plan, today)["T-101"]
    assert progress == 40
    if closed:
        assert (outcome, schedule) == (Outcome.PARTLY_ACHIEVED, None)
    else:
        assert outcome is None and schedule == -2  # overdue while the round runs


class TestOutcomes:
    """Each kind of outcome, on a plan closed on 2026-12-31 and seen on 2027-01-15."""

    @pytest.fixture
    def plan(self, make):
        return make.plan()

    def task(self, make, code, due=date(2026, 6, 30), **fields):
        return make.task(code=code, start_date=date(2024, 1, 1), due_date=due, **fields)

    def test_completed_by_its_due_date_is_achieved(self, make, plan):
        task = self.task(make, "T-101")
        make.report(make.target(task), value=100, as_of=date(2026, 3, 31))
        completed_on(task, date(2026, 6, 30))
        assert outcomes(plan, AFTER)["T-101"][0] == Outcome.ACHIEVED

    def test_completed_after_its_due_date_is_achieved_late(self, make, plan):
        task = self.task(make, "T-102")
        make.report(make.target(task), value=90, as_of=date(2026, 3, 31))
        completed_on(task, date(2026, 7, 1))  # the day after it was due
        assert outcomes(plan, AFTER)["T-102"][0] == Outcome.ACHIEVED_LATE

    def test_figures_at_100_by_the_due_date_are_achieved_however_late_declared(self, make, plan):
        # Found in the demo: 27 items had their 100 % approved by their due date, and only the
        # status change came later; they read "achieved late".
        task = self.task(make, "T-107")
        make.report(make.target(task), value=100, as_of=date(2026, 3, 31))
        completed_on(task, date(2026, 7, 1))
        assert outcomes(plan, AFTER)["T-107"][0] == Outcome.ACHIEVED

    def test_reaching_100_counts_as_completed_on_the_date_of_that_report(self, make, plan):
        on_time, late = self.task(make, "T-103"), self.task(make, "T-104")
        make.report(make.target(on_time), value=100, as_of=date(2026, 6, 30))
        make.report(make.target(late), value=100, as_of=date(2026, 9, 30))
        found = outcomes(plan, AFTER)
        assert found["T-103"] == (Outcome.ACHIEVED, None, 100)
        assert found["T-104"] == (Outcome.ACHIEVED_LATE, None, 100)

    def test_completed_without_a_recorded_change_is_dated_by_its_last_report(self, make, plan):
        task = self.task(make, "T-105", status=Status.COMPLETED)
        make.report(make.target(task), value=100, as_of=date(2026, 8, 31))
        assert outcomes(plan, AFTER)["T-105"][0] == Outcome.ACHIEVED_LATE

    def test_declared_completed_only_after_the_close_is_judged_by_its_figures(self, make, plan):
        task = self.task(make, "T-106")
        make.report(make.target(task), value=70, as_of=date(2026, 12, 31))
        completed_on(task, date(2027, 1, 10))
        assert outcomes(plan, AFTER)["T-106"] == (Outcome.PARTLY_ACHIEVED, None, 70)

    def test_some_progress_is_partly_achieved_with_its_figure(self, make, plan):
        task = self.task(make, "T-107", status=Status.DELAYED)
        target = make.target(task, baseline_value=200, target_value=600)
        make.report(target, value=450, as_of=date(2026, 12, 31))
        # (450 - 200) / (600 - 200) = 62.5 %
        assert outcomes(plan, AFTER)["T-107"] == (Outcome.PARTLY_ACHIEVED, None, 62.5)

    def test_no_progress_or_none_reported_is_not_achieved(self, make, plan):
        zero, silent = self.task(make, "T-108"), self.task(make, "T-109")
        make.report(make.target(zero), value=0, as_of=date(2026, 6, 30))
        make.target(silent)
        found = outcomes(plan, AFTER)
        assert found["T-108"] == (Outcome.NOT_ACHIEVED, None, 0)
        assert found["T-109"] == (Outcome.NOT_ACHIEVED, None, None)

    def test_suspended_and_cancelled_come_from_the_status(self, make, plan):
        suspended = self.task(make, "T-110", status=Status.SUSPENDED)
        make.report(make.target(suspended), value=100, as_of=date(2026, 6, 30))
        self.task(make, "T-111", status=Status.CANCELLED)
        found = outcomes(plan, AFTER)
        assert found["T-110"][0] == Outcome.SUSPENDED
        assert found["T-111"][0] == Outcome.CANCELLED

    def test_progress_at_the_close_leaves_out_reports_dated_after_it(self, make, plan):
        task = self.task(make, "T-112")
        target = make.target(task)
        make.report(target, value=60, as_of=date(2026, 12, 31))
        with on(AFTER):  # a report dated after the close cannot change the outcome
            make.report(target, value=100, as_of=date(2027, 1, 10))
        assert outcomes(plan, AFTER)["T-112"] == (Outcome.PARTLY_ACHIEVED, None, 60)

    def test_todays_pages_of_a_closed_round_read_todays_figures_not_a_past_days(self, plan):
        # The figures of a past day (terms and statuses of then) cost several times today's;
        # a closed round's overview read them and took seconds on the demo.
        today = PlanItem.objects.in_plan(plan).with_outcome(plan, today=AFTER)
        then = PlanItem.objects.in_plan(plan).with_outcome(plan, today=AFTER, approved_by=AFTER)
        assert "status_then" not in today.query.annotations
        assert "status_then" in then.query.annotations

    def test_lists_filter_by_outcome(self, make, plan):
        done, partly = self.task(make, "T-113"), self.task(make, "T-114")
        make.report(make.target(done), value=100, as_of=date(2026, 3, 31))
        make.report(make.target(partly), value=30, as_of=date(2026, 3, 31))
        rows = Task.objects.in_plan(plan).with_outcome(plan, today=AFTER)
        assert [t.code for t in rows.filter(outcome=Outcome.ACHIEVED)] == ["T-113"]


# Carry-over


@pytest.fixture
def rounds(make, settings):
    """The third round, closed (seen on 2027-01-15), and the fourth, which follows it."""
    settings.TRACKER_TODAY = AFTER
    third = make.plan()
    fourth = make.plan(
        "yrd-2027-2029", start=2027, is_current=False, follows=third, is_illustrative=True
    )
    return third, fourth


def test_carrying_over_makes_a_linked_item_that_starts_from_the_latest_figure(
    make, rounds, django_assert_max_num_queries
):
    third, fourth = rounds
    project = make.project(code="P-21", lead="jiangsu", co=("anhui",), status=Status.DELAYED)
    task = make.task(code="T-121", project=project, status=Status.AT_RISK, summary_en="More.")
    source = make.source()
    task.sources.add(source)
    piles = make.target(
        task, code="T-121.1", baseline_value=100, target_value=500, target_date=date(2026, 12, 31)
    )
    make.report(piles, value=350, as_of=date(2026, 9, 30))
    make.target(task, code="T-121.2", measure="milestone")
    met = make.target(task, code="T-121.3", baseline_value=0, target_value=10)
    make.report(met, value=12, as_of=date(2026, 9, 30))
    office = make.user()

    new_project = project.carry_over(fourth, office)
    # Three targets, each saved with its history and its item's stored figures refreshed.
    with django_assert_max_num_queries(28):
        new = Task.objects.get(pk=task.pk).carry_over(fourth, office)

    assert (new.plan, new.code, new.kind, new.carried_from) == (fourth, "T-121", "task", task)
    assert new.parent == new_project  # supports what its parent was carried into
    assert (new.status, new.start_date, new.due_date) == (
        Status.NOT_STARTED,
        date(2027, 1, 1),
        date(2029, 12, 31),
    )
    assert (new.title_en, new.summary_en, new.focus_area) == (
        task.title_en,
        "More.",
        task.focus_area,
    )
    assert list(new.sources.all()) == [source]
    assert {(r.member.slug, r.role) for r in new_project.responsibilities.all()} == {
        ("jiangsu", "lead"),
        ("anhui", "co"),
    }
    targets = {t.code: t for t in new.targets.all()}
    assert set(targets) == {"T-121.1", "T-121.2", "T-121.3"}
    # From where it stood: the latest approved value and its date.
    assert (targets["T-121.1"].baseline_value, targets["T-121.1"].baseline_date) == (
        350,
        date(2026, 9, 30),
    )
    assert targets["T-121.1"].target_value == 500
    assert targets["T-121.1"].target_date == date(2029, 12, 31)
    assert targets["T-121.2"].measure == "milestone"
    assert targets["T-121.3"].baseline_value == 0  # met already: the old baseline stays
    # The history stays with the old item.
    assert not new.targets.filter(reports__isnull=False).exists()
    assert piles.reports.count() == 1
    assert list(task.carried_into.all()) == [new]


@pytest.mark.parametrize("status", [Status.COMPLETED, Status.CANCELLED])
def test_a_finished_item_is_not_carried_over(make, rounds, status):
    _third, fourth = rounds
    task = make.task(status=status)
    with pytest.raises(ValidationError, match="only an unfinished item"):
        task.carry_over(fourth, make.user())
    assert not PlanItem.objects.filter(plan=fourth).exists()


def test_an_item_is_carried_over_once_into_a_round(make, rounds):
    _third, fourth = rounds
    task = make.task(status=Status.DELAYED)
    task.carry_over(fourth, make.user())
    with pytest.raises(ValidationError, match="already been carried over"):
        task.carry_over(fourth, make.user())
    assert PlanItem.objects.filter(plan=fourth).count() == 1


def test_an_item_is_carried_only_into_the_round_that_follows_its_own(make, rounds):
    third, fourth = rounds
    other = make.plan("gba-2027-2029", start=2027, is_current=False)
    task = make.task(status=Status.DELAYED)
    for plan in (other, third):
        with pytest.raises(ValidationError, match="does not follow"):
            task.carry_over(plan, make.user())
    assert not Target.objects.filter(item__plan__in=[other, fourth]).exists()


def test_an_item_is_carried_over_once_its_round_has_closed(make, rounds, settings):
    _third, fourth = rounds
    task = make.task(status=Status.DELAYED)
    settings.TRACKER_TODAY = END
    with pytest.raises(ValidationError, match="has not closed yet"):
        task.carry_over(fourth, make.user())
    settings.TRACKER_TODAY = END + timedelta(days=1)
    assert task.carry_over(fourth, make.user()).carried_from == task


# Pages and API of a closed round


@pytest.fixture
def closed_plan(make, settings):
    """A plan closed on 2026-12-31, seen on 2027-01-15, with one item of each outcome worth
    telling apart and a task carried into an illustrative next round."""
    settings.TRACKER_TODAY = AFTER
    plan = make.plan()
    done = make.initiative(code="I-01", due_date=date(2026, 6, 30), lead="jiangsu")
    make.report(make.target(done), value=100, as_of=date(2026, 3, 31))
    partly = make.task(code="T-101", status=Status.DELAYED, lead="anhui")
    target = make.target(partly, target_date=date(2026, 12, 31))
    make.report(target, value=40, as_of=date(2026, 9, 30))
    make.task(code="T-102", status=Status.CANCELLED, lead="anhui")
    fourth = make.plan(
        "yrd-2027-2029", start=2027, is_current=False, follows=plan, is_illustrative=True
    )
    partly.carry_over(fourth, make.user())
    return plan


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.getvalue().decode()


def test_the_overview_of_a_closed_round_is_its_final_balance(client, closed_plan):
    html = html_of(client, "/")
    assert "This round closed at the end of 2026-12-31" in html
    assert "The last report is dated 2026-09-30" in html
    balance = html[html.index('id="balance-heading"') : html.index('id="headline-heading"')]
    # Achieved: the initiative; partly achieved and cancelled: a task each.
    assert '<a href="/initiatives/?outcome=achieved">1</a>' in balance
    assert '<a href="/tasks/?outcome=partly_achieved">1</a>' in balance
    assert '<a href="/tasks/?outcome=cancelled">1</a>' in balance
    assert "Anhui" in balance and "Jiangsu" in balance
    assert 'id="behind-heading"' not in html  # nothing is "behind" once closed
    assert "The next round is under way" in html
    assert 'href="/plans/yrd-2027-2029/"' in html


def test_lists_and_item_pages_show_the_outcome_in_place_of_the_schedule(client, closed_plan):
    listing = html_of(client, "/tasks/")
    assert "Partly achieved (40%)" in listing and "Cancelled" in listing
    assert "schedule-overdue" not in listing
    filtered = html_of(client, "/tasks/?outcome=partly_achieved")
    assert "T-101" in filtered and "T-102" not in filtered
    page = html_of(client, "/tasks/T-101/")
    assert "Outcome at the close" in page and "Partly achieved (40%)" in page
    assert "schedule-overdue" not in page
    export = html_of(client, "/tasks/?_export=csv")
    assert "Outcome" in export.splitlines()[0] and "Schedule" not in export.splitlines()[0]
    assert "Partly achieved" in export


def test_a_carried_item_links_both_ways(client, closed_plan):
    old = html_of(client, "/tasks/T-101/")
    assert 'href="/plans/yrd-2027-2029/tasks/T-101/"' in old and "as T-101" in old
    new = html_of(client, "/plans/yrd-2027-2029/tasks/T-101/")
    assert "Carried over from" in new and 'href="/tasks/T-101/"' in new
    assert "This round is illustrative" in new


def test_the_api_names_the_state_and_the_outcome(client, closed_plan, settings):
    plans = {row["slug"]: row for row in client.get("/api/plans/").json()["results"]}
    assert plans["yrd-2024-2026"]["state"] == "closed"
    assert plans["yrd-2027-2029"]["state"] == "active"
    assert plans["yrd-2027-2029"]["follows"] == "yrd-2024-2026"
    assert plans["yrd-2027-2029"]["is_illustrative"] is True
    tasks = {row["code"]: row for row in client.get("/api/tasks/").json()["results"]}
    assert (tasks["T-101"]["outcome"], tasks["T-101"]["schedule"]) == ("partly_achieved", None)
    assert tasks["T-102"]["outcome"] == "cancelled"
    assert tasks["T-101"]["carried_into"] == ["http://testserver/plans/yrd-2027-2029/tasks/T-101/"]
    assert tasks["T-101"]["carried_from"] is None
    new = client.get("/api/tasks/?plan=yrd-2027-2029").json()["results"][0]
    assert new["carried_from"] == "http://testserver/tasks/T-101/"
    assert new["outcome"] is None and new["carried_into"] == []
    assert client.get("/api/tasks/?outcome=cancelled").json()["count"] == 1

    settings.TRACKER_TODAY = END  # the day before it closes, nothing has an outcome
    tasks = {row["code"]: row for row in client.get("/api/tasks/").json()["results"]}
    assert tasks["T-101"]["outcome"] is None and tasks["T-101"]["schedule"] == "behind"
    plans = {row["slug"]: row for row in client.get("/api/plans/").json()["results"]}
    assert (plans["yrd-2024-2026"]["state"], plans["yrd-2027-2029"]["state"]) == (
        "active",
        "upcoming",
    )


def test_before_the_close_the_round_shows_its_schedule_and_the_next_is_upcoming(
    client, closed_plan, settings
):
    settings.TRACKER_TODAY = END
    html = html_of(client, "/")
    assert "This round closed" not in html and "Final balance" not in html
    assert 'id="behind-heading"' in html
    assert "The next round is under way" not in html
    assert "upcoming" in html  # the switcher names the next round's state
    assert "This round has not started yet" in html_of(client, "/plans/yrd-2027-2029/")


def test_closed_pages_cost_no_more_queries_as_the_round_grows(
    client, closed_plan, make, django_assert_max_num_queries
):
    def counts():
        found = {}
        for url in ("/", "/tasks/", "/tasks/T-101/", "/api/tasks/", "/members/anhui/"):
            settle_page_cache(client)
            with django_assert_max_num_queries(15) as captured:
                html_of(client, url)
            found[url] = len(captured)
        return found

    before = counts()
    for n in range(5):
        task = make.task(lead="anhui", status=Status.DELAYED)
        make.report(make.target(task), value=10 * n, as_of=date(2026, 6, 30))
    assert counts() == before


# The admin action


def test_the_office_carries_items_over_from_the_admin(client, make, rounds):
    from tests.admin_forms import seen_versions
    from tests.staff import reviewer

    third, fourth = rounds
    project = make.project(code="P-31", status=Status.DELAYED)
    task = make.task(code="T-131", project=project, status=Status.AT_RISK)
    client.force_login(reviewer())
    url = "/admin/initiatives/task/"
    action = {
        "action": "carry_over",
        "_selected_action": [task.pk],
        "_seen_version": seen_versions([task]),
    }
    page = client.post(url, {**action, "index": 0})
    assert page.status_code == 200
    assert list(page.context["form"].fields["plan"].queryset) == [fourth]
    client.post(url, {**action, "plan": fourth.pk, "apply": "yes"})
    assert PlanItem.objects.get(plan=fourth, code="T-131").carried_from == task

    # A refusal is a message, and nothing is written.
    response = client.post(url, {**action, "plan": fourth.pk, "apply": "yes"}, follow=True)
    assert "already been carried over" in response.content.decode()
    assert PlanItem.objects.filter(plan=fourth).count() == 1


def test_member_editors_cannot_carry_items_over(client, make, rounds):
    from tests.admin_forms import seen_versions
    from tests.staff import editor

    _third, fourth = rounds
    task = make.task(lead="jiangsu", status=Status.AT_RISK)
    client.force_login(editor("jiangsu"))
    url = "/admin/initiatives/task/"
    listing = client.get(url).content.decode()
    assert 'value="carry_over"' not in listing
    action = {
        "action": "carry_over",
        "_selected_action": [task.pk],
        "_seen_version": seen_versions([task]),
        "plan": fourth.pk,
        "apply": "yes",
    }
    client.post(url, action)
    assert not PlanItem.objects.filter(plan=fourth).exists()


def test_a_members_page_of_a_closed_round_counts_its_outcomes(client, closed_plan):
    html = html_of(client, "/members/anhui/")
    assert (
        '<a href="/tasks/?member=anhui&amp;outcome=partly_achieved">Partly achieved: 1</a>' in html
    )
    assert '<a href="/tasks/?member=anhui&amp;outcome=cancelled">Cancelled: 1</a>' in html
    assert "behind schedule, overdue or not reported" not in html
