"""Import and export: previews, all-or-nothing, the member scope, inert formulas."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook
from tablib import Dataset

from initiatives.models import ProgressReport, ReviewState, Revision, Status, StatusChange
from initiatives.resources import ProgressReportResource, TargetResource, TaskResource, loosely
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
            {
                "code": first.code,
                "name_en": "First, renamed",
                "target_value": "100",
                "version": first.version,
            },
            {
                "code": second.code,
                "name_en": "Second",
                "target_value": "180",
                "version": second.version,
            },
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
            {"code": mine.code, "name_en": "Mine, renamed", "version": mine.version},
            {"code": theirs.code, "name_en": "Taken over", "version": theirs.version},
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
    row = {
        "code": task.code,
        "status": Status.DELAYED,
        "status_reason": "",
        "version": task.version,
    }
    response = preview(client, "task", csv_file([row]))
    assert "status_reason" in row_errors(response.context["result"])[1]

    row["status_reason"] = "Permits are late."
    response = preview(client, "task", csv_file([row]))
    assert confirm(client, "task", response).status_code == 302
    task.refresh_from_db()
    assert task.status == Status.DELAYED
    assert StatusChange.objects.get(item=task).reason == "Permits are late."


def test_a_target_revision_by_import_is_proposed_for_review(make):
    target = make.target(make.task(lead="jiangsu"), target_value=100)
    office = reviewer()
    rows = [
        {
            "code": target.code,
            "target_value": "150",
            "revision_reason": "",
            "version": target.version,
        }
    ]
    dataset = Dataset(headers=list(rows[0]))
    dataset.append(list(rows[0].values()))
    result = TargetResource(user=office).import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    dataset = Dataset(headers=list(rows[0]))
    dataset.append([target.code, "150", "Raised at the forum.", target.version])
    result = TargetResource(user=office).import_data(dataset, dry_run=False)
    assert not result.has_validation_errors()
    revision = Revision.objects.get(target=target)
    assert (revision.changes, revision.status) == ({"target_value": ["100", "150"]}, "submitted")
    target.refresh_from_db()
    assert target.target_value == 100


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


def by_column(records, resource):
    """Exported records by the stable names of their columns, as an import reads them."""
    names = resource().column_names()
    return [{names[loosely(header)]: value for header, value in r.items()} for r in records]


def exported_rows(client, model, resource):
    content = export(client, model, resource, CSV).decode("utf-8-sig")
    return by_column(csv.DictReader(io.StringIO(content)), resource)


FORMULAS = ['=HYPERLINK("http://x")', "+1+2", "-3+4", "@SUM(A1)"]


@pytest.mark.parametrize("formula", FORMULAS)
def test_exported_formulas_are_neutralised(client, make, jiangsu, formula):
    task = make.task(lead="jiangsu", title_en=formula, summary_en="plain")
    client.force_login(jiangsu)

    rows = exported_rows(client, "task", TaskResource)
    row = next(r for r in rows if r["code"] == task.code)
    assert row["title_en"] == "'" + formula
    assert row["summary_en"] == "plain"

    book = load_workbook(io.BytesIO(export(client, "task", TaskResource, XLSX)))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    values = by_column(
        [dict(zip(header, [c.value for c in r], strict=False)) for r in sheet.iter_rows(min_row=2)],
        TaskResource,
    )
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


def test_a_csv_export_opens_in_excel_with_its_chinese(client, make, jiangsu):
    """The staff's CSV leads with the byte-order mark, as the public downloads do: without it
    Excel reads the UTF-8 as the system's code page. Imported again as it was exported, the
    mark is not taken for part of the first column's name and an edit goes through."""
    task = make.task(lead="jiangsu", title_zh="长三角一体化示范区")
    client.force_login(jiangsu)

    content = export(client, "task", TaskResource, CSV)
    assert content.startswith(b"\xef\xbb\xbf")
    assert "长三角一体化示范区" in content.decode("utf-8-sig")
    assert not export(client, "task", TaskResource, XLSX).startswith(b"\xef\xbb\xbf")

    edited = content.replace("一体化示范区".encode(), "生态绿色一体化发展示范区".encode())
    response = preview(client, "task", SimpleUploadedFile("tasks.csv", edited))
    confirm(client, "task", response)
    task.refresh_from_db()
    assert task.title_zh == "长三角生态绿色一体化发展示范区"


