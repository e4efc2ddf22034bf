"""The office's review page of a submitted report: the facts to judge it by, Approve and
Return, each confirmed, then the next report in the queue."""

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from initiatives.models import ProgressReport, ReviewState
from tests.admin_forms import seen_versions
from tests.staff import editor, reviewer

pytestmark = pytest.mark.django_db


def url(model, view, *args):
    return reverse(f"admin:initiatives_{model}_{view}", args=args)


def review_url(report):
    return url("submittedreport", "change", report.pk)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def text_of(response):
    return response.content.decode()


@pytest.fixture
def office(client):
    user = reviewer()
    client.force_login(user)
    return user


@pytest.fixture
def jiangsu():
    return editor("jiangsu")


@pytest.fixture
def railway(make, jiangsu):
    """A Jiangsu target in km with an approved figure, another member's, and a new one
    submitted for review."""
    task = make.task(lead="jiangsu", co=("zhejiang",))
    target = make.target(
        task,
        unit_en="km",
        baseline_value=0,
        baseline_date=date(2024, 1, 1),
        target_value=200,
        target_date=date(2026, 12, 31),
    )
    make.report(target, value=50, as_of=date(2024, 3, 31))
    make.report(target, value=12, as_of=date(2024, 5, 31), member=make.member("zhejiang"))
    make.report(target, value=100, as_of=date(2024, 9, 30))  # later: not the previous one
    submitted = make.report(
        target,
        value=72,
        as_of=date(2024, 6, 30),
        status=ReviewState.SUBMITTED,
        reported_by=jiangsu,
        source=make.source(),
        evidence_url="https://example.org/jiangsu-rail-bulletin",
        narrative_en="Two lines opened in June.",
        note="Figure from the provincial bulletin.",
    )
    return submitted


def decide(client, report, decision, confirmed=False, reason="", seen=None):
    data = {
        "decision": decision,
        "reason": reason,
        "seen_version": report.version if seen is None else seen,
    }
    if confirmed:
        data["confirmed"] = "on"
    return client.post(review_url(report), data)


class TestThePage:
    def test_shows_the_figure_against_what_it_is_measured_by(self, client, office, railway):
        page = text_of(client.get(review_url(railway)))
        assert "72 km" in page
        # The previous approved region-wide value (not the later one, nor a member's).
        assert "50 km as of" in page
        assert "0 km (" in page and "200 km (" in page  # baseline and target, with dates
        assert "36%" in page  # (72 - 0) / (200 - 0)
        assert "50% as of" in page  # published now: the later approved figure, 100 of 200
        assert 'href="https://example.org/jiangsu-rail-bulletin"' in page
        assert railway.source.title in page
        assert "Zhejiang" in page and "12 km as of" in page
        assert "Two lines opened in June." in page
        assert "Figure from the provincial bulletin." in page

    def test_has_approve_and_return_buttons_with_the_version_seen(self, client, office, railway):
        response = client.get(review_url(railway))
        page = text_of(response)
        assert 'value="Approve…"' in page and 'value="Return…"' in page
        assert f'name="seen_version" value="{railway.version}"' in page
        assert "csrfmiddlewaretoken" in page


