"""Reporting periods: what each member owes on what it leads, and how it stands; the office's
periods in the admin; the start pages; the public standing and /api/periods/."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from initiatives.models import Obligation, ProgressReport, ReportingPeriod
from tests import factories as make
from tests.shared import settle_page_cache
from tests.staff import editor, reviewer

pytestmark = pytest.mark.django_db

Q3 = (date(2026, 7, 1), date(2026, 9, 30))
DUE = date(2026, 10, 15)


def states(period, **kwargs):
    return {(row.member.slug, row.target.code): row.state for row in period.obligations(**kwargs)}


@pytest.fixture
def region():
    """Jiangsu leads two targets and Zhejiang one; Shanghai co-leads Jiangsu's task only."""
    jiangsu_task = make.task(lead="jiangsu", co=("shanghai",))
    zhejiang_task = make.task(lead="zhejiang")
    targets = {
        "j1": make.target(jiangsu_task),
        "j2": make.target(jiangsu_task),
        "z1": make.target(zhejiang_task),
    }
    period = make.period(start=Q3[0], end=Q3[1], due=DUE, targets=targets.values())
    return period, targets


def test_each_state_of_what_is_owed(region):
    period, t = region
    make.report(t["j1"], 40, as_of=date(2026, 9, 30))  # approved
    make.report(t["j2"], 50, as_of=date(2026, 8, 31), status="submitted")
    returned = make.report(
        t["z1"], 10, as_of=date(2026, 9, 30), status="returned", review_reason="Cite the plan."
    )
    owed = period.obligations(today=DUE)
    assert [(row.member.slug, row.target.code, row.state) for row in owed] == [
        ("jiangsu", t["j1"].code, Obligation.APPROVED),
        ("jiangsu", t["j2"].code, Obligation.SUBMITTED),
        ("zhejiang", t["z1"].code, Obligation.RETURNED),
    ]
    assert owed[2].report == returned and owed[2].reason == "Cite the plan."
    assert owed[0].reason == ""


def test_nothing_reported_is_due_until_the_due_date_and_late_the_day_after(region):
    period, t = region
    assert set(states(period, today=DUE).values()) == {Obligation.DUE}
    assert set(states(period, today=DUE + timedelta(days=1)).values()) == {Obligation.LATE}
    with override_settings(TRACKER_TODAY=DUE + timedelta(days=1)):
        assert set(states(period).values()) == {Obligation.LATE}


def test_only_reports_dated_within_the_period_count(region):
    period, t = region
    make.report(t["j1"], 10, as_of=date(2026, 6, 30))  # the quarter before
    make.report(t["j1"], 90, as_of=date(2026, 10, 1), status="submitted")  # the next one
    make.report(t["j1"], 50, as_of=date(2026, 7, 1), status="draft")  # private to the member
    assert states(period, today=DUE)[("jiangsu", t["j1"].code)] == Obligation.DUE


def test_a_returned_report_submitted_again_or_approved_is_no_longer_returned(region):
    period, t = region
    make.report(t["z1"], 10, as_of=date(2026, 8, 31), status="returned")
    assert states(period, today=DUE)[("zhejiang", t["z1"].code)] == Obligation.RETURNED
    newer = make.report(t["z1"], 12, as_of=date(2026, 9, 30), status="submitted")
    assert states(period, today=DUE)[("zhejiang", t["z1"].code)] == Obligation.SUBMITTED
    newer.status = "approved"
    newer.reviewed_by, newer.reviewed_at, newer.source = (
        make.user(),
        newer.submitted_at,
        make.source(),
    )
    newer.save()
    assert states(period, today=DUE)[("zhejiang", t["z1"].code)] == Obligation.APPROVED


def test_another_members_report_does_not_meet_the_lead_members_obligation(region):
    period, t = region
    make.report(t["j1"], 5, as_of=date(2026, 9, 30), member=make.member("shanghai"))
    assert states(period, today=DUE)[("jiangsu", t["j1"].code)] == Obligation.DUE
    make.report(t["j1"], 7, as_of=date(2026, 9, 30), member=make.member("jiangsu"))
    assert states(period, today=DUE)[("jiangsu", t["j1"].code)] == Obligation.APPROVED


