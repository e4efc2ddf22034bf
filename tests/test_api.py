"""The read-only JSON API for open-data users."""

from datetime import date

import pytest

from initiatives.models import Plan, PlanItem, ProgressReport, ReviewState, Target, Task
from tests.shared import API_LISTS
from tests.site_data import UNAPPROVED, build_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(db):
    return build_site()


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def by_code(rows):
    return {row["code"]: row for row in rows}


def test_index_names_every_endpoint(client, site):
    data = get(client, "/api/")
    assert set(data) == API_LISTS
    assert data["targets"] == "http://testserver/api/targets/"


def test_initiatives_with_derived_figures(client, site):
    data = get(client, "/api/initiatives/")
    assert data["count"] == 1 and data["page"] == 1 and data["next"] is None
    item = by_code(data["results"])["I-02"]
    assert item["title_en"] == "Public EV charging piles"
    assert item["title_zh"] == "新增公共充电桩"
    assert item["url"] == "http://testserver/initiatives/I-02/"
    assert item["lead_members"] == ["jiangsu"] and item["co_members"] == ["anhui"]
    assert item["focus_area"] == "area-2"
    assert item["status"] == "on_track"
    assert item["sources"] == ["yrd-2024-12-04"]
    assert item["schedule"] in {"overdue", "behind", "on_schedule", "ahead", None}
    assert 0 <= item["progress"] <= 100
    assert item["last_reported"] == "2024-11-30"


def test_tasks_say_what_they_support(client, site):
    tasks = by_code(get(client, "/api/tasks/")["results"])
    assert tasks["T-101"]["initiative"] == "I-02" and tasks["T-101"]["project"] is None
    assert tasks["T-102"]["project"] == "P-07"
    assert tasks["T-102"]["schedule"] == "overdue"
    assert tasks["T-102"]["is_illustrative"] is True


def test_item_lists_take_the_table_filters(client, site):
    build_site(3, first=False)
    data = get(client, "/api/tasks/", member="zhejiang", status="delayed")
    assert data["count"] == Task.objects.filter(status="delayed").count() == 4
    assert get(client, "/api/tasks/", q="换电站")["count"] == 4


def test_targets_show_latest_approved_value_against_target(client, site):
    targets = by_code(get(client, "/api/targets/")["results"])
    piles = targets["I-02.1"]
    assert piles["baseline_value"] == 530000 and piles["target_value"] == 600000
    assert piles["latest_value"] == 590000 and piles["latest_as_of"] == "2024-09-30"
    assert piles["exceeded"] is False and piles["is_headline"] is True
    assert piles["revisions"][0]["reason"] == "Raised after the forum in Wenzhou."
    ratio = targets["I-02.2"]
    assert ratio["direction"] == "lower"
    assert ratio["latest_value"] == 1.55 and ratio["target_value"] == 1.9
    assert ratio["exceeded"] is True and ratio["progress"] == 100


def test_reports_are_approved_only(client, site):
    data = get(client, "/api/reports/")
    assert data["count"] == ProgressReport.objects.filter(status=ReviewState.APPROVED).count()
    assert data["count"] < ProgressReport.objects.count()
    values = {row["value"] for row in data["results"]}
    assert not values & set(UNAPPROVED.values())
    breakdown = [row for row in data["results"] if row["member"] == "jiangsu"]
    assert breakdown[0]["value"] == 150000 and breakdown[0]["target"] == "I-02.1"


def test_reports_filter_by_member(client, site):
    data = get(client, "/api/reports/", member="jiangsu")
    assert [row["value"] for row in data["results"]] == [150000]


def test_pages(client, site):
    build_site(40, first=False)  # 41 copies of two tasks: 82 tasks, 246 reports
    first = get(client, "/api/reports/")
    assert first["count"] == 41 * 6 and first["pages"] == 3 and len(first["results"]) == 100
    assert first["next"] == "http://testserver/api/reports/?page=2"
    last = get(client, "/api/reports/", page=3)
    assert len(last["results"]) == 46 and last["next"] is None
    assert last["previous"] == "http://testserver/api/reports/?page=2"
    ids = {row["id"] for row in first["results"]} | {row["id"] for row in last["results"]}
    assert len(ids) == 146


@pytest.mark.parametrize("page", ["0", "99", "abc", "-1"])
def test_a_page_that_does_not_exist_is_404(client, site, page):
    assert client.get("/api/tasks/", {"page": page}).status_code == 404


def test_read_only(client, site):
    assert client.post("/api/tasks/", {}).status_code == 405
    assert client.delete("/api/reports/").status_code == 405


OTHER = "other-2027-2029"
CURRENT = "yrd-2024-2026"


