"""The plan's rules, as model methods: each does the whole step or refuses it with a reason.

The admin, the list edits, the actions and the import call these; their own tests show that
they reach the same result (test_admin.py, test_import_export.py).
"""

import logging
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from initiatives.models import (
    ProgressReport,
    ReviewState,
    Revision,
    Schedule,
    Status,
    StatusChange,
    Target,
    Task,
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


class TestRevisions:
    """A change of dates, baseline or target is proposed, and counts only once approved."""

    def test_a_proposal_moves_nothing_until_approved(self, make, events, committed):
        target = make.target(make.task(), baseline_value=0, target_value=100)
        editor, office = make.user("jiangsu-editor"), make.user()
        target.baseline_value, target.target_value = Decimal(20), Decimal(70)
        with committed(execute=True):
            revision = target.propose_revision("  Survey corrected ", editor)
        assert (target.baseline_value, target.target_value) == (0, 100)  # back to the saved
        target.refresh_from_db()
        assert (target.baseline_value, target.target_value, target.version) == (0, 100, 1)
        assert revision.status == ReviewState.SUBMITTED
        assert revision.changes == {"baseline_value": ["0", "20"], "target_value": ["100", "70"]}
        assert (revision.item, revision.target, revision.reason) == (
            target.item,
            target,
            "Survey corrected",
        )
        assert not Revision.objects.approved().exists()

        with committed(execute=True):
            revision.approve(office)
        target.refresh_from_db()
        assert (target.baseline_value, target.target_value) == (20, 70)
        assert target.history.first().history_change_reason == "Revision approved: Survey corrected"
        revision.refresh_from_db()
        assert (revision.status, revision.reviewed_by) == (ReviewState.APPROVED, office)
        assert [event for event, _ in events()] == ["revision_proposed", "revision_approved"]

    def test_an_item_period_is_revised_the_same_way(self, make):
        task = make.task(start_date=date(2024, 1, 1), due_date=date(2026, 12, 31))
        task.due_date = date(2027, 12, 31)
        revision = task.propose_revision("Land released late", make.user("jiangsu-editor"))
        assert Task.objects.get().due_date == date(2026, 12, 31)
        assert revision.changes == {"due_date": ["2026-12-31", "2027-12-31"]}
        assert revision.target is None
        revision.approve(make.user())
        assert Task.objects.get().due_date == date(2027, 12, 31)

    def test_nobody_approves_their_own_proposal(self, make):
        target = make.target(make.task(), target_value=100)
        office = make.user()
        target.target_value = Decimal(120)
        revision = target.propose_revision("Scope", office)
        with pytest.raises(ValidationError, match="another reviewer"):
            revision.approve(office)
        assert Target.objects.get().target_value == 100
        revision.approve(make.user("reviewer"))
        assert Target.objects.get().target_value == 120

    def test_a_return_keeps_the_terms_and_says_why(self, make):
        target = make.target(make.task(), target_value=100)
        target.target_value = Decimal(50)
        revision = target.propose_revision("Lower it", make.user("jiangsu-editor"))
        with pytest.raises(ValidationError, match="Say why"):
            revision.send_back(make.user(), " ")
        revision.send_back(make.user(), "Agreed at the forum: keep it")
        revision.refresh_from_db()
        assert (revision.status, revision.review_reason) == (
            ReviewState.RETURNED,
            "Agreed at the forum: keep it",
        )
        assert Target.objects.get().target_value == 100
        with pytest.raises(ValidationError, match="waiting for review"):
            revision.approve(make.user())

    def test_refuses_a_proposal_that_moves_nothing_or_gives_no_reason(self, make):
        target = make.target(make.task(), target_value=100)
        with pytest.raises(ValidationError, match="Nothing"):
            target.propose_revision("x", make.user())
        target.target_value = Decimal(90)
        with pytest.raises(ValidationError, match="Say why"):
            target.propose_revision("", None)
        assert not Revision.objects.exists()

    def test_refuses_a_value_the_target_cannot_take(self, make):
        target = make.target(make.task(), baseline_value=10, target_value=100)
        target.target_value = Decimal(5)
        with pytest.raises(ValidationError, match="differ from the baseline"):
            target.propose_revision("x", None)
        assert not Revision.objects.exists()

    def test_an_approval_after_the_terms_moved_is_refused(self, make):
        target = make.target(make.task(), target_value=100)
        target.target_value = Decimal(120)
        first = target.propose_revision("One", make.user("jiangsu-editor"))
        target.target_value = Decimal(130)
        second = target.propose_revision("Two", make.user("jiangsu-editor"))
        first.approve(make.user())
        with pytest.raises(ValidationError, match="target value changed"):
            second.approve(make.user())
        assert Target.objects.get().target_value == 120

    def test_only_the_terms_are_governed(self, make):
        target = make.target(make.task(), target_value=100)
        target.name_en = "Renamed"
        with pytest.raises(ValidationError, match="Nothing"):
            target.propose_revision("x", None)


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

    def test_nobody_approves_a_report_they_wrote(self, make):
        office = make.user()
        target = make.target(make.task(), target_value=100)
        report = make.report(
            target, value=10, status=ReviewState.SUBMITTED, reported_by=office, source=make.source()
        )
        with pytest.raises(ValidationError, match="another reviewer"):
            report.approve(office)
        assert not ProgressReport.objects.approved().exists()
        report.approve(make.user("reviewer"))
        assert ProgressReport.objects.approved().get() == report

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


class TestCorrections:
    """An approved figure is never edited: a correction replaces it once approved."""

    def test_a_correction_takes_the_place_of_the_figure_it_corrects(self, make):
        target = make.target(make.task(), baseline_value=0, target_value=100)
        wrong = make.report(target, value=72, as_of=date(2025, 6, 30))
        assert Target.objects.with_progress().get().latest_value == 72
        fix = make.report(
            target,
            value=27,
            as_of=date(2025, 6, 30),
            status=ReviewState.SUBMITTED,
            supersedes=wrong,
            correction_reason="Digits swapped in the bulletin.",
            source=make.source(),
        )
        assert Target.objects.with_progress().get().latest_value == 72  # not yet approved
        fix.approve(make.user("reviewer"))
        assert list(ProgressReport.objects.approved()) == [fix]
        assert Target.objects.with_progress().get().latest_value == 27
        assert ProgressReport.objects.get(pk=wrong.pk).value == 72  # kept as it was

    def test_a_correction_needs_a_reason_and_the_same_target_and_member(self, make):
        target = make.target(make.task())
        approved = make.report(target, value=10)
        other = make.target(make.task())
        correction = ProgressReport(
            target=other, as_of=date(2025, 1, 1), value=5, supersedes=approved
        )
        with pytest.raises(ValidationError) as error:
            correction.full_clean()
        assert {"supersedes", "correction_reason"} <= set(error.value.message_dict)

    def test_the_database_refuses_to_change_an_approved_figure(self, make):
        report = make.report(make.target(make.task()), value=10)
        report.note = "A note may still be added."
        report.save()
        with pytest.raises(IntegrityError), transaction.atomic():
            ProgressReport.objects.filter(pk=report.pk).update(value=11)
        with pytest.raises(IntegrityError), transaction.atomic():
            ProgressReport.objects.filter(pk=report.pk).update(status=ReviewState.DRAFT)
        assert ProgressReport.objects.get(pk=report.pk).value == 10

    def test_nobody_may_edit_or_delete_an_approved_report(self, make, django_user_model):
        from initiatives import permissions

        report = make.report(make.target(make.task()), value=10)
        root = django_user_model.objects.create_superuser("root", password="x")
        assert not permissions.may_edit_report(root, report)
        assert not permissions.may_delete_report(root, report)