def test_a_member_sees_only_what_it_leads(region):
    period, t = region
    assert set(states(period, member=make.member("jiangsu"), today=DUE)) == {
        ("jiangsu", t["j1"].code),
        ("jiangsu", t["j2"].code),
    }
    # Shanghai only co-leads: it owes nothing.
    assert period.obligations(member=make.member("shanghai"), today=DUE) == []


def test_every_lead_of_an_item_owes_its_targets():
    task = make.task(lead="jiangsu")
    task.responsibilities.create(member=make.member("anhui"), role="lead")
    target = make.target(task)
    period = make.period(targets=[target])
    make.report(target, 3, as_of=date(2026, 9, 1), member=make.member("anhui"))
    assert states(period, today=DUE) == {
        ("jiangsu", target.code): Obligation.DUE,
        ("anhui", target.code): Obligation.APPROVED,
    }


def test_standing_counts_by_member_and_the_targets_reported(region):
    period, t = region
    make.report(t["j1"], 40, as_of=date(2026, 9, 30))
    make.report(t["z1"], 10, as_of=date(2026, 9, 30), status="returned")
    standing = period.standing(today=DUE + timedelta(days=1))
    rows = [(row.member.slug, row.approved, row.late, row.returned, row.total) for row in standing]
    assert rows == [("jiangsu", 1, 1, 0, 2), ("zhejiang", 0, 0, 1, 1)]
    assert (standing.total.approved, standing.total.total) == (1, 3)
    assert (standing.targets_approved, standing.targets) == (1, 3)


def test_current_and_latest_closed_period():
    plan = make.plan()
    q2 = make.period(plan, date(2026, 4, 1), date(2026, 6, 30), due=date(2026, 7, 15))
    q3 = make.period(plan, *Q3, due=DUE)
    objects = ReportingPeriod.objects
    assert objects.current(plan, today=date(2026, 5, 1)) == q2
    assert objects.current(plan, today=date(2026, 10, 1)) == q3  # ended, not yet due
    assert objects.current(plan, today=DUE + timedelta(days=1)) is None
    assert objects.latest_closed(plan, today=date(2026, 7, 15)) is None
    assert objects.latest_closed(plan, today=date(2026, 7, 16)) == q2
    assert objects.latest_closed(plan, today=date(2027, 1, 1)) == q3


def test_obligations_take_the_same_queries_whatever_the_number_of_targets(
    django_assert_num_queries,
):
    period = make.period()
    for lead in ("jiangsu", "zhejiang"):
        task = make.task(lead=lead)
        target = make.target(task)
        make.report(target, 1, as_of=date(2026, 9, 1))
        period.targets.add(target)

    def count():
        with django_assert_num_queries(6):  # three each
            return len(period.obligations(today=DUE)), len(list(period.standing(today=DUE)))

    assert count() == (2, 2)
    for lead in ("anhui", "shanghai", "jiangsu"):
        task = make.task(lead=lead, co=("zhejiang",))
        for _ in range(3):
            target = make.target(task)
            make.report(target, 2, as_of=date(2026, 8, 1), status="submitted")
            period.targets.add(target)
    assert count() == (11, 4)


def test_quarters_of_a_plan_each_due_days_after_their_end():
    plan = make.plan()
    periods = ReportingPeriod.objects.make_quarters(plan, due_after_days=20)
    assert len(periods) == 12
    assert [(p.name_en, p.start_date, p.end_date, p.due_date) for p in periods[:2]] == [
        ("Q1 2024", date(2024, 1, 1), date(2024, 3, 31), date(2024, 4, 20)),
        ("Q2 2024", date(2024, 4, 1), date(2024, 6, 30), date(2024, 7, 20)),
    ]
    assert periods[-1].name_zh == "2026年第四季度"
    assert periods[-1].due_date == date(2027, 1, 20)


def test_quarters_that_would_overlap_a_period_are_refused_and_none_is_made():
    plan = make.plan()
    make.period(plan, date(2025, 3, 1), date(2025, 4, 30), name_en="Spring 2025")
    with pytest.raises(ValidationError, match="Spring 2025"):
        ReportingPeriod.objects.make_quarters(plan)
    assert ReportingPeriod.objects.count() == 1