@pytest.fixture
def two_plans(site, make):
    """The small plan again, under the same codes, in a second plan with a report of its own."""
    other = make.plan(OTHER, start=2027)
    build_site(plan=other)
    for item in PlanItem.objects.filter(plan=other):
        item.title_en = f"Later {item.title_en}"
        item.save()
    make.report(
        Target.objects.get(item__plan=other, code="I-02.1"), 777777, as_of=date(2025, 3, 31)
    )
    return other


class TestTwoPlans:
    def test_plans_are_listed(self, client, two_plans):
        data = get(client, "/api/plans/")
        assert data["count"] == 2
        plans = {row["slug"]: row for row in data["results"]}
        assert plans[CURRENT]["is_current"] and not plans[OTHER]["is_current"]
        assert plans[CURRENT]["url"] == "http://testserver/"
        assert plans[OTHER]["url"] == f"http://testserver/plans/{OTHER}/"
        assert plans[OTHER]["start_date"] == "2027-01-01"
        assert plans[OTHER]["end_date"] == "2029-12-31"
        assert plans[OTHER]["name_en"] == f"Plan {OTHER}"
        assert plans[OTHER]["name_zh"] == f"规划 {OTHER}"
        assert plans[OTHER]["short_name_en"] == OTHER.upper()

    @pytest.mark.parametrize("name", ["initiatives", "projects", "tasks", "targets", "reports"])
    def test_each_list_is_of_one_plan_and_names_it(self, client, two_plans, name):
        default = get(client, f"/api/{name}/")
        current = get(client, f"/api/{name}/", plan=CURRENT)
        other = get(client, f"/api/{name}/", plan=OTHER)
        assert default == current
        assert current["count"] == other["count"] - (name == "reports") > 0
        assert {row["plan"] for row in current["results"]} == {CURRENT}
        assert {row["plan"] for row in other["results"]} == {OTHER}

    def test_items_of_the_other_plan(self, client, two_plans):
        tasks = by_code(get(client, "/api/tasks/", plan=OTHER)["results"])
        assert set(tasks) == {"T-101", "T-102"}
        assert tasks["T-101"]["title_en"] == "Later Build charging piles along expressways"
        assert tasks["T-101"]["url"] == f"http://testserver/plans/{OTHER}/tasks/T-101/"
        assert tasks["T-101"]["initiative"] == "I-02"
        current = by_code(get(client, "/api/tasks/")["results"])
        assert current["T-101"]["title_en"] == "Build charging piles along expressways"

    def test_targets_and_reports_of_the_other_plan(self, client, two_plans):
        piles = by_code(get(client, "/api/targets/", plan=OTHER)["results"])["I-02.1"]
        assert piles["latest_value"] == 777777 and piles["item"] == "I-02"
        assert piles["url"] == f"http://testserver/plans/{OTHER}/initiatives/I-02/#target-I-02.1"
        current = by_code(get(client, "/api/targets/")["results"])["I-02.1"]
        assert current["latest_value"] == 590000
        values = {row["value"] for row in get(client, "/api/reports/", plan=OTHER)["results"]}
        assert 777777 in values
        assert 777777 not in {row["value"] for row in get(client, "/api/reports/")["results"]}

    def test_filters_apply_within_the_plan(self, client, two_plans):
        assert get(client, "/api/tasks/", plan=OTHER, status="delayed")["count"] == 1
        assert get(client, "/api/reports/", plan=OTHER, member="jiangsu")["count"] == 1

    @pytest.mark.parametrize("name", ["initiatives", "projects", "tasks", "targets", "reports"])
    def test_an_unknown_plan_is_a_404_in_json(self, client, two_plans, name):
        response = client.get(f"/api/{name}/", {"plan": "nowhere"})
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert "nowhere" in response.json()["error"]

    def test_the_next_page_keeps_the_plan(self, client, two_plans):
        build_site(40, first=False, plan=two_plans)
        first = get(client, "/api/reports/", plan=OTHER)
        assert first["next"] == f"http://testserver/api/reports/?plan={OTHER}&page=2"
        assert {row["plan"] for row in get(client, first["next"])["results"]} == {OTHER}


@pytest.fixture
def on_day(monkeypatch):
    """Fix "today" (django.utils.timezone.localdate, which every figure reads) for a test."""

    def fix(day):
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)
        return day

    return fix


def task_in_2025(make, code, percent=None, as_of=date(2025, 6, 30), **fields):
    task = make.task(code=code, start_date=date(2025, 1, 1), due_date=date(2025, 12, 31), **fields)
    target = make.target(task, code=f"{code}.1", target_value=100, target_date=date(2025, 12, 31))
    if percent is not None:
        make.report(target, value=percent, as_of=as_of)
    return task


