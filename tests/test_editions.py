"""Editions: the plan as the office published it on a date, fixed, and what changed since.

A small plan, built by hand, with figures worked out below:

- task A (2024-01-01 to 2026-12-31), one target from 0 to 100: 40 as of 2024-06-30 (approved
  2024-07-05), 60 as of 2024-11-30 (approved 2024-12-10, after the first edition), 80 as of
  2025-05-31 (approved 2025-06-05, after the second);
- task B, the same dates and target: 20 as of 2024-09-30 (approved 2024-10-05), corrected to 25
  on 2025-01-10;
- a revision of A's target from 120 to 100, approved on 2025-02-01: until then, A's 40 is a
  third of the way (33.3%).

Editions: "briefing" as of 2024-12-04, "spring" as of 2025-03-31. Today is 2025-06-30.
"""

import csv
import io
import json
import re
from datetime import date, datetime, time
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from initiatives.caching import page_cache
from initiatives.models import Edition, Outcome, PlanItem, Schedule
from tests import factories, staff

pytestmark = pytest.mark.django_db
CHINA = ZoneInfo("Asia/Shanghai")
TODAY = date(2025, 6, 30)


@pytest.fixture(autouse=True)
def today(settings):
    settings.TRACKER_TODAY = TODAY


def at(day, hour=15):
    return datetime.combine(day, time(hour), CHINA)


def approved(target, value, as_of, on, **fields):
    return factories.report(target, value, as_of=as_of, reviewed_at=at(on), **fields)


def edition(slug, as_of, plan=None, published=True, **fields):
    return Edition.objects.create(
        plan=plan or factories.plan(),
        slug=slug,
        title_en=fields.pop("title_en", f"Edition {slug}"),
        title_zh=fields.pop("title_zh", f"版本 {slug}"),
        as_of=as_of,
        published_at=at(as_of, 18) if published else None,
        **fields,
    )


class Plan:
    def __init__(self):
        self.a = factories.task(code="T-001", title_en="Task A", title_zh="任务甲", lead="jiangsu")
        self.b = factories.task(code="T-002", title_en="Task B", lead="zhejiang", co=("anhui",))
        self.a_target = factories.target(self.a, code="T-001.1", target_value=100)
        self.b_target = factories.target(self.b, code="T-002.1", target_value=100)
        approved(self.a_target, 40, date(2024, 6, 30), date(2024, 7, 5))
        self.a_late = approved(self.a_target, 60, date(2024, 11, 30), date(2024, 12, 10))
        approved(self.a_target, 80, date(2025, 5, 31), date(2025, 6, 5))
        self.b_first = approved(self.b_target, 20, date(2024, 9, 30), date(2024, 10, 5))
        self.b_fix = approved(
            self.b_target,
            25,
            date(2024, 9, 30),
            date(2025, 1, 10),
            supersedes=self.b_first,
            correction_reason="A typing error.",
        )
        self.revision = factories.revision(
            self.a_target,
            {"target_value": ("120", "100")},
            reviewed_at=at(date(2025, 2, 1)),
        )
        self.briefing = edition(
            "briefing", date(2024, 12, 4), source=factories.source("yrd-2024-12-04")
        )
        self.spring = edition("spring", date(2025, 3, 31), is_illustrative=True)


@pytest.fixture
def plan():
    return Plan()


def progress_of(rows):
    return {row.code: row.progress for row in rows}


def figures(edition):
    return progress_of(edition.rows(("code", "progress")))


# The figures of an edition


def test_an_edition_shows_the_figures_approved_by_its_date(plan):
    assert figures(plan.briefing) == {"T-001": pytest.approx(100 / 3), "T-002": 20}
    assert figures(plan.spring) == {"T-001": 60, "T-002": 25}


def test_an_edition_stays_the_same_after_later_reports_and_corrections(plan):
    before = figures(plan.briefing)
    now = timezone.now()
    approved(plan.a_target, 95, date(2024, 12, 1), TODAY)  # dated before, approved after
    factories.report(
        plan.b_target,
        30,
        as_of=date(2024, 9, 30),
        reviewed_at=now,
        supersedes=plan.b_fix,
        correction_reason="Another error.",
    )
    assert figures(plan.briefing) == before == {"T-001": pytest.approx(100 / 3), "T-002": 20}
    assert progress_of(PlanItem.objects.in_plan(plan.a.plan).with_progress()) == {
        "T-001": 80,  # the latest by date, whatever the day it was approved
        "T-002": 30,
    }


# Publishing