def test_a_period_overlapping_another_of_its_plan_is_refused():
    plan = make.plan()
    make.period(plan, *Q3, name_en="Q3 2026")
    clash = ReportingPeriod(
        plan=plan,
        name_en="Sep",
        start_date=date(2026, 9, 1),
        end_date=date(2026, 10, 31),
        due_date=date(2026, 11, 15),
    )
    with pytest.raises(ValidationError, match="overlaps Q3 2026"):
        clash.full_clean()
    other_plan = make.plan("gba-2024-2026")
    clash.plan = other_plan
    clash.full_clean()


def test_require_the_targets_that_have_a_target_value():
    task = make.task()
    valued = make.target(task, target_value=10)
    make.target(task, target_value=None)  # a monitored indicator
    make.target(task, measure="milestone")
    period = make.period()
    assert period.require_valued_targets() == 1
    assert list(period.targets.all()) == [valued]
    assert period.require_valued_targets() == 0


# The admin: the office sets periods, editors see theirs; the start pages.


def admin_url(view, *args):
    return reverse(f"admin:initiatives_reportingperiod_{view}", args=args)


def text_of(response):
    """The page's text, each element's apart."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def returned_and_late(region):
    """On the day after Q3's due date: Jiangsu has one report approved, one late; Zhejiang's
    came back with the reviewer's reason."""
    period, t = region
    make.report(t["j1"], 40, as_of=date(2026, 9, 30))
    make.report(
        t["z1"], 10, as_of=date(2026, 9, 30), status="returned", review_reason="Cite the plan."
    )
    return period, t


@override_settings(TRACKER_TODAY=DUE + timedelta(days=1))
def test_an_editors_start_page_says_what_is_late_and_what_came_back(client, returned_and_late):
    period, t = returned_and_late
    client.force_login(editor("jiangsu"))
    page = text_of(client.get(reverse("admin:index")))
    assert "What Jiangsu owes" in page and "Nothing is due." in page
    late = page.split("Late Reports of this and earlier periods")[1]
    assert t["j2"].code in late and t["j1"].code not in late
    assert "Cite the plan." not in page  # Zhejiang's report is not Jiangsu's business
    assert "Members' standing" not in page

    client.force_login(editor("zhejiang"))
    response = client.get(reverse("admin:index"))
    page = text_of(response)
    assert "Cite the plan." in page and "Nothing is late." in page
    returned = ProgressReport.objects.get(status="returned")
    assert reverse("admin:initiatives_progressreport_change", args=[returned.pk]) in (
        response.content.decode()
    )


@override_settings(TRACKER_TODAY=date(2026, 10, 5))
def test_an_editors_start_page_says_what_is_due_and_by_when(client, region):
    period, t = region
    client.force_login(editor("jiangsu"))
    page = text_of(client.get(reverse("admin:index")))
    due = page.split("What Jiangsu owes")[1].split("Came back")[0]
    assert t["j1"].code in due and t["j2"].code in due and "2026-10-15" in due
    assert "Nothing is late." in page


def test_the_offices_start_page_shows_every_members_standing_and_the_queue(
    client, returned_and_late
):
    period, t = returned_and_late
    make.report(t["j2"], 5, as_of=date(2026, 9, 1), status="submitted")
    client.force_login(reviewer("office-reviewer"))
    with override_settings(TRACKER_TODAY=date(2026, 9, 15)):
        response = client.get(reverse("admin:index"))
    page = text_of(response)
    assert "Members' standing in the current period" in page
    # member, due, submitted, approved, returned, late, owed
    assert "Jiangsu 0 1 1 0 0 2" in page and "Zhejiang 0 0 0 1 0 1" in page
    assert "All members 0 1 1 1 0 3" in page
    assert "One report or revision waits for review" in page
    assert '<th scope="col">Late</th>' in response.content.decode()
    # Still listed apps below.
    assert "Reporting periods" in page