class TestSilenceStalenessAndContradictions:
    """On 2025-07-01, half of 2025 has passed; TRACKER_STALE_AFTER_DAYS is 183."""

    @pytest.fixture
    def plan(self, site, make, on_day, settings):
        settings.TRACKER_STALE_AFTER_DAYS = 183
        on_day(date(2025, 7, 1))
        task_in_2025(make, "T-600")  # never reported: behind by now
        task_in_2025(make, "T-601", 10, status="on_track")  # behind, says on track
        task_in_2025(make, "T-602", 55, as_of=date(2024, 12, 1))  # on schedule, figure old

    def test_items_say_no_report_yet_and_behind(self, client, plan):
        tasks = by_code(get(client, "/api/tasks/")["results"])
        assert (tasks["T-600"]["schedule"], tasks["T-600"]["no_report"]) == ("behind", True)
        assert tasks["T-600"]["last_reported"] is None and tasks["T-600"]["stale"] is False
        assert tasks["T-601"]["no_report"] is False
        filtered = get(client, "/api/tasks/", schedule="no_report")["results"]
        assert [row["code"] for row in filtered] == ["T-102", "T-600"]

    def test_targets_say_no_report_yet_and_behind(self, client, plan):
        targets = by_code(get(client, "/api/targets/")["results"])
        assert targets["T-600.1"]["schedule"] == "behind"
        assert targets["T-600.1"]["no_report"] is True
        assert targets["T-601.1"]["schedule"] == "behind"
        assert (targets["T-602.1"]["schedule"], targets["T-602.1"]["no_report"]) == (
            "on_schedule",
            False,
        )
        silent = get(client, "/api/targets/", schedule="no_report")["results"]
        assert [row["code"] for row in silent] == ["T-102.1", "T-600.1"]

    def test_stale_figures_flagged_and_filtered(self, client, plan):
        tasks = by_code(get(client, "/api/tasks/")["results"])
        assert (tasks["T-602"]["stale"], tasks["T-602"]["last_reported"]) == (True, "2024-12-01")
        assert tasks["T-601"]["stale"] is False
        stale = get(client, "/api/tasks/", stale="1")["results"]
        assert [row["code"] for row in stale] == ["T-101", "T-602"]  # T-101: 2024-09-30
        targets = by_code(get(client, "/api/targets/", stale="1")["results"])
        assert set(targets) == {"I-02.1", "I-02.2", "P-07.1", "T-101.1", "T-602.1"}
        assert targets["I-02.1"]["latest_as_of"] == "2024-09-30" and targets["I-02.1"]["stale"]
        assert client.get("/api/tasks/", {"stale": "2"}).status_code == 400  # names nothing

    def test_a_contradiction_in_words(self, client, plan):
        tasks = by_code(get(client, "/api/tasks/")["results"])
        assert tasks["T-601"]["status_disagrees"] is True
        assert tasks["T-601"]["disagreement"] == "behind"
        assert tasks["T-601"]["disagreement_en"] == (
            "The status says “On track”, but the approved figures put it behind schedule."
        )
        assert tasks["T-601"]["disagreement_zh"] and "“" in tasks["T-601"]["disagreement_zh"]
        agreeing = tasks["T-602"]
        assert (agreeing["status_disagrees"], agreeing["disagreement"]) == (False, None)
        filtered = get(client, "/api/tasks/", disagrees="1")["results"]
        assert "T-601" in [row["code"] for row in filtered]
        assert "T-602" not in [row["code"] for row in filtered]


