"""The staff admin at work: reporting, review, status changes, revisions, concurrent edits."""

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from initiatives.models import (
    ProgressReport,
    ReviewState,
    Revision,
    Status,
    StatusChange,
    Target,
    Task,
)
from tests.admin_forms import change_form_data, seen_versions
from tests.staff import editor, reviewer

pytestmark = pytest.mark.django_db


def url(model, view, *args):
    return reverse(f"admin:initiatives_{model}_{view}", args=args)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def progress_of(task):
    return Task.objects.with_progress().get(pk=task.pk).progress


@pytest.fixture
def jiangsu(client):
    return editor("jiangsu")


@pytest.fixture
def office():
    return reviewer()


def test_admin_is_titled_for_the_office_in_both_languages(client, office):
    client.force_login(office)
    response = client.get(reverse("admin:index"))
    assert "Yangtze River Delta Regional Cooperation Office" in response.content.decode()
    response = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"


def test_review_workflow_end_to_end(client, make, jiangsu, office):
    task = make.task(lead="jiangsu")
    target = make.target(task, baseline_value=0, target_value=200)
    source = make.source()

    # A Jiangsu editor finds the task and reports from the target's link.
    client.force_login(jiangsu)
    listing = client.get(url("task", "changelist"), {"q": task.code})
    assert [t.pk for t in listing.context["cl"].result_list] == [task.pk]
    page = client.get(url("progressreport", "add"), {"target": target.pk})
    assert page.status_code == 200
    data = change_form_data(page)
    data.update({"as_of": "2024-09-30", "value": "100", "source": source.pk})
    assert client.post(url("progressreport", "add"), data).status_code == 302
    report = ProgressReport.objects.get(target=target)
    assert report.status == ReviewState.DRAFT
    assert report.reported_by == jiangsu

    # Submitted, it is still not public.
    client.post(
        url("progressreport", "changelist"),
        {
            "action": "submit_reports",
            "_selected_action": [report.pk],
            "_seen_version": seen_versions([report]),
            "index": 0,
        },
    )
    report.refresh_from_db()
    assert report.status == ReviewState.SUBMITTED
    assert progress_of(task) is None

    # The office returns it; a return needs a reason.
    client.force_login(office)
    return_action = {
        "action": "return_reports",
        "_selected_action": [report.pk],
        "_seen_version": seen_versions([report]),
    }
    page = client.post(url("submittedreport", "changelist"), {**return_action, "index": 0})
    assert page.status_code == 200
    page = client.post(url("submittedreport", "changelist"), {**return_action, "apply": "yes"})
    assert page.status_code == 200
    assert page.context["form"].errors["reason"]
    report.refresh_from_db()
    assert report.status == ReviewState.SUBMITTED
    # Longer than a history record's old 100-character reason column: kept whole.
    reason = (
        "Cite the provincial statistics bulletin, and give the figure for the end of the "
        "quarter rather than the month it was announced."
    )
    response = client.post(
        url("submittedreport", "changelist"), {**return_action, "reason": reason, "apply": "yes"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReviewState.RETURNED
    assert report.review_reason == reason
    # Returned from the review queue, a proxy of the reports: recorded in the history too.
    assert report.history.first().history_change_reason == reason

    # The editor sees why, corrects the value and resubmits from the form.
    client.force_login(jiangsu)
    listing = client.get(url("progressreport", "changelist"))
    assert reason in listing.content.decode()
    page = client.get(url("progressreport", "change", report.pk))
    assert reason in page.content.decode()
    data = change_form_data(page)
    data.update({"value": "120", "submit_for_review": "on"})
    assert client.post(url("progressreport", "change", report.pk), data).status_code == 302
    report.refresh_from_db()
    assert (report.status, report.value) == (ReviewState.SUBMITTED, 120)
    assert progress_of(task) is None

    # The office approves it from the review queue: now, and only now, it counts.
    client.force_login(office)
    client.post(
        url("submittedreport", "changelist"),
        {
            "action": "approve_reports",
            "_selected_action": [report.pk],
            "_seen_version": seen_versions([report]),
            "apply": "yes",
        },
    )
    report.refresh_from_db()
    assert report.status == ReviewState.APPROVED
    assert report.reviewed_by == office
    assert progress_of(task) == pytest.approx(60.0)

    # A later draft does not move the published progress.
    make.report(target, value=190, status="draft", as_of=date(2024, 10, 31))
    assert progress_of(task) == pytest.approx(60.0)

    # The approved report is the record: nobody but a superuser edits it.
    client.force_login(jiangsu)
    page = client.get(url("progressreport", "change", report.pk))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    history = client.get(url("progressreport", "history", report.pk))
    assert reason in history.content.decode()


def test_approval_needs_a_source_or_evidence(client, make, office):
    task = make.task(lead="jiangsu")
    target = make.target(task)
    report = make.report(target, value=5, status="submitted")
    client.force_login(office)
    response = client.post(
        url("submittedreport", "changelist"),
        {
            "action": "approve_reports",
            "_selected_action": [report.pk],
            "_seen_version": seen_versions([report]),
            "apply": "yes",
        },
        follow=True,
    )
    report.refresh_from_db()
    assert report.status == ReviewState.SUBMITTED
    assert any("source" in m for m in messages_of(response))


def test_a_breakdown_by_member_is_saved_as_sibling_reports(client, make, jiangsu):
    task = make.task(lead="jiangsu", co=("anhui",))
    make.member("anhui")
    target = make.target(task, target_value=1000)
    client.force_login(jiangsu)
    page = client.get(url("progressreport", "add"), {"target": target.pk})
    data = change_form_data(page)
    data.update(
        {
            "as_of": "2024-09-30",
            "value": "300",
            "evidence_url": "https://example.org/bulletin",
            "breakdown_jiangsu": "120",
            "breakdown_anhui": "180",
            "submit_for_review": "on",
        }
    )
    assert client.post(url("progressreport", "add"), data).status_code == 302
    reports = {(r.member.slug if r.member else None): r for r in target.reports.all()}
    assert set(reports) == {None, "jiangsu", "anhui"}
    assert reports["anhui"].value == 180
    assert all(r.status == ReviewState.SUBMITTED for r in reports.values())


def test_status_change_of_one_item_needs_a_reason(client, make, jiangsu):
    task = make.task(lead="jiangsu")
    client.force_login(jiangsu)
    page = client.get(url("task", "change", task.pk))
    data = change_form_data(page)
    data["status"] = Status.DELAYED
    response = client.post(url("task", "change", task.pk), data)
    assert response.status_code == 200
    assert "status_reason" in response.context["adminform"].form.errors
    task.refresh_from_db()
    assert task.status == Status.NOT_STARTED

    data["status_reason"] = "The land survey is late."
    assert client.post(url("task", "change", task.pk), data).status_code == 302
    task.refresh_from_db()
    assert task.status == Status.DELAYED
    change = StatusChange.objects.get(item=task)
    assert (change.old_status, change.new_status) == (Status.NOT_STARTED, Status.DELAYED)
    assert change.reason == "The land survey is late."
    assert change.changed_by == jiangsu
    assert task.history.first().history_change_reason == "The land survey is late."


def test_bulk_status_change_keeps_its_reason_in_the_history(client, make, office):
    tasks = [make.task(lead="jiangsu"), make.task(lead="zhejiang")]
    client.force_login(office)
    action = {
        "action": "change_status",
        "_selected_action": [t.pk for t in tasks],
        "_seen_version": seen_versions(tasks),
    }
    page = client.post(url("task", "changelist"), {**action, "index": 0})
    assert page.status_code == 200
    assert "reason" in page.context["form"].fields

    page = client.post(
        url("task", "changelist"), {**action, "new_status": Status.ON_TRACK, "apply": "yes"}
    )
    assert page.context["form"].errors["reason"]
    assert not StatusChange.objects.exists()

    reason = "Works started after the joint meeting."
    client.post(
        url("task", "changelist"),
        {**action, "new_status": Status.ON_TRACK, "reason": reason, "apply": "yes"},
    )
    for task in tasks:
        task.refresh_from_db()
        assert task.status == Status.ON_TRACK
        assert task.history.first().history_change_reason == reason
        assert StatusChange.objects.get(item=task).reason == reason
    history = client.get(url("task", "history", tasks[0].pk))
    assert reason in history.content.decode()


def test_a_target_revision_needs_a_reason_and_waits_for_another_reviewer(client, make, office):
    task = make.task(lead="jiangsu")
    target = make.target(task, target_value=100, target_date=date(2025, 12, 31))
    client.force_login(office)
    page = client.get(url("target", "change", target.pk))
    data = change_form_data(page)
    data["target_value"] = "120"
    response = client.post(url("target", "change", target.pk), data)
    assert response.status_code == 200
    assert "revision_reason" in response.context["adminform"].form.errors
    assert not Revision.objects.exists()

    data["revision_reason"] = "The plan was raised at the 2025 forum."
    response = client.post(url("target", "change", target.pk), data, follow=True)
    assert "proposed for review" in response.content.decode()
    revision = Revision.objects.get(target=target)
    assert revision.changes == {"target_value": ["100", "120"]}
    assert (revision.proposed_by, revision.status) == (office, "submitted")
    target.refresh_from_db()
    assert target.target_value == 100
    assert not ProgressReport.objects.filter(target=target).exists()

    # The office cannot approve its own proposal; its second reviewer can.
    action = {
        "action": "approve_revisions",
        "_selected_action": [revision.pk],
        "_seen_version": seen_versions([revision]),
    }
    asked = client.post(url("revisiontoreview", "changelist"), action)
    assert "Once approved, the new values take effect" in asked.content.decode()
    assert Revision.objects.get(pk=revision.pk).status == "submitted"  # asked, not taken
    action["apply"] = "yes"
    response = client.post(url("revisiontoreview", "changelist"), action, follow=True)
    assert "another reviewer" in response.content.decode()
    assert Target.objects.get(pk=target.pk).target_value == 100
    client.force_login(reviewer("second-reviewer"))
    client.post(url("revisiontoreview", "changelist"), action)
    assert Target.objects.get(pk=target.pk).target_value == 120


def test_a_target_revision_inline_on_the_item(client, make, jiangsu):
    task = make.task(lead="jiangsu")
    target = make.target(task, target_value=100)
    client.force_login(jiangsu)
    page = client.get(url("task", "change", task.pk))
    data = change_form_data(page)
    prefix = next(
        inline.formset.prefix
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is Target
    )
    data[f"{prefix}-0-target_date"] = "2026-06-30"
    response = client.post(url("task", "change", task.pk), data)
    assert response.status_code == 200
    assert not Revision.objects.exists()
    data[f"{prefix}-0-revision_reason"] = "Moved with the railway opening."
    assert client.post(url("task", "change", task.pk), data).status_code == 302
    revision = Revision.objects.get(target=target)
    assert revision.changes == {"target_date": [None, "2026-06-30"]}
    assert Target.objects.get(pk=target.pk).target_date is None


def test_a_member_moves_a_due_date_only_by_a_proposal_the_office_approves(
    client, make, jiangsu, office
):
    task = make.task(lead="jiangsu", start_date=date(2024, 1, 1), due_date=date(2026, 12, 31))
    client.force_login(jiangsu)
    page = client.get(url("task", "change", task.pk))
    data = change_form_data(page)
    data["due_date"] = "2027-12-31"
    response = client.post(url("task", "change", task.pk), data)
    assert "revision_reason" in response.context["adminform"].form.errors
    data["revision_reason"] = "The land was released a year late."
    assert client.post(url("task", "change", task.pk), data).status_code == 302
    public = client.get(task.get_absolute_url()).content.decode()
    assert "2026-12-31" in public and "2027-12-31" not in public

    revision = Revision.objects.get()
    client.force_login(office)
    client.post(
        url("revisiontoreview", "changelist"),
        {
            "action": "approve_revisions",
            "_selected_action": [revision.pk],
            "_seen_version": seen_versions([revision]),
            "apply": "yes",
        },
    )
    client.logout()
    public = client.get(task.get_absolute_url()).content.decode()
    assert "2027-12-31" in public
    assert "The land was released a year late." in public
    assert "Revisions of the period" in public


def test_the_task_list_edits_nothing_in_place(client, make, jiangsu):
    """A due date is a governed field: it changes on the item's page, with a reason, for
    review. The list offers no input for it, and a crafted list edit saves nothing."""
    task = make.task(lead="jiangsu", due_date=date(2026, 12, 31))
    client.force_login(jiangsu)
    page = client.get(url("task", "changelist"))
    assert page.context["cl"].formset is None
    assert 'name="form-0-due_date"' not in page.content.decode()
    crafted = {
        "_save": "Save",
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(task.pk),
        "form-0-due_date": "2027-12-31",
    }
    client.post(url("task", "changelist"), crafted)
    assert Task.objects.get(pk=task.pk).due_date == date(2026, 12, 31)


class TestConcurrentEdits:
    def test_the_later_change_form_save_is_refused_with_what_changed(self, client, make):
        task = make.task(lead="jiangsu")
        first, second = editor("jiangsu"), reviewer()
        client.force_login(first)
        mine = change_form_data(client.get(url("task", "change", task.pk)))
        client.force_login(second)
        theirs = change_form_data(client.get(url("task", "change", task.pk)))

        theirs["title_en"] = "Railway to Wenzhou"
        assert client.post(url("task", "change", task.pk), theirs).status_code == 302

        client.force_login(first)
        mine["due_date"] = "2026-06-30"
        response = client.post(url("task", "change", task.pk), mine)
        assert response.status_code == 200
        errors = " ".join(response.context["adminform"].form.non_field_errors())
        assert "office" in errors
        assert "Title (English)" in errors
        task.refresh_from_db()
        assert task.title_en == "Railway to Wenzhou"
        assert task.due_date == date(2026, 12, 31)

    def test_a_stale_action_is_refused(self, client, make):
        task = make.task(lead="jiangsu")
        listed = seen_versions([task])
        task.summary_en = "Edited meanwhile"
        task.save()
        client.force_login(reviewer())
        response = client.post(
            url("task", "changelist"),
            {
                "action": "change_status",
                "_selected_action": [task.pk],
                "_seen_version": listed,
                "new_status": Status.COMPLETED,
                "reason": "Done.",
                "apply": "yes",
            },
            follow=True,
        )
        task.refresh_from_db()
        assert task.status == Status.NOT_STARTED
        assert any("Summary (English)" in m for m in messages_of(response))

    def test_a_stale_review_is_refused(self, client, make):
        report = make.report(make.target(make.task(lead="jiangsu")), value=5, status="submitted")
        listed = seen_versions([report])
        report.value = 6
        report.save()
        client.force_login(reviewer())
        client.post(
            url("submittedreport", "changelist"),
            {
                "action": "approve_reports",
                "_selected_action": [report.pk],
                "_seen_version": listed,
                "apply": "yes",
            },
        )
        report.refresh_from_db()
        assert report.status == ReviewState.SUBMITTED


class TestBadInput:
    """Each is a form error that says what to fix; nothing is saved; never a 500."""

    def post_report(self, client, target, **values):
        page = client.get(url("progressreport", "add"), {"target": target.pk})
        data = change_form_data(page)
        data.update(values)
        before = ProgressReport.objects.count()
        response = client.post(url("progressreport", "add"), data)
        assert response.status_code == 200
        assert ProgressReport.objects.count() == before
        return response.context["adminform"].form.errors

    def test_a_value_on_a_qualitative_milestone(self, client, make, jiangsu):
        # A milestone's form has no value field: a value sent anyway is not read, and a
        # report neither reached nor told in words says nothing.
        target = make.target(make.task(lead="jiangsu"), measure="milestone")
        client.force_login(jiangsu)
        errors = self.post_report(client, target, as_of="2024-09-30", value="3")
        assert "value" not in errors
        assert "for a milestone a narrative" in str(errors)

    def test_a_percentage_over_100(self, client, make, jiangsu):
        target = make.target(make.task(lead="jiangsu"), measure="percentage", target_value=90)
        client.force_login(jiangsu)
        errors = self.post_report(client, target, as_of="2024-09-30", value="120")
        assert "between 0 and 100" in errors["value"][0]

    def test_a_percentage_over_100_in_the_breakdown(self, client, make, jiangsu):
        target = make.target(make.task(lead="jiangsu"), measure="percentage", target_value=90)
        client.force_login(jiangsu)
        errors = self.post_report(
            client, target, as_of="2024-09-30", value="50", breakdown_jiangsu="130"
        )
        assert "between 0 and 100" in errors["breakdown_jiangsu"][0]

    def test_a_report_dated_in_the_future(self, client, make, jiangsu):
        target = make.target(make.task(lead="jiangsu"))
        client.force_login(jiangsu)
        tomorrow = timezone.localdate() + timedelta(days=1)
        errors = self.post_report(client, target, as_of=tomorrow.isoformat(), value="3")
        assert "future" in errors["as_of"][0]

    def test_a_report_dated_before_the_baseline(self, client, make, jiangsu):
        target = make.target(make.task(lead="jiangsu"), baseline_date=date(2023, 12, 31))
        client.force_login(jiangsu)
        errors = self.post_report(client, target, as_of="2023-06-30", value="3")
        assert "baseline" in errors["as_of"][0]

    def test_submitting_without_source_or_evidence(self, client, make, jiangsu):
        target = make.target(make.task(lead="jiangsu"))
        client.force_login(jiangsu)
        errors = self.post_report(
            client, target, as_of="2024-09-30", value="3", submit_for_review="on"
        )
        assert "source" in errors

    def test_a_due_date_before_the_start(self, client, make, jiangsu):
        task = make.task(lead="jiangsu")
        client.force_login(jiangsu)
        data = change_form_data(client.get(url("task", "change", task.pk)))
        data["due_date"] = "2023-01-01"
        response = client.post(url("task", "change", task.pk), data)
        assert response.status_code == 200
        assert "due date cannot be before the start" in str(
            response.context["adminform"].form.errors
        )
        task.refresh_from_db()
        assert task.due_date == date(2026, 12, 31)

    def test_a_malformed_object_id_is_a_404(self, client, jiangsu):
        client.force_login(jiangsu)
        assert client.get("/admin/initiatives/task/not-a-number/change/").status_code == 404


CHANGELISTS = ["initiative", "cooperationproject", "task", "target", "progressreport"]


def grow(make, rows):
    """`rows` more of everything a changelist shows, each with a target and reports."""
    for _ in range(rows):
        for build in (make.initiative, make.project, make.task):
            item = build(lead="jiangsu", co=("zhejiang",))
            target = make.target(item)
            make.report(target, value=10)
            make.report(target, value=20, status="submitted", as_of=date(2024, 7, 31))


@pytest.mark.parametrize(
    "who, model",
    [
        *((who, model) for who in ("jiangsu", "office") for model in CHANGELISTS),
        ("office", "submittedreport"),
    ],
)
def test_changelist_query_count_stays_fixed_as_rows_grow(client, make, model, who):
    client.force_login(editor("jiangsu") if who == "jiangsu" else reviewer())

    def count():
        client.get(url(model, "changelist"))  # warm the session and permission caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(model, "changelist")).status_code == 200
        return len(queries)

    grow(make, 2)
    small = count()
    grow(make, 8)
    large = count()
    assert large == small, f"{model}: {small} queries for 2 rows, {large} for 10"
    assert small <= 20


def test_the_item_page_shows_its_targets_and_latest_reports(client, make, jiangsu):
    task = make.task(lead="jiangsu")
    target = make.target(task, name_en="Kilometres opened")
    make.report(target, value=42, status="returned", as_of=date(2024, 8, 31))
    client.force_login(jiangsu)
    page = client.get(url("task", "change", task.pk)).content.decode()
    assert "Kilometres opened" in page
    assert "2024-08-31" in page and "Returned" in page
    assert f"{url('progressreport', 'add')}?target={target.pk}" in page


def test_a_measure_its_reports_do_not_fit_is_a_form_error(client, make):
    target = make.target(make.task(lead="jiangsu"), target_value=100)
    make.report(target, value=150)
    client.force_login(reviewer("reviewer"))
    data = change_form_data(client.get(url("target", "change", target.pk)))
    data["measure"] = "percentage"
    response = client.post(url("target", "change", target.pk), data)
    assert response.status_code == 200
    assert "does not fit" in " ".join(response.context["adminform"].form.errors["measure"])
    target.refresh_from_db()
    assert target.measure == "number"


def test_a_malformed_choice_is_a_form_error(client, make, jiangsu):
    report = make.report(make.target(make.task(lead="jiangsu")), value=3, status="draft")
    client.force_login(jiangsu)
    page = client.get(url("progressreport", "change", report.pk))
    data = change_form_data(page)
    data.update({"target": "x", "source": "not-a-key"})
    response = client.post(url("progressreport", "change", report.pk), data)
    assert response.status_code == 200
    assert "target" in response.context["adminform"].form.errors


def test_a_key_too_large_for_the_database_is_a_form_error_or_404(client, make, jiangsu):
    report = make.report(make.target(make.task(lead="jiangsu")), value=3, status="draft")
    client.force_login(jiangsu)
    huge = "9" * 30
    data = change_form_data(client.get(url("progressreport", "change", report.pk)))
    data.update({"target": huge, "member": huge})
    response = client.post(url("progressreport", "change", report.pk), data)
    assert response.status_code == 200
    assert {"target", "member"} <= set(response.context["adminform"].form.errors)
    assert client.get(f"/admin/initiatives/task/{huge}/change/").status_code == 404
    assert client.get(f"/admin/initiatives/task/{huge}/history/").status_code == 404


def test_lists_filter_by_member_schedule_and_search_both_languages(client, make, office):
    ahead = make.task(
        lead="anhui",
        title_zh="合肥科学中心",
        start_date=date(2024, 1, 1),
        due_date=date(2040, 1, 1),
    )
    make.report(make.target(ahead, target_value=10), value=10)
    overdue = make.task(lead="zhejiang", start_date=date(2023, 1, 1), due_date=date(2024, 1, 31))
    client.force_login(office)

    def listed(**params):
        response = client.get(url("task", "changelist"), params)
        assert response.status_code == 200
        return {task.pk for task in response.context["cl"].result_list}

    assert listed(responsible="anhui") == {ahead.pk}
    assert listed(schedule="overdue") == {overdue.pk}
    assert listed(schedule="ahead") == {ahead.pk}
    assert listed(q="合肥") == {ahead.pk}
    assert listed(q=overdue.code) == {overdue.pk}
    assert listed(status__exact="not_started") == {ahead.pk, overdue.pk}