def test_start_page_needs_staff(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_office_makes_the_quarters_of_a_plan_and_overlaps_are_refused(client):
    plan = make.plan()
    valued = make.target(make.task(), target_value=10)
    client.force_login(reviewer("office-reviewer"))
    data = {"plan": plan.pk, "due_after_days": 15, "require_valued": "on"}
    response = client.post(admin_url("quarters"), data)
    assert response.status_code == 302
    periods = ReportingPeriod.objects.in_plan(plan)
    assert periods.count() == 12
    assert list(periods.first().targets.all()) == [valued]
    response = client.post(admin_url("quarters"), data)
    assert response.status_code == 200
    assert "already has periods in these quarters: Q1 2024" in text_of(response)
    assert periods.count() == 12
    response = client.post(admin_url("quarters"), {**data, "due_after_days": "-3"})
    assert response.status_code == 200 and periods.count() == 12


def test_editors_see_their_plans_periods_and_cannot_set_them(client, region):
    period, t = region
    elsewhere = make.plan("gba-2024-2026", is_current=False)
    hidden = make.period(elsewhere, name_en="Elsewhere")
    client.force_login(editor("jiangsu"))
    listing = text_of(client.get(admin_url("changelist")))
    assert period.name_en in listing and "Elsewhere" not in listing
    assert "Make the quarterly periods" not in listing
    assert client.get(admin_url("change", hidden.pk)).status_code == 404
    assert client.get(admin_url("quarters")).status_code == 403
    assert client.get(admin_url("add")).status_code == 403
    response = client.post(admin_url("change", period.pk), {"name_en": "Mine now"})
    assert response.status_code == 403
    owed = text_of(client.get(admin_url("change", period.pk))).split("What is owed")[1]
    assert t["j1"].code in owed and t["z1"].code not in owed  # what Jiangsu owes, only


def test_the_office_sets_a_periods_targets_from_its_own_plan(client, region):
    period, t = region
    foreign = make.target(make.task(plan=make.plan("gba-2024-2026", is_current=False)))
    client.force_login(reviewer("office-reviewer"))
    data = {
        "plan": period.plan_id,
        "name_en": "Q3 2026",
        "name_zh": "",
        "start_date": "2026-07-01",
        "end_date": "2026-09-30",
        "due_date": "2026-10-15",
        "targets": [t["j1"].pk, foreign.pk],
    }
    response = client.post(admin_url("change", period.pk), data)
    assert response.status_code == 200  # the foreign target is no choice here
    assert set(period.targets.all()) == set(t.values())
    data["targets"] = [t["j1"].pk]
    assert client.post(admin_url("change", period.pk), data).status_code == 302
    assert list(period.targets.all()) == [t["j1"]]
    with override_settings(TRACKER_TODAY=DUE):
        owed = text_of(client.get(admin_url("change", period.pk))).split("What is owed")[1]
    assert "Jiangsu 1 0 0 0 0 1" in owed


def test_a_new_periods_targets_name_their_plan_where_rounds_share_codes(client, region):
    """A round carried over keeps its items' codes: on the add page, where the plan is not
    chosen yet, each target says whose it is."""
    period, t = region
    later = make.plan("yrd-2027-2029", is_current=False, start=2027)
    carried = make.target(make.task(plan=later, code=t["j1"].item.code), code=t["j1"].code)
    client.force_login(reviewer("office-reviewer"))
    page = client.get(admin_url("add")).content.decode()
    assert f'<option value="{t["j1"].pk}">YRD-2024-2026 · {t["j1"]}</option>' in page
    assert f'<option value="{carried.pk}">YRD-2027-2029 · {carried}</option>' in page
    page = client.get(admin_url("change", period.pk)).content.decode()
    assert f'<option value="{t["j1"].pk}" selected>{t["j1"]}</option>' in page  # one plan


def test_the_action_requires_every_target_with_a_target_value(client, region):
    period, t = region
    period.targets.clear()
    client.force_login(reviewer("office-reviewer"))
    response = client.post(
        admin_url("changelist"),
        {"action": "require_valued_targets", "_selected_action": [period.pk]},
        follow=True,
    )
    assert "3 targets are now required." in text_of(response)
    assert period.targets.count() == 3


# Public: the overview's standing, the item page, /api/periods/.


def test_the_overview_shows_the_latest_closed_periods_standing(client, returned_and_late):
    period, t = returned_and_late
    with override_settings(TRACKER_TODAY=DUE):
        assert "Reporting in" not in text_of(client.get(reverse("initiatives:dashboard")))
    with override_settings(TRACKER_TODAY=DUE + timedelta(days=1)):
        page = text_of(client.get(reverse("initiatives:dashboard")))
    assert (
        f"{period.name}: 1 of 3 required targets reported, counting the reports dated "
        "2026-07-01 to 2026-09-30 and approved by the office" in page
    )
    assert "Jiangsu 2 1" in page and "Zhejiang 1 0" in page


@override_settings(TRACKER_TODAY=DUE + timedelta(days=1))
def test_an_item_page_says_whether_its_targets_latest_period_report_is_in(client, region):
    period, t = region
    make.report(t["j1"], 40, as_of=date(2026, 9, 30))
    make.report(t["j2"], 40, as_of=date(2026, 10, 1))  # the next quarter's
    page = text_of(client.get(t["j1"].item.get_absolute_url()))
    assert f"{period.name} (due 2026-10-15): report in, approved, as of 2026-09-30" in page
    assert f"{period.name} (due 2026-10-15): report not in" in page


def test_api_lists_the_periods_with_each_members_standing(
    client, returned_and_late, django_assert_max_num_queries
):
    period, t = returned_and_late
    make.period(period.plan, date(2026, 10, 1), date(2026, 12, 31), targets=[t["j1"]])
    with override_settings(TRACKER_TODAY=DUE + timedelta(days=1)):
        with django_assert_max_num_queries(8):
            data = client.get("/api/periods/", {"plan": period.plan.slug}).json()
    assert data["count"] == 2
    q3 = data["results"][0]
    assert (q3["due_date"], q3["closed"], q3["targets"], q3["targets_reported"]) == (
        "2026-10-15",
        True,
        3,
        1,
    )
    assert q3["members"] == [
        {
            "member": "jiangsu",
            "owed": 2,
            "due": 0,
            "submitted": 0,
            "approved": 1,
            "returned": 0,
            "late": 1,
        },
        {
            "member": "zhejiang",
            "owed": 1,
            "due": 0,
            "submitted": 0,
            "approved": 0,
            "returned": 1,
            "late": 0,
        },
    ]
    assert data["results"][1]["members"][0]["due"] == 1
    assert client.get("/api/periods/", {"plan": "nowhere"}).status_code == 404
    assert client.get("/api/periods/", {"page": "x"}).status_code == 404
    assert "periods" in client.get("/api/").json()


def add_owed(period, lead, targets=2):
    task = make.task(lead=lead, co=("anhui",))
    for _ in range(targets):
        target = make.target(task)
        make.report(target, 1, as_of=date(2026, 9, 1), status="returned")
        period.targets.add(target)


@override_settings(TRACKER_TODAY=DUE + timedelta(days=1))
def test_the_start_pages_and_the_api_take_the_same_queries_as_data_grows(client, region):
    period, t = region
    later = make.period(period.plan, date(2026, 10, 1), date(2026, 12, 31))
    add_owed(later, "zhejiang", targets=1)  # a period requiring nothing takes fewer queries
    pages = {
        "jiangsu": (editor("jiangsu"), reverse("admin:index")),
        "office": (reviewer("office-reviewer"), reverse("admin:index")),
        "api": (None, f"/api/periods/?plan={period.plan.slug}"),
        "overview": (None, reverse("initiatives:dashboard")),
        "item": (None, t["j1"].item.get_absolute_url()),
    }

    def counts():
        found = {}
        for name, (user, url) in pages.items():
            client.logout()
            settle_page_cache(client)
            if user is not None:
                client.force_login(user)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found[name] = len(queries)
        return found

    small = counts()
    for lead in ("jiangsu", "zhejiang", "shanghai"):
        add_owed(period, lead)
        add_owed(later, lead, targets=3)
    assert counts() == small


@pytest.mark.parametrize("key", [str(2**63), "word", "-1"])
def test_a_period_address_naming_no_possible_period_is_a_404(client, key):
    client.force_login(reviewer("office-reviewer"))
    assert client.get(admin_url("change", key)).status_code == 404
    response = client.post(admin_url("quarters"), {"plan": key, "due_after_days": "15"})
    assert response.status_code == 200 and "Select a valid choice" in text_of(response)


def test_an_editors_start_page_lists_its_returned_revisions_with_the_reason(client):
    task = make.task(lead="jiangsu")
    returned = make.revision(
        task,
        {"due_date": ("2026-12-31", "2027-06-30")},
        status="returned",
        review_reason="The members have not agreed to the new date.",
    )
    client.force_login(editor("jiangsu"))
    response = client.get(reverse("admin:index"))
    assert "The members have not agreed to the new date." in text_of(response)
    link = reverse("admin:initiatives_revision_change", args=[returned.pk])
    assert link in response.content.decode()
    client.force_login(editor("zhejiang"))
    assert "have not agreed" not in text_of(client.get(reverse("admin:index")))
