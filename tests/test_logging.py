"""The audit log: one JSON object a line for sign-in failures, refusals, reviews and imports."""

import json
import logging

import pytest
from django.urls import reverse

from initiatives.audit import JsonFormatter
from initiatives.models import ReviewState
from tests.admin_forms import seen_versions
from tests.staff import editor, reviewer
from tests.test_import_export import confirm, csv_file, preview

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit(caplog):
    """The audit events logged during the test, each as the JSON line the log system reads."""
    caplog.set_level(logging.INFO, logger="tracker.audit")
    formatter = JsonFormatter()

    def events():
        return [
            json.loads(formatter.format(record))
            for record in caplog.records
            if record.name == "tracker.audit"
        ]

    return events


def url(model, view, *args):
    return reverse(f"admin:initiatives_{model}_{view}", args=args)


def test_a_failed_sign_in_is_logged_without_the_password(client, audit, django_user_model):
    django_user_model.objects.create_user("office", password="the right pass phrase", is_staff=True)
    client.post(
        "/admin/login/",
        {"username": "office", "password": "a wrong guess"},
        REMOTE_ADDR="203.0.113.9",
    )
    [event] = audit()
    assert event["event"] == "login_failed"
    assert event["level"] == "WARNING"
    assert event["username"] == "office"
    assert event["address"] == "203.0.113.9"
    assert event["path"] == "/admin/login/"
    assert "a wrong guess" not in json.dumps(event)


def test_a_successful_sign_in_is_not_a_failure(client, audit, django_user_model):
    django_user_model.objects.create_user("office", password="the right pass phrase", is_staff=True)
    response = client.post(
        "/admin/login/", {"username": "office", "password": "the right pass phrase"}
    )
    assert response.status_code == 302
    assert [e["event"] for e in audit()] == []


def test_a_refusal_is_logged_with_the_user_and_path(client, audit):
    client.force_login(editor("jiangsu"))
    response = client.get("/admin/auth/user/")
    assert response.status_code == 403
    [event] = audit()
    assert (event["event"], event["user"], event["path"]) == (
        "permission_denied",
        "jiangsu",
        "/admin/auth/user/",
    )


def test_approvals_and_returns_are_logged_with_the_reviewer(
    client, audit, make, django_capture_on_commit_callbacks
):
    target = make.target(make.task(lead="jiangsu"))
    approved = make.report(target, value=10, status=ReviewState.SUBMITTED, source=make.source())
    returned = make.report(target, value=20, status=ReviewState.SUBMITTED)
    client.force_login(reviewer("office"))
    queue = url("submittedreport", "changelist")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            queue,
            {
                "action": "approve_reports",
                "_selected_action": [approved.pk],
                "_seen_version": seen_versions([approved]),
                "apply": "yes",
            },
        )
        client.post(
            queue,
            {
                "action": "return_reports",
                "_selected_action": [returned.pk],
                "_seen_version": seen_versions([returned]),
                "reason": "Cite the bulletin.",
                "apply": "yes",
            },
        )
    approved.refresh_from_db()
    returned.refresh_from_db()
    assert (approved.status, returned.status) == (ReviewState.APPROVED, ReviewState.RETURNED)
    # Each action's summary, and each report's step (written as its transaction commits).
    events = {e["event"]: e for e in audit()}
    assert {name: (e["user"], e.get("count", e.get("report"))) for name, e in events.items()} == {
        "reports_approved": ("office", 1),
        "report_approved": ("office", str(approved.uuid)),
        "reports_returned": ("office", 1),
        "report_returned": ("office", str(returned.uuid)),
    }
    assert events["report_returned"]["reason"] == "Cite the bulletin."
    assert events["reports_returned"]["reason"] == "Cite the bulletin."


def test_an_import_is_logged_with_its_totals(client, audit, make):
    task = make.task(lead="jiangsu", title_en="Old title")
    client.force_login(editor("jiangsu"))
    upload = csv_file([{"code": task.code, "title_en": "New title", "version": task.version}])
    assert confirm(client, "task", preview(client, "task", upload)).status_code == 302
    [event] = audit()
    assert event["event"] == "import"
    assert event["model"] == "initiatives.Task"
    assert event["refused"] is False
    assert event["totals"]["update"] == 1
    assert event["user"] == "jiangsu"


def test_an_import_preview_logs_nothing_and_the_confirmed_import_its_changes(
    client, audit, make, django_capture_on_commit_callbacks
):
    task = make.task(lead="jiangsu")
    client.force_login(editor("jiangsu"))
    row = {
        "code": task.code,
        "status": "delayed",
        "status_reason": "Permits are late.",
        "version": task.version,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = preview(client, "task", csv_file([row]))
    assert audit() == []
    with django_capture_on_commit_callbacks(execute=True):
        assert confirm(client, "task", response).status_code == 302
    # The import's totals, then the status change, written as the import's transaction commits.
    assert [(e["event"], e["user"]) for e in audit()] == [
        ("import", "jiangsu"),
        ("status_changed", "jiangsu"),
    ]


def test_every_line_is_one_json_object():
    record = logging.makeLogRecord(
        {"name": "tracker.audit", "levelname": "INFO", "msg": "import", "count": 2, "note": "行"}
    )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert json.loads(line) | {"time": None} == {
        "time": None,
        "level": "INFO",
        "logger": "tracker.audit",
        "event": "import",
        "count": 2,
        "note": "行",
    }