def test_negative_numbers_export_as_numbers(client, make, jiangsu):
    target = make.target(
        make.task(lead="jiangsu"), direction="lower", baseline_value=-1, target_value=-5
    )
    client.force_login(jiangsu)
    rows = exported_rows(client, "target", TargetResource)
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
            {
                "code": "T-501",
                "title_en": "Current, renamed",
                "plan": "",
                "version": current.version,
            },
            {
                "code": "T-501",
                "title_en": "Next round, renamed",
                "plan": "yrd-2027-2029",
                "version": other.version,
            },
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
    assert sorted(zip(exported["Code"], exported["Plan"], strict=True)) == [
        ("T-501", "yrd-2024-2026"),
        ("T-501", "yrd-2027-2029"),
    ]


def test_targets_and_reports_are_found_in_the_rows_plan(make, office):
    other_plan = make.plan("yrd-2027-2029", is_current=False, start=2027)
    mine = make.target(make.task(code="T-502"), code="T-502.1", name_en="Current")
    theirs = make.target(
        make.task(code="T-502", plan=other_plan), code="T-502.1", name_en="Next round"
    )
    row = {
        "code": "T-502.1",
        "plan": "yrd-2027-2029",
        "name_en": "Renamed",
        "version": theirs.version,
    }
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
    row = {"code": task.code, "project": "", "initiative": initiative.code, "version": task.version}
    assert not import_rows(TaskResource, [row], office).has_validation_errors()
    task.refresh_from_db()
    assert task.parent == initiative

    row = {"code": task.code, "project": project.code, "version": task.version}
    assert "not both" in row_errors(import_rows(TaskResource, [row], office))[1]
    row["initiative"] = initiative.code
    assert "not both" in row_errors(import_rows(TaskResource, [row], office))[1]
    row = {"code": task.code, "initiative": "I-404", "version": task.version}
    result = import_rows(TaskResource, [row], office)
    assert "Unknown initiative “I-404”" in row_errors(result)[1]
    task.refresh_from_db()
    assert task.parent == initiative

    exported = TaskResource().export()
    assert (exported["Cooperation project"][0], exported["Integration initiative"][0]) == (
        "",
        initiative.code,
    )


# The same doors as the forms: what a member editor's forms keep read-only, its import may
# not change either; the same column with the value the record holds is fine.


def refused_columns(client, model, row):
    """Preview one row as the logged-in user: the row's errors, and whether it could go on."""
    response = preview(client, model, csv_file([row]))
    assert "confirm_form" not in response.context
    return row_errors(response.context["result"])[1]


def test_the_target_import_of_the_issue_is_refused_column_by_column(client, make, jiangsu):
    first = make.task(code="T-001", lead="jiangsu")
    second = make.task(code="T-002", lead="jiangsu")
    target = make.target(first, code="T-001.1", is_headline=False, is_illustrative=True)
    make.report(target, value=10)
    client.force_login(jiangsu)
    row = {"code": "T-001.1", "item": "T-002", "is_headline": "1", "is_illustrative": "0"}
    errors = refused_columns(client, "target", {**row, "version": target.version})
    for column in ("item", "is_headline", "is_illustrative"):
        assert f"You may not change {column}." in errors
    target.refresh_from_db()
    assert (target.item, target.is_headline, target.is_illustrative) == (first, False, True)
    assert second.targets.count() == 0