class TestErrorsInOneShape:
    def test_a_page_past_the_end(self, client, site):
        response = client.get("/api/tasks/", {"page": 99})
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        body = response.json()
        assert set(body) == {"error", "status", "code"}
        assert (body["status"], body["code"]) == (404, "not_found") and body["error"]

    def test_an_unknown_plan(self, client, site):
        body = client.get("/api/targets/", {"plan": "nowhere"}).json()
        assert (body["status"], body["code"]) == (404, "not_found")
        assert "nowhere" in body["error"]

    def test_an_address_that_is_no_list(self, client, site):
        response = client.get("/api/nothing-here/")
        assert response.status_code == 404 and response.json()["code"] == "not_found"

    def test_a_method_the_api_does_not_take(self, client, site):
        response = client.post("/api/tasks/", {})
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD, OPTIONS"
        assert response.json() == {
            "error": 'Method "POST" not allowed.',
            "status": 405,
            "code": "method_not_allowed",
        }

    def test_a_day_the_plan_cannot_be_shown_as_of(self, client, site):
        response = client.get("/api/tasks/", {"as_of": "2024-02-30"})
        assert response.status_code == 400
        body = response.json()
        assert (body["status"], body["code"]) == (400, "bad_request")
        assert "2024-02-30" in body["error"]

    @pytest.mark.parametrize(
        "url,parameter,message",
        [
            ("/api/tasks/?member=nowhere", "member", "That choice is not one of the available"),
            ("/api/tasks/?status=bogus", "status", "bogus is not one of the available choices"),
            ("/api/tasks/?schedule=bogus", "schedule", "bogus is not one of the available"),
            ("/api/targets/?schedule=late", "schedule", "late is not one of the available"),
            ("/api/initiatives/?area=area-9", "area", "That choice is not one of the available"),
            ("/api/reports/?source=zzz", "source", "That choice is not one of the available"),
        ],
    )
    def test_a_filter_value_that_names_nothing(self, client, site, url, parameter, message):
        response = client.get(url)
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        body = response.json()
        assert (body["status"], body["code"], body["error"]) == (
            400,
            "invalid_choice",
            "Invalid input.",
        )
        assert list(body["parameters"]) == [parameter]
        assert message in body["parameters"][parameter][0]

    def test_each_bad_filter_is_named(self, client, site):
        response = client.get(
            "/api/tasks/", {"member": "nowhere", "status": "bogus", "schedule": "overdue"}
        )
        assert response.status_code == 400
        assert set(response.json()["parameters"]) == {"member", "status"}

    def test_the_public_tables_still_show_no_row_for_such_a_value(self, client, site):
        response = client.get("/tasks/", {"status": "bogus", "member": "nowhere"})
        assert response.status_code == 200
        assert "T-101" not in response.content.decode()

    def test_a_nul_character(self, client, site):
        response = client.get("/api/tasks/", {"q": "a\x00b"})
        assert response.status_code == 400
        assert response.json()["status"] == 400


def test_too_many_requests_are_told_when_to_come_back(client, site, settings):
    settings.API_RATE = "2/minute"
    settings.PAGE_CACHE = False  # a cached answer is not counted
    assert client.get("/api/plans/").status_code == 200
    assert client.get("/api/plans/").status_code == 200
    response = client.get("/api/plans/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert response.json()["code"] == "throttled"
    # Counted per address: another client is answered.
    assert client.get("/api/plans/", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_the_limit_counts_the_address_the_proxies_saw(client, site, settings):
    settings.API_RATE = "1/minute"
    settings.PAGE_CACHE = False
    settings.PROXY_COUNT = 1
    first = {"HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    assert client.get("/api/plans/", **first).status_code == 200
    assert client.get("/api/plans/", **first).status_code == 429
    other = {"HTTP_X_FORWARDED_FOR": "198.51.100.2"}
    assert client.get("/api/plans/", **other).status_code == 200


class TestReadableFromOtherSites:
    def test_a_get(self, client, site):
        response = client.get("/api/tasks/", HTTP_ORIGIN="https://example.org")
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in response

    def test_a_preflight_allows_reading_only(self, client, site):
        response = client.options(
            "/api/tasks/",
            HTTP_ORIGIN="https://example.org",
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        )
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == "*"
        assert set(response["Access-Control-Allow-Methods"].split(", ")) == {
            "GET",
            "HEAD",
            "OPTIONS",
        }

    def test_not_the_pages(self, client, site):
        response = client.get("/tasks/", HTTP_ORIGIN="https://example.org")
        assert "Access-Control-Allow-Origin" not in response


def test_a_repeat_request_is_answered_304(client, site, django_assert_num_queries):
    first = client.get("/api/tasks/", {"status": "on_track"})
    assert first.status_code == 200 and first["ETag"]
    with django_assert_num_queries(0):
        again = client.get("/api/tasks/", {"status": "on_track"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    other = client.get("/api/tasks/", {"status": "delayed"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert other.status_code == 200 and other["ETag"] != first["ETag"]


def test_a_write_changes_the_etag(client, site):
    first = client.get("/api/plans/")
    plan = Plan.objects.get()
    plan.name_en = "Renamed"
    plan.save()
    again = client.get("/api/plans/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again.json()["results"][0]["name_en"] == "Renamed"


class TestNewLists:
    def test_status_changes(self, client, site):
        rows = get(client, "/api/status-changes/")["results"]
        assert rows and {row["plan"] for row in rows} == {CURRENT}
        assert rows == sorted(rows, key=lambda row: row["changed_at"], reverse=True)
        assert {"item", "old_status", "new_status", "reason", "changed_at"} <= set(rows[0])

    def test_members_areas_and_sources(self, client, site):
        members = [row["slug"] for row in get(client, "/api/members/")["results"]]
        assert {"jiangsu", "anhui"} <= set(members)
        areas = get(client, "/api/areas/")["results"]
        assert [row["number"] for row in areas] == sorted(row["number"] for row in areas)
        assert areas[0]["url"].startswith("http://testserver/areas/")
        sources = get(client, "/api/sources/")["results"]
        assert sources[0]["key"] == "yrd-2024-12-04"