def test_publish_stamps_the_edition_and_writes_the_audit_entry(
    plan, django_capture_on_commit_callbacks, caplog
):
    office = staff.reviewer("chief")
    draft = edition("draft", date(2025, 5, 1), published=False)
    with django_capture_on_commit_callbacks(execute=True):
        draft.publish(office)
    draft.refresh_from_db()
    assert draft.is_published and draft.published_by == office
    assert [r.getMessage() for r in caplog.records if r.name == "tracker.audit"] == [
        "edition_published"
    ]
    with pytest.raises(ValidationError, match="already published"):
        draft.publish(office)


def test_a_published_edition_keeps_its_date_and_plan(plan):
    plan.briefing.as_of = date(2024, 12, 5)
    with pytest.raises(ValidationError) as refused:
        plan.briefing.full_clean()
    assert "as_of" in refused.value.error_dict
    plan.briefing.as_of = date(2024, 12, 4)
    plan.briefing.plan = factories.plan("other-plan", start=2021)
    with pytest.raises(ValidationError) as refused:
        plan.briefing.full_clean()
    assert "plan" in refused.value.error_dict
    # and the database refuses what a form would
    with pytest.raises(IntegrityError), transaction.atomic():
        Edition.objects.filter(pk=plan.briefing.pk).update(as_of=date(2024, 12, 5))
    draft = edition("draft", date(2025, 5, 1), published=False)
    Edition.objects.filter(pk=draft.pk).update(as_of=date(2025, 5, 2))  # a draft may move


def test_an_edition_is_not_dated_in_the_future_nor_before_its_plan(plan):
    for day in (date(2025, 7, 1), date(2023, 12, 31)):
        draft = Edition(plan=plan.a.plan, slug="x", title_en="X", as_of=day)
        with pytest.raises(ValidationError) as refused:
            draft.full_clean()
        assert "as_of" in refused.value.error_dict