@pytest.mark.parametrize(
    "column, value",
    [("item", "other task"), ("is_headline", "1"), ("is_illustrative", "1")],
)
def test_each_column_the_target_form_keeps_read_only_is_refused(
    client, make, jiangsu, column, value
):
    target = make.target(make.task(lead="jiangsu"), name_en="Before")
    other = make.task(lead="jiangsu")
    value = other.code if value == "other task" else value
    client.force_login(jiangsu)
    row = {"code": target.code, "name_en": "After", column: value, "version": target.version}
    errors = refused_columns(client, "target", row)
    assert errors.startswith(f"You may not change {column}.")
    target.refresh_from_db()
    assert (target.name_en, target.item_id) == ("Before", target.item_id)


@pytest.mark.parametrize("column", ["focus_area", "is_illustrative", "initiative", "project"])
def test_each_column_the_task_form_keeps_read_only_is_refused(client, make, jiangsu, column):
    task = make.task(lead="jiangsu", title_en="Before")
    values = {
        "focus_area": make.area(2).slug,
        "is_illustrative": "0" if task.is_illustrative else "1",
        "initiative": make.initiative(lead="jiangsu").code,
        "project": make.project(lead="jiangsu").code,
    }
    client.force_login(jiangsu)
    row = {"code": task.code, "title_en": "After", column: values[column], "version": task.version}
    assert refused_columns(client, "task", row) == f"You may not change {column}."
    task.refresh_from_db()
    assert (task.title_en, task.parent) == ("Before", None)


def test_the_office_changes_what_member_editors_may_not(make, office):
    target = make.target(make.task(lead="jiangsu"), is_headline=False)
    row = {"code": target.code, "is_headline": "1", "version": target.version}
    assert not import_rows(TargetResource, [row], office).has_validation_errors()
    target.refresh_from_db()
    assert target.is_headline


def test_an_export_imported_again_with_an_edit_goes_through(client, make, jiangsu):
    task = make.task(lead="jiangsu", project=make.project(lead="jiangsu"), is_illustrative=True)
    target = make.target(task, name_en="Before", is_headline=True, is_illustrative=True)
    client.force_login(jiangsu)
    for model, resource in (("task", TaskResource), ("target", TargetResource)):
        content = export(client, model, resource, CSV).decode("utf-8-sig")
        rows = [r for r in csv.DictReader(io.StringIO(content)) if r["Code"].startswith("T-")]
        if model == "target":
            rows[0]["Name (English)"] = "After"
        response = preview(client, model, csv_file(rows))
        assert "confirm_form" in response.context, row_errors(response.context["result"])
        assert confirm(client, model, response).status_code == 302
    target.refresh_from_db()
    assert (target.name_en, target.is_headline, target.is_illustrative) == ("After", True, True)


def test_a_new_row_may_not_set_what_the_role_may_not_set(make, jiangsu):
    from django.contrib.auth.models import Permission

    # Even an editor allowed to create targets may not choose their code or item.
    jiangsu.user_permissions.add(Permission.objects.get(codename="add_target"))
    task = make.task(lead="jiangsu")
    row = {"code": f"{task.code}.9", "item": task.code, "name_en": "New", "version": ""}
    errors = row_errors(import_rows(TargetResource, [row], editor_again(jiangsu)))[1]
    assert "You may not set code." in errors and "You may not set item." in errors
    assert not task.targets.exists()


def editor_again(user):
    """The same account read afresh, without its cached permissions."""
    return type(user).objects.get(pk=user.pk)


def test_a_report_import_names_its_reporter_and_leaves_approved_figures_alone(make):
    from django.contrib.auth import get_user_model

    chief = get_user_model().objects.create_superuser("chief", "chief@example.org", None)
    report = make.report(make.target(make.task(lead="jiangsu")), value=10)
    row = {
        "uuid": str(report.uuid),
        "target": report.target.code,
        "as_of": report.as_of.isoformat(),
        "value": "99",
        "version": report.version,
    }
    result = import_rows(ProgressReportResource, [row], chief)
    assert "can no longer be changed" in row_errors(result)[1]
    report.refresh_from_db()
    assert report.value == 10

    # The same row with the figure as approved changes nothing, and is fine.
    result = import_rows(ProgressReportResource, [{**row, "value": "10"}], chief)
    assert not result.has_validation_errors() and not result.has_errors()

    row = {"uuid": "", "target": report.target.code, "as_of": "2024-09-30", "value": "12"}
    assert not import_rows(ProgressReportResource, [row], chief).has_validation_errors()
    new = ProgressReport.objects.exclude(pk=report.pk).get()
    assert (new.reported_by, new.status) == (chief, ReviewState.DRAFT)


