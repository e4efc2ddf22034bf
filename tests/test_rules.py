"""The plan's rules, as model methods: each does the whole step or refuses it with a reason.

The admin, the list edits, the actions and the import call these; their own tests show that
they reach the same result (test_admin.py, test_import_export.py).
"""

import logging
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from initiatives.models import (
    ProgressReport,
    ReviewState,
    Schedule,
    Status,
    StatusChange,
    Target,
    TargetRevision,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


@pytest.fixture
def events(caplog):
    """The audit events written so far; a step writes its own once its transaction commits,
    which a test marks with django_capture_on_commit_callbacks(execute=True)."""
    caplog.set_level(logging.INFO, logger="tracker.audit")
    return lambda: [
        (record.getMessage(), record.__dict__)
        for record in caplog.records
        if record.name == "tracker.audit"
    ]


class TestChangeStatus:
    def test_moves_the_status_and_keeps_the_reason(self, make, events, committed):
        task = make.task(status=Status.ON_TRACK)
        office = make.user()
        with committed(execute=True):
            change = task.change_status(Status.DELAYED, "  Land not yet released ", office)

        task.refresh_from_db()
        assert task.status == Status.DELAYED and task.version == 2
        assert StatusChange.objects.get() == change
        assert (change.item, change.old_status, change.new_status) == (task, "on_track", "delayed")
        assert (change.reason, change.changed_by) == ("Land not yet released", office)
        latest = task.history.first()
        assert (latest.status, latest.history_change_reason) == ("delayed", change.reason)
        ((event, fields),) = events()
        assert event == "status_changed"
        assert (fields["item"], fields["old"], fields["new"]) == (task.code, "on_track", "delayed")

    def test_saves_the_other_edits_of_a_form_with_it(self, make):
        project = make.project(status=Status.ON_TRACK)
        project.title_en = "Renamed"
        project.change_status(Status.AT_RISK, "Funding late", make.user())
        project.refresh_from_db()
        assert (project.title_en, project.status) == ("Renamed", "at_risk")

    @pytest.mark.parametrize(
        "status,reason,words",
        [
            (Status.ON_TRACK, "No change", "already"),
            (Status.DELAYED, "   ", "Say why"),
            ("finished", "Done", "not a status"),
        ],
    )
    def test_refused(self, make, events, committed, status, reason, words):
        item = make.initiative(status=Status.ON_TRACK)
        with committed(execute=True), pytest.raises(ValidationError, match=words):
            item.change_status(status, reason, make.user())
        assert not events()
        item.refresh_from_db()
        assert item.status == Status.ON_TRACK and item.version == 1
        assert not StatusChange.objects.exists()


class TestRevise:
    def test_keeps_the_old_target_and_the_reason(self, make, events, committed):
        target = make.target(make.task(), target_value=100, target_date=date(2026, 12, 31))
        office = make.user()
        with committed(execute=True):
            revision = target.revise(
                target_value=Decimal(120),
                target_date=date(2026, 12, 31),
                reason="Scope",
                by=office,
            )
        target.refresh_from_db()
        assert target.target_value == 120
        assert (revision.old_target_value, revision.new_target_value) == (100, 120)
        assert (revision.reason, revision.revised_by) == ("Scope", office)
        assert target.history.first().history_change_reason == "Scope"
        assert [event for event, _fields in events()] == ["target_revised"]

    def test_refuses_a_revision_that_moves_nothing(self, make):
        target = make.target(make.task(), target_value=100)
        with pytest.raises(ValidationError, match="Neither"):
            target.revise(target_value=Decimal(100), target_date=None, reason="x", by=make.user())
        assert not TargetRevision.objects.exists()

    def test_refuses_a_revision_without_a_reason(self, make):
        target = make.target(make.task(), target_value=100)
        with pytest.raises(ValidationError, match="Say why"):
            target.revise(target_value=Decimal(90), target_date=None, reason="", by=None)
        assert Target.objects.get().target_value == 100

    def test_refuses_a_value_the_target_cannot_take(self, make):
        target = make.target(make.task(), baseline_value=10, target_value=100)
        with pytest.raises(ValidationError, match="differ from the baseline"):
            target.revise(target_value=Decimal(5), target_date=None, reason="x", by=None)
        assert Target.objects.get().target_value == 100
        assert not TargetRevision.objects.exists()


class TestReview:
    @pytest.fixture
    def draft(self, make):
        target = make.target(make.task(), target_value=100)
        return make.report(target, value=10, status=ReviewState.DRAFT, source=make.source())

    def test_submit_approve(self, make, draft, events, committed):
        editor, office = make.user("jiangsu-editor"), make.user()
        with committed(execute=True):
            draft.submit(editor)
            assert draft.status == ReviewState.SUBMITTED and draft.submitted_at
            draft.approve(office)
        draft.refresh_from_db()
        assert (draft.status, draft.reviewed_by) == (ReviewState.APPROVED, office)
        assert list(ProgressReport.objects.approved()) == [draft]
        reasons = [h.history_change_reason for h in draft.history.order_by("history_date")]
        assert reasons[-2:] == ["Submitted for review", "Approved"]
        assert [event for event, _fields in events()] == ["report_submitted", "report_approved"]

    def test_send_back_and_submit_again(self, make, draft):
        office = make.user()
        draft.submit(office)
        draft.send_back(office, "Cite the statistical bulletin")
        draft.refresh_from_db()
        assert draft.status == ReviewState.RETURNED
        assert draft.review_reason == "Cite the statistical bulletin"
        assert draft.history.first().history_change_reason == draft.review_reason
        assert not ProgressReport.objects.approved().exists()
        draft.submit(office)
        assert ProgressReport.objects.get().status == ReviewState.SUBMITTED

    @pytest.mark.parametrize(
        "state,step,words",
        [
            (ReviewState.DRAFT, "approve", "Only a submitted report can be approved"),
            (ReviewState.DRAFT, "send_back", "Only a submitted report can be returned"),
            (ReviewState.APPROVED, "submit", "Only a draft or a returned report"),
            (ReviewState.APPROVED, "approve", "Only a submitted report"),
            (ReviewState.RETURNED, "approve", "Only a submitted report"),
        ],
    )
    def test_impossible_steps_are_refused(self, make, state, step, words):
        report = make.report(make.target(make.task()), value=10, status=state)
        args = (make.user(), "reason") if step == "send_back" else (make.user(),)
        with pytest.raises(ValidationError, match=words):
            getattr(report, step)(*args)
        assert ProgressReport.objects.get().status == state

    def test_submit_needs_a_source_or_evidence(self, make):
        report = make.report(make.target(make.task()), value=10, status=ReviewState.DRAFT)
        with pytest.raises(ValidationError, match="Cite a source"):
            report.submit(make.user())
        assert ProgressReport.objects.get().status == ReviewState.DRAFT

    def test_send_back_needs_a_reason(self, make, draft):
        draft.submit(make.user())
        with pytest.raises(ValidationError, match="Say why"):
            draft.send_back(make.user(), "  ")
        assert ProgressReport.objects.get().status == ReviewState.SUBMITTED


def test_each_schedule_position_has_one_slug():
    slugs = {position: position.slug for position in Schedule}
    assert slugs == {
        Schedule.OVERDUE: "overdue",
        Schedule.BEHIND: "behind",
        Schedule.ON_SCHEDULE: "on_schedule",
        Schedule.AHEAD: "ahead",
    }
    assert all(Schedule.from_slug(slug) == position for position, slug in slugs.items())
    assert Schedule.from_slug("unknown") is None
    for wrong in ("AHEAD", "late", "__class__"):
        with pytest.raises(KeyError):
            Schedule.from_slug(wrong)