def test_office_reviewers_publish_in_the_admin_and_member_editors_see_no_editions(client, plan):
    draft = edition("draft", date(2025, 5, 1), published=False)
    client.force_login(staff.editor("jiangsu"))
    assert client.get("/admin/initiatives/edition/").status_code == 403
    client.logout()
    client.force_login(staff.reviewer("chief"))
    assert client.get("/admin/initiatives/edition/").status_code == 200
    response = client.post(
        "/admin/initiatives/edition/",
        {"action": "publish_editions", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "1 edition published." in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_published
    page = client.get(f"/admin/initiatives/edition/{draft.pk}/change/").content.decode()
    assert 'name="as_of"' not in page  # fixed once published


def test_save_and_publish_from_the_edition_page(client, plan):
    draft = edition("draft", date(2025, 5, 1), published=False, source=plan.briefing.source)
    url = f"/admin/initiatives/edition/{draft.pk}/change/"
    client.force_login(staff.editor("jiangsu"))
    assert client.get(url).status_code == 403
    client.logout()
    client.force_login(staff.reviewer("chief"))
    assert "Save and publish" in client.get(url).content.decode()
    form = {
        "plan": draft.plan_id,
        "slug": "draft",
        "title_en": "May figures",
        "title_zh": "",
        "description_en": "",
        "description_zh": "",
        "as_of": "2025-05-01",
        "source": draft.source_id,
        "_publish": "Save and publish",
    }
    response = client.post(url, form, follow=True)
    assert "“May figures” is published." in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_published and draft.title_en == "May figures"
    assert draft.published_by.username == "chief"
    page = client.get(url).content.decode()
    assert "Save and publish" not in page
    assert client.get(f"/admin/initiatives/edition/{draft.pk}/delete/").status_code == 403


# The public pages


def test_the_list_shows_the_published_editions(client, plan):
    edition("draft", date(2025, 5, 1), published=False)
    html = client.get("/editions/").content.decode()
    assert "Edition briefing" in html and "Edition spring" in html
    assert "Edition draft" not in html
    assert html.index("Edition spring") < html.index("Edition briefing")  # newest first
    assert "Yangtze River Delta Regional Cooperation Office" in html or "Office" in html


def test_an_edition_page_shows_its_date_counts_and_links(client, plan):
    html = client.get("/editions/briefing/").content.decode()
    assert "Edition briefing" in html and "2024-12-04" in html
    assert 'href="/?as_of=2024-12-04"' in html
    assert 'href="/tasks/?as_of=2024-12-04"' in html
    assert 'href="/editions/briefing/changes/"' in html
    assert client.get("/tasks/?as_of=2024-12-04").status_code == 200  # the page it links to
    assert "Press release" in html  # its source
    # On 2024-12-04 A (40%) is on schedule and B (20%) behind: both tasks on track.
    assert "<td>2</td>" in html
    spring = client.get("/editions/spring/").content.decode()
    assert "Illustrative demo content" in spring


def test_unknown_and_draft_editions_are_404(client, plan):
    edition("draft", date(2025, 5, 1), published=False)
    for url in ("/editions/nope/", "/editions/draft/", "/editions/briefing/changes/nope/"):
        assert client.get(url).status_code == 404, url


def test_the_pages_work_under_the_plan_prefix(client, plan):
    assert client.get("/plans/yrd-2024-2026/editions/briefing/").status_code == 200
    assert client.get("/zh-hans/editions/briefing/changes/spring/").status_code == 200


# What changed


def test_the_difference_of_two_editions_by_hand(plan):
    changes = plan.briefing.changes(plan.spring)
    (a, b) = changes.items
    assert (a.item.code, a.before["progress"], a.after["progress"]) == ("T-001", 33.3, 60)
    # A: 33.3% on 2024-12-04 against 30.9% of its time elapsed, on schedule; 60% on 2025-03-31
    # against 41.6%, ahead (more than 10 points).
    assert (a.before["schedule"], a.after["schedule"]) == (Schedule.ON_SCHEDULE, Schedule.AHEAD)
    assert a.changed == ("progress", "schedule")
    # B: 20% then 25% (the correction), behind either day (30.9% and 41.6% elapsed).
    assert (b.item.code, b.changed, b.before["progress"], b.after["progress"]) == (
        "T-002",
        ("progress",),
        20,
        25,
    )
    assert [(r.report, r.is_correction) for r in changes.reports] == [
        (plan.a_late, False),
        (plan.b_fix, True),
    ]
    assert [r.revision for r in changes.revisions] == [plan.revision]
    # the same whichever way round it is asked
    assert plan.spring.changes(plan.briefing).items == changes.items


def test_the_difference_to_today_counts_what_was_approved_since(plan):
    changes = plan.spring.changes()
    assert [(c.item.code, c.before["progress"], c.after["progress"]) for c in changes.items] == [
        ("T-001", 60, 80)
    ]
    assert [r.report.value for r in changes.reports] == [80]
    assert changes.revisions == []


def test_the_difference_filters_by_area_and_member(plan):
    changes = plan.briefing.changes(plan.spring)
    assert [c.item.code for c in changes.filtered(member="jiangsu").items] == ["T-001"]
    assert [c.item.code for c in changes.filtered(member="anhui").items] == ["T-002"]  # co-leads
    assert len(changes.filtered(area="area-9")) == 0
    assert len(changes.filtered(area="area-1")) == len(changes) == 5


def test_an_edition_after_the_close_gives_each_item_its_outcome(client):
    closed = factories.plan("closed-round", start=2021)  # 2021-2023, closed by today
    task = factories.task(plan=closed, code="T-001", start_date=date(2021, 1, 1))
    task.due_date = date(2023, 12, 31)
    task.save()
    target = factories.target(task, code="T-001.1", target_value=100)
    approved(target, 60, date(2023, 3, 31), date(2023, 4, 3))
    approved(target, 100, date(2023, 11, 30), date(2023, 12, 5))
    spring = edition("spring", date(2023, 6, 30), plan=closed)
    after = edition("after", date(2024, 1, 15), plan=closed)
    (change,) = spring.changes(after).items
    assert change.before["outcome"] is None and change.after["outcome"] == Outcome.ACHIEVED
    assert change.after["schedule"] is None  # a closed round has outcomes, not a schedule
    assert (change.before["progress"], change.after["progress"]) == (60, 100)
    html = client.get("/plans/closed-round/editions/spring/changes/after/").content.decode()
    assert "Achieved" in html
    # The schedule the round had is not "unknown" once it closed: it has none.
    row = re.search(r"<td>Schedule</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", html, re.S)
    assert "schedule-" in row[1] and row[2] == "—"
    assert "Unknown" not in html
    page = client.get("/plans/closed-round/editions/after/").content.decode()
    assert "Items by outcome at the close" in page


def test_the_changes_page(client, plan):
    html = client.get("/editions/briefing/changes/spring/").content.decode()
    assert "What changed from 2024-12-04 to 2025-03-31" in html
    assert "Task A" in html and "Task B" in html
    assert "correction" in html and "A typing error." in html
    assert "Agreed by the members." in html  # the revision's reason
    backwards = client.get("/editions/spring/changes/briefing/").content.decode()
    assert "What changed from 2024-12-04 to 2025-03-31" in backwards
    only = client.get("/editions/briefing/changes/spring/?member=jiangsu").content.decode()
    assert "Task A" in only and "Task B" not in only
    assert client.get("/editions/briefing/changes/?member=nobody").status_code == 400
    assert client.get("/editions/briefing/changes/?_export=xlsx").status_code == 400


def test_the_changes_download_as_csv_with_a_byte_order_mark(client, plan):
    response = client.get("/editions/briefing/changes/spring/?_export=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "changes-briefing-spring.csv" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert [(r["change"], r["item"], r["what"], r["before"], r["after"]) for r in rows] == [
        ("item", "T-001", "progress", "33.3", "60.0"),
        ("item", "T-001", "schedule", "on_schedule", "ahead"),
        ("item", "T-002", "progress", "20.0", "25.0"),
        ("report", "T-001", "T-001.1", "", "60.0000"),
        ("correction", "T-002", "T-002.1", "20.0000", "25.0000"),
        ("revision", "T-001", "T-001.1 target_value", "120", "100"),
    ]
    assert rows[0]["title_zh"] == "任务甲" and rows[0]["members"] == "jiangsu"


def test_the_changes_download_as_json(client, plan):
    response = client.get("/editions/briefing/changes/?_export=json&member=zhejiang")
    rows = json.loads(response.content)
    assert {(r["change"], r["item"], r["what"]) for r in rows} == {
        ("item", "T-002", "progress"),
        ("correction", "T-002", "T-002.1"),
    }
    assert all(r["url"].startswith("http://testserver/tasks/T-002/") for r in rows)


# The feed and the API


def test_the_atom_feed_names_each_edition(client, plan):
    xml = client.get("/editions/feed/").content.decode()
    assert "<title>Edition briefing (as of 2024-12-04)</title>" in xml
    assert "<title>Edition spring (as of 2025-03-31)</title>" in xml
    assert "<name>Office</name>" in xml  # the briefing's source's publisher
    assert "http://testserver/editions/briefing/" in xml


def test_each_entry_of_the_feed_has_the_updated_date_atom_requires(client, plan):
    feed = ElementTree.fromstring(client.get("/editions/feed/").content)
    atom = "{http://www.w3.org/2005/Atom}"
    entries = feed.findall(f"{atom}entry")
    assert len(entries) == 2
    for entry in entries:
        (updated,) = entry.findall(f"{atom}updated")  # RFC 4287: exactly one
        assert updated.text == entry.find(f"{atom}published").text


def test_the_api_lists_the_published_editions(client, plan):
    edition("draft", date(2025, 5, 1), published=False)
    other = factories.plan("other-plan", start=2021)
    edition("old", date(2022, 6, 30), plan=other)
    data = client.get("/api/editions/").json()
    assert data["count"] == 2
    first = data["results"][0]
    assert first["slug"] == "spring" and first["as_of"] == "2025-03-31"
    assert first["is_illustrative"] is True and first["source"] is None
    assert first["url"] == "http://testserver/editions/spring/"
    assert set(first) == {
        "plan",
        "slug",
        "title_en",
        "title_zh",
        "as_of",
        "published_at",
        "source",
        "url",
        "is_illustrative",
    }
    assert data["results"][1]["source"] == "yrd-2024-12-04"
    others = client.get("/api/editions/?plan=other-plan").json()
    assert [row["slug"] for row in others["results"]] == ["old"]
    assert client.get("/api/editions/?plan=nope").status_code == 404


def test_the_editions_as_of_a_day_are_those_published_by_its_end(client, plan):
    """The briefing was published on 2024-12-04 at 18:00, the spring edition on 2025-03-31."""
    rows = client.get("/api/editions/?as_of=2025-03-30").json()["results"]
    assert [row["slug"] for row in rows] == ["briefing"]
    rows = client.get("/api/editions/?as_of=2025-03-31").json()["results"]
    assert [row["slug"] for row in rows] == ["spring", "briefing"]
    assert client.get("/api/editions/?as_of=abc").status_code == 400
    page = client.get("/editions/?as_of=2025-03-30").content.decode()
    assert "The plan as it stood on 2025-03-30" in page
    assert "/editions/briefing/" in page and "/editions/spring/" not in page
    assert client.get("/editions/?as_of=abc").status_code == 400


# Query counts


def grow(plan, n):
    for k in range(n):
        task = factories.task(lead="shanghai", co=("anhui",), focus_area=factories.area(2))
        target = factories.target(task)
        approved(target, 10 + k, date(2024, 9, 30), date(2024, 10, 1))
        approved(target, 50 + k, date(2025, 1, 31), date(2025, 2, 1))
        factories.revision(
            target, {"target_value": ("90", "100")}, reviewed_at=at(date(2025, 2, 2))
        )


@pytest.mark.parametrize(
    "url",
    [
        "/editions/",
        "/editions/briefing/",
        "/editions/briefing/changes/spring/",
        "/editions/briefing/changes/?_export=csv",
        "/editions/feed/",
        "/api/editions/",
    ],
)
def test_query_counts_stay_fixed_as_the_plan_grows(
    client, plan, url, django_assert_max_num_queries
):
    client.get(url)  # compiled figures are kept per day: build them before counting
    page_cache().clear()
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow(plan, 6)
    edition("later", date(2025, 4, 30))
    page_cache().clear()
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