# No lost updates: a row that changes a record says which version of it it was made from.


@pytest.mark.parametrize("version", [None, ""], ids=["no version column", "empty version"])
def test_a_row_without_the_version_it_was_exported_at_is_refused(client, make, jiangsu, version):
    task = make.task(lead="jiangsu", title_en="Saved by the office meanwhile")
    client.force_login(jiangsu)
    row = {"code": task.code, "title_en": "Mine"}
    if version is not None:
        row["version"] = version
    errors = refused_columns(client, "task", row)
    assert "does not give the version it was exported at" in errors
    assert "export again" in errors
    task.refresh_from_db()
    assert task.title_en == "Saved by the office meanwhile"


def test_an_old_version_is_refused_naming_what_changed_since(client, make, jiangsu):
    target = make.target(make.task(lead="jiangsu"), name_en="Before", unit_en="km")
    exported = target.version
    target.name_en = "Renamed by the office"
    target.save()
    client.force_login(jiangsu)
    row = {"code": target.code, "unit_en": "m", "version": exported}
    errors = refused_columns(client, "target", row)
    assert "Name (English)" in errors or "name (English)" in errors
    target.refresh_from_db()
    assert target.unit_en == "km"


def test_a_row_that_changes_nothing_needs_no_version(client, make, jiangsu):
    task = make.task(lead="jiangsu", title_en="Same")
    client.force_login(jiangsu)
    response = preview(client, "task", csv_file([{"code": task.code, "title_en": "Same"}]))
    assert "confirm_form" in response.context


# Limits: a file past them is refused on the import page before any of it is checked.


def form_errors(response):
    return " ".join(response.context["form"].errors.get("import_file", []))


def test_a_csv_with_too_many_rows_is_refused_before_it_is_read(client, make, jiangsu):
    task = make.task(lead="jiangsu", title_en="Before")
    client.force_login(jiangsu)
    lines = ["code,title_en,version", f"{task.code},After,{task.version}"]
    lines += [f"T-{n:05d},Cross-border bus route number {n},1" for n in range(22_000)]
    content = "\n".join(lines).encode()
    assert 900_000 < len(content) < 2 * 1024 * 1024
    response = preview(client, "task", SimpleUploadedFile("big.csv", content))
    assert "more than 5,000 rows" in form_errors(response)
    assert "result" not in response.context
    task.refresh_from_db()
    assert task.title_en == "Before"


def test_a_file_past_the_size_limit_is_refused(client, make, jiangsu):
    task = make.task(lead="jiangsu", title_en="Before")
    client.force_login(jiangsu)
    summary = "x" * (2 * 1024 * 1024)
    content = f"code,summary_en,version\n{task.code},{summary},{task.version}\n".encode()
    response = preview(client, "task", SimpleUploadedFile("big.csv", content))
    assert "files of at most 2.0" in form_errors(response)
    task.refresh_from_db()
    assert task.summary_en != summary


