"""Import and export: previews, all-or-nothing, the member scope, inert formulas."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from tablib import Dataset

from initiatives.models import ProgressReport, ReviewState, Status, StatusChange, TargetRevision
from initiatives.resources import ProgressReportResource, TargetResource, TaskResource
from tests.staff import editor, reviewer

pytestmark = pytest.mark.django_db

CSV, XLSX = 0, 1


def url(model, view):
    return reverse(f"admin:initiatives_{model}_{view}")


def csv_file(rows, name="upload.csv"):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_file(rows, name="upload.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def preview(client, model, upload, file_format=CSV):
    """Step one in the admin: upload, and see the dry run."""
    response = client.post(
        url(model, "import"), {"resource": "0", "format": file_format, "import_file": upload}
    )
    assert response.status_code == 200
    return response


def confirm(client, model, response):
    form = response.context["confirm_form"]
    return client.post(url(model, "process_import"), {k: v for k, v in form.initial.items()})


def row_errors(result):
    """{row number: all messages} for the invalid rows of an import result."""
    return {
        row.number: " ".join(m for messages in row.error_dict.values() for m in messages)
        for row in result.invalid_rows
    }


@pytest.fixture
def jiangsu():
    return editor("jiangsu")


def test_task_import_previews_as_a_dry_run_then_writes(client, make, jiangsu):
    task = make.task(lead="jiangsu", title_en="Old title")
    client.force_login(jiangsu)
    upload = csv_file([{"code": task.code, "title_en": "New title", "version": task.version}])
    response = preview(client, "task", upload)
    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert "confirm_form" in response.context
    task.refresh_from_db()
    assert task.title_en == "Old title"

    assert confirm(client, "task", response).status_code == 302
    task.refresh_from_db()
    assert task.title_en == "New title"


def test_an_import_with_one_bad_row_writes_nothing(client, make, jiangsu):
    first = make.target(make.task(lead="jiangsu"), name_en="First")
    second = make.target(make.task(lead="jiangsu"), measure="percentage", target_value=80)
    client.force_login(jiangsu)
    upload = csv_file(
        [
            {"code": first.code, "name_en": "First, renamed", "target_value": "100"},
            {"code": second.code, "name_en": "Second", "target_value": "180"},
        ]
    )
    response = preview(client, "target", upload)
    assert "confirm_form" not in response.context
    errors = row_errors(response.context["result"])
    assert list(errors) == [2]
    assert "between 0 and 100" in errors[2]
    first.refresh_from_db()
    assert first.name_en == "First"

    # The same file imported for real (as the confirm step does) is rolled back whole.
    dataset = Dataset().load(upload.open().read().decode("utf-8"), format="csv")
    result = TargetResource(user=jiangsu).import_data(
        dataset, dry_run=False, rollback_on_validation_errors=True
    )
    assert result.has_validation_errors()
    first.refresh_from_db()
    assert first.name_en == "First"


def test_a_scoped_import_is_refused_for_another_members_rows(client, make, jiangsu):
    mine = make.target(make.task(lead="jiangsu"), name_en="Mine")
    theirs = make.target(make.task(lead="zhejiang"), name_en="Theirs")
    client.force_login(jiangsu)
    upload = csv_file(
        [
            {"code": mine.code, "name_en": "Mine, renamed"},
            {"code": theirs.code, "name_en": "Taken over"},
        ]
    )
    response = preview(client, "target", upload)
    errors = row_errors(response.context["result"])
    assert list(errors) == [2]
    assert "not among the items your member leads" in errors[2]
    for target, name in ((mine, "Mine"), (theirs, "Theirs")):
        target.refresh_from_db()
        assert target.name_en == name


def test_reports_import_as_drafts_and_only_on_the_scope(client, make, jiangsu):
    mine = make.target(make.task(lead="jiangsu"))
    theirs = make.target(make.task(lead="zhejiang"))
    client.force_login(jiangsu)
    rows = [
        {"uuid": "", "target": mine.code, "as_of": "2024-09-30", "value": "12", "member": ""},
        {"uuid": "", "target": theirs.code, "as_of": "2024-09-30", "value": "13", "member": ""},
    ]
    response = preview(client, "progressreport", csv_file(rows))
    errors = row_errors(response.context["result"])
    assert list(errors) == [2]
    assert not ProgressReport.objects.exists()

    response = preview(client, "progressreport", csv_file(rows[:1]))
    assert confirm(client, "progressreport", response).status_code == 302
    report = ProgressReport.objects.get()
    assert (report.target, report.status, report.reported_by) == (
        mine,
        ReviewState.DRAFT,
        jiangsu,
    )


def test_an_unknown_member_in_an_import_row(client, make, jiangsu):
    target = make.target(make.task(lead="jiangsu"))
    client.force_login(jiangsu)
    rows = [
        {"uuid": "", "target": target.code, "as_of": "2024-09-30", "value": "4", "member": "hubei"}
    ]
    response = preview(client, "progressreport", csv_file(rows))
    assert "Unknown member “hubei”" in row_errors(response.context["result"])[1]
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    "values, message",
    [
        ({"value": "101"}, "between 0 and 100"),
        ({"as_of": "2099-01-01"}, "future"),
        ({"as_of": "2020-01-01"}, "baseline"),
        ({"value": "not a number"}, "number"),
    ],
)
def test_bad_report_rows_say_what_to_fix(client, make, jiangsu, values, message):
    from datetime import date

    target = make.target(
        make.task(lead="jiangsu"),
        measure="percentage",
        target_value=90,
        baseline_date=date(2023, 12, 31),
    )
    client.force_login(jiangsu)
    row = {"uuid": "", "target": target.code, "as_of": "2024-09-30", "value": "40", **values}
    response = preview(client, "progressreport", csv_file([row]))
    result = response.context["result"]
    text = " ".join(row_errors(result).values()) + " ".join(
        str(error.error) for _n, errors in result.row_errors() for error in errors
    )
    assert message in text
    assert not ProgressReport.objects.exists()


def test_an_approved_report_cannot_be_changed_by_import(client, make, jiangsu):
    report = make.report(make.target(make.task(lead="jiangsu")), value=10)
    client.force_login(jiangsu)
    rows = [
        {
            "uuid": str(report.uuid),
            "target": report.target.code,
            "as_of": "2024-06-30",
            "value": "99",
        }
    ]
    response = preview(client, "progressreport", csv_file(rows))
    assert "can no longer be changed" in row_errors(response.context["result"])[1]
    report.refresh_from_db()
    assert report.value == 10


def test_a_status_change_by_import_needs_a_reason(client, make, jiangsu):
    task = make.task(lead="jiangsu")
    client.force_login(jiangsu)
    row = {"code": task.code, "status": Status.DELAYED, "status_reason": ""}
    response = preview(client, "task", csv_file([row]))
    assert "status_reason" in row_errors(response.context["result"])[1]

    row["status_reason"] = "Permits are late."
    response = preview(client, "task", csv_file([row]))
    assert confirm(client, "task", response).status_code == 302
    task.refresh_from_db()
    assert task.status == Status.DELAYED
    assert StatusChange.objects.get(item=task).reason == "Permits are late."


def test_a_target_revision_by_import_is_kept(make):
    target = make.target(make.task(lead="jiangsu"), target_value=100)
    office = reviewer()
    rows = [{"code": target.code, "target_value": "150", "revision_reason": ""}]
    dataset = Dataset(headers=list(rows[0]))
    dataset.append(list(rows[0].values()))
    result = TargetResource(user=office).import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    dataset = Dataset(headers=list(rows[0]))
    dataset.append([target.code, "150", "Raised at the forum."])
    result = TargetResource(user=office).import_data(dataset, dry_run=False)
    assert not result.has_validation_errors()
    revision = TargetRevision.objects.get(target=target)
    assert (revision.old_target_value, revision.new_target_value) == (100, 150)


def test_a_stale_version_in_an_import_row_is_refused(client, make, jiangsu):
    task = make.task(lead="jiangsu", title_en="Before")
    exported_version = task.version
    task.title_en = "Changed by the office"
    task.save()
    client.force_login(jiangsu)
    upload = csv_file([{"code": task.code, "title_en": "Mine", "version": exported_version}])
    response = preview(client, "task", upload)
    assert "Title (English)" in row_errors(response.context["result"])[1]


def test_editors_cannot_create_tasks_by_import(client, make, jiangsu):
    client.force_login(jiangsu)
    upload = csv_file([{"code": "T-999", "title_en": "New", "focus_area": make.area().slug}])
    response = preview(client, "task", upload)
    assert "cannot create" in row_errors(response.context["result"])[1]


def test_reviewers_create_tasks_by_import_with_an_xlsx_file(client, make):
    client.force_login(reviewer())
    rows = [
        {
            "code": "T-901",
            "title_en": "Cross-border bus routes",
            "focus_area": make.area().slug,
            "lead": "anhui",
            "start_date": "2024-01-01",
            "due_date": "2023-12-31",
        }
    ]
    make.member("anhui")
    make.plan()  # a new task belongs to the plan the site opens on
    response = preview(client, "task", xlsx_file(rows), XLSX)
    assert "due date cannot be before the start" in row_errors(response.context["result"])[1]

    rows[0]["due_date"] = "2025-12-31"
    response = preview(client, "task", xlsx_file(rows), XLSX)
    assert confirm(client, "task", response).status_code == 302
    from initiatives.models import Task

    task = Task.objects.get(code="T-901")
    assert [m.slug for m in task.lead_members] == ["anhui"]


def export(client, model, resource, file_format):
    prefix = resource.__name__.lower()
    data = {"format": file_format, "resource": 0}
    data.update({f"{prefix}_{name}": "on" for name in resource().get_export_order()})
    response = client.post(url(model, "export"), data)
    assert response.status_code == 200
    return response.content


FORMULAS = ['=HYPERLINK("http://x")', "+1+2", "-3+4", "@SUM(A1)"]


@pytest.mark.parametrize("formula", FORMULAS)
def test_exported_formulas_are_neutralised(client, make, jiangsu, formula):
    task = make.task(lead="jiangsu", title_en=formula, summary_en="plain")
    client.force_login(jiangsu)

    rows = list(csv.DictReader(io.StringIO(export(client, "task", TaskResource, CSV).decode())))
    row = next(r for r in rows if r["code"] == task.code)
    assert row["title_en"] == "'" + formula
    assert row["summary_en"] == "plain"

    book = load_workbook(io.BytesIO(export(client, "task", TaskResource, XLSX)))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    values = [
        dict(zip(header, [c.value for c in r], strict=False)) for r in sheet.iter_rows(min_row=2)
    ]
    row = next(r for r in values if r["code"] == task.code)
    assert row["title_en"] == "'" + formula
    assert all(cell.data_type != "f" for r in sheet.iter_rows() for cell in r)

    # Imported back, the apostrophe goes away again.
    upload = csv_file(
        [{"code": task.code, "title_en": "'" + formula, "status": Status.NOT_STARTED}]
    )
    response = preview(client, "task", upload)
    confirm(client, "task", response)
    task.refresh_from_db()
    assert task.title_en == formula


def test_negative_numbers_export_as_numbers(client, make, jiangsu):
    target = make.target(
        make.task(lead="jiangsu"), direction="lower", baseline_value=-1, target_value=-5
    )
    client.force_login(jiangsu)
    rows = list(csv.DictReader(io.StringIO(export(client, "target", TargetResource, CSV).decode())))
    row = next(r for r in rows if r["code"] == target.code)
    assert row["target_value"].startswith("-5")


@pytest.mark.parametrize("version", ["x", "1.5", "0", "Infinity"])
def test_a_malformed_version_is_a_row_error(client, make, jiangsu, version):
    task = make.task(lead="jiangsu", title_en="Before")
    client.force_login(jiangsu)
    upload = csv_file([{"code": task.code, "title_en": "After", "version": version}])
    response = preview(client, "task", upload)
    assert "whole number" in row_errors(response.context["result"])[1]
    task.refresh_from_db()
    assert task.title_en == "Before"


def test_an_xlsx_version_may_come_as_a_decimal_number(client, make, jiangsu):
    task = make.task(lead="jiangsu", title_en="Before")
    client.force_login(jiangsu)
    upload = xlsx_file([{"code": task.code, "title_en": "After", "version": float(task.version)}])
    response = preview(client, "task", upload, XLSX)
    assert confirm(client, "task", response).status_code == 302
    task.refresh_from_db()
    assert task.title_en == "After"


def test_a_measure_its_reports_do_not_fit_is_a_row_error(make):
    target = make.target(make.task(lead="jiangsu"), target_value=100)
    make.report(target, value=5)
    dataset = Dataset(headers=["code", "measure", "target_value", "baseline_value"])
    dataset.append([target.code, "milestone", "", ""])
    result = TargetResource(user=reviewer("reviewer")).import_data(dataset, dry_run=True)
    assert "does not fit" in row_errors(result)[1]


@pytest.fixture
def office():
    return reviewer()


def import_rows(resource, rows, user):
    dataset = Dataset(headers=list(rows[0]))
    for row in rows:
        dataset.append(list(row.values()))
    return resource(user=user).import_data(
        dataset, dry_run=False, rollback_on_validation_errors=True
    )


def test_a_row_names_its_plan_and_defaults_to_the_current_one(make, office):
    current = make.task(code="T-501", title_en="Current")
    other_plan = make.plan("yrd-2027-2029", is_current=False, start=2027)
    other = make.task(code="T-501", plan=other_plan, title_en="Next round")
    result = import_rows(
        TaskResource,
        [
            {"code": "T-501", "title_en": "Current, renamed", "plan": ""},
            {"code": "T-501", "title_en": "Next round, renamed", "plan": "yrd-2027-2029"},
        ],
        office,
    )
    assert not result.has_validation_errors() and not result.has_errors()
    current.refresh_from_db()
    other.refresh_from_db()
    assert (current.title_en, other.title_en) == ("Current, renamed", "Next round, renamed")

    row = {"code": "T-501", "title_en": "X", "plan": "nowhere"}
    result = import_rows(TaskResource, [row], office)
    assert "Unknown plan “nowhere”" in row_errors(result)[1]

    exported = TaskResource().export()
    assert sorted(zip(exported["code"], exported["plan"], strict=True)) == [
        ("T-501", "yrd-2024-2026"),
        ("T-501", "yrd-2027-2029"),
    ]


def test_targets_and_reports_are_found_in_the_rows_plan(make, office):
    other_plan = make.plan("yrd-2027-2029", is_current=False, start=2027)
    mine = make.target(make.task(code="T-502"), code="T-502.1", name_en="Current")
    theirs = make.target(
        make.task(code="T-502", plan=other_plan), code="T-502.1", name_en="Next round"
    )
    row = {"code": "T-502.1", "plan": "yrd-2027-2029", "name_en": "Renamed"}
    result = import_rows(TargetResource, [row], office)
    assert not result.has_validation_errors()
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.name_en, theirs.name_en) == ("Current", "Renamed")

    rows = [{"uuid": "", "target": "T-502.1", "as_of": "2024-09-30", "value": "7", "member": ""}]
    assert not import_rows(ProgressReportResource, rows, office).has_validation_errors()
    rows[0].update(value="8", plan="yrd-2027-2029")
    assert not import_rows(ProgressReportResource, rows, office).has_validation_errors()
    assert dict(ProgressReport.objects.values_list("value", "target")) == {
        7: mine.pk,
        8: theirs.pk,
    }


def test_a_task_supports_a_project_or_an_initiative_named_in_its_column(make, office):
    project, initiative = make.project(), make.initiative()
    task = make.task(project=project)
    row = {"code": task.code, "project": "", "initiative": initiative.code}
    assert not import_rows(TaskResource, [row], office).has_validation_errors()
    task.refresh_from_db()
    assert task.parent == initiative

    result = import_rows(TaskResource, [{"code": task.code, "project": project.code}], office)
    assert "not both" in row_errors(result)[1]
    row = {"code": task.code, "project": project.code, "initiative": initiative.code}
    assert "not both" in row_errors(import_rows(TaskResource, [row], office))[1]
    result = import_rows(TaskResource, [{"code": task.code, "initiative": "I-404"}], office)
    assert "Unknown initiative “I-404”" in row_errors(result)[1]
    task.refresh_from_db()
    assert task.parent == initiative

    exported = TaskResource().export()
    assert (exported["project"][0], exported["initiative"][0]) == ("", initiative.code)