class TestDecisions:
    def test_approve_asks_first_then_approves(self, client, office, railway):
        response = decide(client, railway, "approve")
        assert response.status_code == 200
        assert "Approving publishes 72 km" in text_of(response)
        assert 'value="Yes, approve"' in text_of(response)
        railway.refresh_from_db()
        assert railway.status == ReviewState.SUBMITTED

        response = decide(client, railway, "approve", confirmed=True)
        assert response.status_code == 302
        assert response.url == url("submittedreport", "changelist")  # none left
        railway.refresh_from_db()
        assert (railway.status, railway.reviewed_by) == (ReviewState.APPROVED, office)
        assert any("was approved" in m for m in messages_of(response))

    def test_return_needs_a_reason_then_asks_then_returns(self, client, office, railway):
        response = decide(client, railway, "return", reason="  ")
        assert response.status_code == 200
        assert response.context["form"].errors["reason"]
        assert "Yes, return" not in text_of(response)

        reason = "Give the end-of-quarter figure."
        response = decide(client, railway, "return", reason=reason)
        assert "Returning sends the report back to jiangsu" in text_of(response)
        assert reason in text_of(response)
        railway.refresh_from_db()
        assert railway.status == ReviewState.SUBMITTED

        response = decide(client, railway, "return", confirmed=True, reason=reason)
        assert response.status_code == 302
        railway.refresh_from_db()
        assert (railway.status, railway.review_reason) == (ReviewState.RETURNED, reason)

    def test_a_refused_step_stays_on_the_page_with_the_reason(self, client, make, office):
        # Submitted without a source or evidence (as an old import could): approve() refuses.
        report = make.report(make.target(make.task()), value=5, status=ReviewState.SUBMITTED)
        response = decide(client, report, "approve", confirmed=True)
        assert response.status_code == 200
        assert any("cites a source" in m for m in messages_of(response))
        assert "cites a source" in text_of(response)
        report.refresh_from_db()
        assert report.status == ReviewState.SUBMITTED

    def test_a_report_changed_since_it_was_shown_is_not_decided(self, client, office, railway):
        seen = railway.version
        railway.value = 80
        railway.save()
        response = decide(client, railway, "approve", confirmed=True, seen=seen)
        assert response.status_code == 200
        assert any("while you were working on it" in m for m in messages_of(response))
        assert any("Value" in m for m in messages_of(response))
        railway.refresh_from_db()
        assert railway.status == ReviewState.SUBMITTED

    def test_a_crafted_decision_is_a_form_error(self, client, office, railway):
        response = client.post(review_url(railway), {"decision": "publish", "seen_version": "x"})
        assert response.status_code == 200
        assert response.context["form"].errors
        railway.refresh_from_db()
        assert railway.status == ReviewState.SUBMITTED

    def test_a_report_decided_meanwhile_sends_back_to_the_queue(self, client, office, railway):
        railway.approve(reviewer("office2"))
        response = client.get(review_url(railway))
        assert response.status_code == 302
        assert any("no longer waiting for review" in m for m in messages_of(response))


class TestTheQueue:
    def test_goes_on_to_the_next_report_oldest_first(self, client, make, office, jiangsu):
        target = make.target(make.task(lead="jiangsu"))
        now = timezone.now()
        first, second, third = (
            make.report(
                target,
                value=10 * n,
                as_of=date(2024, n, 28),
                status=ReviewState.SUBMITTED,
                submitted_at=now - timedelta(days=10 - n),
                reported_by=jiangsu,
                source=make.source(),
            )
            for n in (1, 2, 3)
        )
        response = decide(client, first, "approve", confirmed=True)
        assert response.url == review_url(second)
        # Opened from the middle of the queue: after the last, the one still left before it.
        response = decide(client, third, "approve", confirmed=True)
        assert response.url == review_url(second)
        response = decide(client, second, "return", confirmed=True, reason="Wrong month.")
        assert response.url == url("submittedreport", "changelist")

    def test_the_list_action_asks_before_approving(self, client, office, railway):
        queue = url("submittedreport", "changelist")
        selection = {
            "action": "approve_reports",
            "_selected_action": [railway.pk],
            "_seen_version": seen_versions([railway]),
            "index": 0,
        }
        response = client.post(queue, selection)
        assert response.status_code == 200
        assert str(railway) in text_of(response)
        assert response.context["seen_versions"] == selection["_seen_version"]  # carried on
        railway.refresh_from_db()
        assert railway.status == ReviewState.SUBMITTED
        client.post(queue, {**selection, "apply": "yes"})
        railway.refresh_from_db()
        assert railway.status == ReviewState.APPROVED


class TestWhoMay:
    def test_an_editor_gets_403_and_changes_nothing(self, client, railway, jiangsu):
        client.force_login(jiangsu)
        assert client.get(review_url(railway)).status_code == 403
        response = decide(client, railway, "approve", confirmed=True)
        assert response.status_code == 403
        railway.refresh_from_db()
        assert railway.status == ReviewState.SUBMITTED
        assert ProgressReport.objects.get(pk=railway.pk).reviewed_by is None

    def test_a_report_outside_the_queue_is_404(self, client, office):
        assert client.get(url("submittedreport", "change", 999999)).status_code == 404
        assert client.get(url("submittedreport", "change", "x" * 30)).status_code == 404