def xlsx_bomb(declared_size=None):
    """A small XLSX file whose sheet unpacks to about 17 MB; with `declared_size`, its zip
    headers claim that size for the sheet instead."""
    import struct
    import zipfile

    book = io.BytesIO()
    Workbook().save(book)
    row = '<row><c t="inlineStr"><is><t>Cross-border bus route</t></is></c></row>'
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{row * 250_000}</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = sheet.encode()
            bomb.writestr(member.filename, data)
    data = bytearray(out.getvalue())
    if declared_size is not None:
        name = b"xl/worksheets/sheet1.xml"
        local = data.index(b"PK\x03\x04")
        while data[local + 30 : local + 30 + len(name)] != name:
            local = data.index(b"PK\x03\x04", local + 4)
        struct.pack_into("<I", data, local + 22, declared_size)
        central = data.index(b"PK\x01\x02")
        while data[central + 46 : central + 46 + len(name)] != name:
            central = data.index(b"PK\x01\x02", central + 4)
        struct.pack_into("<I", data, central + 24, declared_size)
    return bytes(data)


@pytest.mark.parametrize(
    "declared_size, message",
    [(None, "unpacks to more than 10.0"), (1000, "cannot be read as XLSX")],
    ids=["declared", "understated"],
)
def test_an_xlsx_bomb_is_refused_before_it_is_read(client, make, jiangsu, declared_size, message):
    content = xlsx_bomb(declared_size)
    assert len(content) < 100_000
    make.task(lead="jiangsu")
    client.force_login(jiangsu)
    upload = SimpleUploadedFile("bomb.xlsx", content)
    response = preview(client, "task", upload, XLSX)
    assert message in form_errors(response).replace("\xa0", " ")
    assert "result" not in response.context


def test_a_preview_past_the_time_limit_stops_and_says_to_split_the_file(
    client, make, jiangsu, settings
):
    settings.IMPORT_TIME_LIMIT = 0
    task = make.task(lead="jiangsu", title_en="Before")
    client.force_login(jiangsu)
    upload = csv_file([{"code": task.code, "title_en": "After", "version": task.version}])
    response = preview(client, "task", upload)
    assert "took too long to check" in form_errors(response)
    assert "split it" in form_errors(response)
    assert "confirm_form" not in response.context

    # The import itself stops the same way, and writes nothing.
    dataset = Dataset(headers=["code", "title_en", "version"])
    dataset.append([task.code, "After", task.version])
    result = TaskResource(user=jiangsu).import_data(dataset, dry_run=False)
    assert "took too long to check" in str(result.base_errors[0].error)
    task.refresh_from_db()
    assert task.title_en == "Before"


def test_the_import_page_states_the_limits(client, jiangsu):
    client.force_login(jiangsu)
    response = client.get(url("task", "import"))
    assert "At most 5,000 rows and 2.0" in response.content.decode().replace("\xa0", " ")


@pytest.mark.parametrize("kind", ["rows", "bytes", "xlsx"])
def test_a_refused_file_takes_no_write_lock_so_other_writes_go_on(client, make, jiangsu, kind):
    """On SQLite one writer holds the whole database: a preview that wrote while it read a
    huge file stopped every other write (a sign-in got a 503). A file past a limit is refused
    before any statement that writes, so it never holds the write lock."""
    task = make.task(lead="jiangsu")
    client.force_login(jiangsu)
    if kind == "xlsx":
        upload, file_format = SimpleUploadedFile("bomb.xlsx", xlsx_bomb()), XLSX
    else:
        count = 22_000 if kind == "rows" else 10
        text = "x" * (2 * 1024 * 1024) if kind == "bytes" else "Cross-border bus route"
        lines = ["code,title_en,summary_en,version"]
        lines += [f"{task.code},Route {n},{text},{task.version}" for n in range(count)]
        upload, file_format = SimpleUploadedFile("big.csv", "\n".join(lines).encode()), CSV
    with CaptureQueriesContext(connection) as queries:
        response = preview(client, "task", upload, file_format)
    assert form_errors(response)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "django_session" not in q["sql"]
    ]
    assert writes == []


# Both languages: a file is written in the page's language, and read in either.


