"""Revisions of dates and targets as the office reviews them: the queue, the review page with
Approve and Return, each confirmed, and the public page before and after."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from initiatives.models import ReviewState, Revision, Target, Task
from tests.staff import editor, reviewer

pytestmark = pytest.mark.django_db


def review_url(revision):
    return reverse("admin:initiatives_revisiontoreview_change", args=[revision.pk])


@pytest.fixture
def jiangsu():
    return editor("jiangsu")


@pytest.fixture
def office():
    return reviewer()


@pytest.fixture
def proposals(make, jiangsu):
    """A Jiangsu task whose due date and one target's baseline and target were proposed."""
    task = make.task(lead="jiangsu", start_date=date(2024, 1, 1), due_date=date(2026, 12, 31))
    target = make.target(task, unit_en="km", baseline_value=0, target_value=100)
    author = jiangsu
    task.due_date = date(2027, 12, 31)
    period = task.propose_revision("The land was released a year late.", author)
    target.baseline_value, target.target_value = Decimal(20), Decimal(70)
    terms = target.propose_revision("The survey was corrected.", author)
    return task, target, period, terms


def decide(client, revision, decision, reason=""):
    data = {"decision": decision, "reason": reason, "seen_version": revision.version}
    first = client.post(review_url(revision), data)
    assert first.status_code == 200  # the confirmation step
    return client.post(review_url(revision), {**data, "confirmed": "on"})


def test_the_review_page_shows_what_changes_and_approves_after_confirmation(
    client, proposals, office, make
):
    task, target, period, terms = proposals
    client.force_login(office)
    page = client.get(review_url(period)).content.decode()
    assert "2026-12-31 → 2027-12-31" in page
    assert "The land was released a year late." in page
    assert "Approve" in page and "Return" in page

    confirm = client.post(
        review_url(period), {"decision": "approve", "seen_version": period.version}
    )
    assert "take effect" in confirm.content.decode()
    assert Task.objects.get(pk=task.pk).due_date == date(2026, 12, 31)

    done = decide(client, period, "approve")
    assert done.status_code == 302
    assert done.url == review_url(terms)  # the next one in the queue
    assert Task.objects.get(pk=task.pk).due_date == date(2027, 12, 31)

    make.report(target, value=45)
    page = client.get(review_url(terms)).content.decode()
    assert "0 → 20" in page and "100 → 70" in page
    assert "45%" in page  # published now: 45 of 0-100
    assert "50%" in page  # once approved: 45 is half way from 20 to 70
    assert Target.objects.get(pk=target.pk).baseline_value == 0  # the what-if left no trace


def test_a_return_needs_a_reason_and_changes_nothing(client, proposals, office):
    _task, target, _period, terms = proposals
    client.force_login(office)
    refused = client.post(
        review_url(terms), {"decision": "return", "reason": "", "seen_version": terms.version}
    )
    assert "Say why" in refused.content.decode()
    decide(client, terms, "return", "Keep the plan's figures until the forum decides.")
    terms.refresh_from_db()
    assert terms.status == ReviewState.RETURNED
    assert Target.objects.get(pk=target.pk).target_value == 100


def test_editors_see_no_queue_and_cannot_decide(client, proposals, jiangsu):
    _task, _target, period, _terms = proposals
    client.force_login(jiangsu)
    data = {"decision": "approve", "seen_version": period.version, "confirmed": "on"}
    assert client.post(review_url(period), data).status_code == 403
    assert Revision.objects.get(pk=period.pk).status == ReviewState.SUBMITTED


def test_the_public_page_shows_a_revision_only_once_approved(client, proposals, office):
    task, target, period, terms = proposals
    page = client.get(task.get_absolute_url()).content.decode()
    assert "The survey was corrected." not in page
    terms.approve(office)
    page = client.get(task.get_absolute_url()).content.decode()
    assert "The survey was corrected." in page
    assert "Baseline value: 0 → 20" in page
    api = client.get("/api/targets/").json()["results"][0]
    (revision,) = api["revisions"]
    assert revision["changes"] == {
        "baseline_value": {"from": "0", "to": "20"},
        "target_value": {"from": "100", "to": "70"},
    }
    assert (revision["old_target_value"], revision["new_target_value"]) == ("100", "70")
    listed = client.get("/api/revisions/").json()["results"]
    assert [r["id"] for r in listed] == [str(terms.uuid)]


def test_lists_flag_an_item_whose_terms_were_revised(client, proposals, office):
    task, _target, period, _terms = proposals
    assert "tag-revised" not in client.get("/tasks/").content.decode()
    period.approve(office)
    assert "Revised" in client.get("/tasks/").content.decode()
    exported = b"".join(client.get("/tasks/", {"_export": "csv"}).streaming_content).decode()
    (row,) = csv.DictReader(io.StringIO(exported))
    assert row["Revised"] == "True"


def test_one_queue_lists_reports_and_revisions_oldest_first(client, proposals, office, make):
    _task, target, period, terms = proposals
    report = make.report(target, value=45, status=ReviewState.SUBMITTED, source=make.source())
    times = [timezone.make_aware(datetime(2026, 11, day, 9)) for day in (2, 3, 4)]
    Revision.objects.filter(pk=period.pk).update(proposed_at=times[0])
    type(report).objects.filter(pk=report.pk).update(submitted_at=times[1])
    Revision.objects.filter(pk=terms.pk).update(proposed_at=times[2])
    client.force_login(office)
    page = client.get(reverse("review_queue"))
    assert [row[5] for row in page.context["rows"]] == [
        review_url(period),
        reverse("admin:initiatives_submittedreport_change", args=[report.pk]),
        review_url(terms),
    ]
    assert "Due date: 2026-12-31 → 2027-12-31" in page.content.decode()
    assert "Waiting for review" in client.get(reverse("admin:index")).content.decode()


def test_the_queue_is_the_reviewers(client, proposals, jiangsu):
    client.force_login(jiangsu)
    assert client.get(reverse("review_queue")).status_code == 403
    assert "Waiting for review" not in client.get(reverse("admin:index")).content.decode()