@pytest.mark.parametrize(
    "language, code, name, measure, percentage",
    [
        ("en", "Code", "Name (English)", "Measure", "Percentage"),
        ("zh-hans", "编号", "名称（英文）", "计量方式", "百分比"),
    ],
)
def test_an_export_names_its_columns_and_choices_in_the_pages_language(
    client, make, jiangsu, settings, language, code, name, measure, percentage
):
    target = make.target(make.task(lead="jiangsu"), measure="percentage", target_value=80)
    client.force_login(jiangsu)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    content = export(client, "target", TargetResource, CSV).decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(content)) if r[code] == target.code)
    assert (row[name], row[measure]) == ("Target", percentage)

    page = client.get(url("target", "export")).content.decode()
    assert f">{name}</label>" in page and "Name En" not in page
    page = client.get(url("target", "import")).content.decode()
    assert name in page and "name_en" not in page


@pytest.mark.parametrize("exported_in, imported_in", [("zh-hans", "en"), ("en", "zh-hans")])
def test_a_file_exported_in_one_language_imports_in_the_other(
    client, make, jiangsu, settings, exported_in, imported_in
):
    target = make.target(
        make.task(lead="jiangsu"), name_en="Before", measure="percentage", target_value=80
    )
    client.force_login(jiangsu)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = exported_in
    content = export(client, "target", TargetResource, CSV).decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(content)) if target.code in r.values())
    with translation.override(exported_in):
        row[TargetResource().label("name_en")] = "After"

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = imported_in
    response = preview(client, "target", csv_file([row]))
    assert "confirm_form" in response.context, row_errors(response.context["result"])
    assert confirm(client, "target", response).status_code == 302
    target.refresh_from_db()
    assert (target.name_en, target.measure, target.direction) == ("After", "percentage", "higher")


@pytest.mark.parametrize("given", ["delayed", "Delayed", " DELAYED ", "延误"])
def test_a_choice_is_read_from_its_value_or_its_label_in_either_language(make, office, given):
    task = make.task(lead="jiangsu")
    row = {"code": task.code, "status": given, "status_reason": "Late.", "version": task.version}
    result = import_rows(TaskResource, [row], office)
    assert not result.has_validation_errors(), row_errors(result)
    task.refresh_from_db()
    assert task.status == Status.DELAYED


def test_a_row_error_is_shown_under_its_columns_label(client, make, jiangsu, settings):
    task = make.task(lead="jiangsu")
    client.force_login(jiangsu)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    row = {"code": task.code, "status": "finished", "status_reason": "", "version": task.version}
    result = preview(client, "task", csv_file([row])).context["result"]
    [invalid] = result.invalid_rows
    assert invalid.error_dict == {
        "状态": ["“finished”不是可选值之一：未启动、正常推进、存在风险、延误、已完成、暂停、取消。"]
    }
    assert dict(zip(result.diff_headers, invalid.values, strict=True))["状态"] == "finished"


@pytest.mark.parametrize(
    "header, message",
    [
        (["code", "编号", "title_en"], "“code” and “编号” are the same column"),
        (["title_en", "version"], "The file has no column “Code”"),
    ],
)
def test_a_file_whose_headers_do_not_name_its_rows_is_refused(
    client, make, jiangsu, header, message
):
    task = make.task(lead="jiangsu", title_en="Before")
    client.force_login(jiangsu)
    values = [task.code, task.code, "After"][: len(header)]
    content = f"{','.join(header)}\n{','.join(values)}\n".encode()
    response = preview(client, "task", SimpleUploadedFile("upload.csv", content))
    assert message in form_errors(response)
    assert "result" not in response.context
    task.refresh_from_db()
    assert task.title_en == "Before"


@pytest.mark.parametrize("resource", [TaskResource, TargetResource, ProgressReportResource])
def test_no_two_columns_answer_to_the_same_header(resource):
    names = {}
    for column in resource().fields:
        for language in ("en", "zh-hans"):
            with translation.override(language):
                names.setdefault(loosely(resource().label(column)), set()).add(column)
        names.setdefault(loosely(column), set()).add(column)
    assert {name: columns for name, columns in names.items() if len(columns) > 1} == {}
