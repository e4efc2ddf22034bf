"""Generated values in every admin form, list edit, action and import: never a 500, nothing
saved from an invalid form, and whatever is saved passes the model's own validation.

Each test posts as many generated submissions as the Hypothesis profile says (tests/conftest.py:
200 in CI on PostgreSQL). A submission starts from what the page
rendered (so it is often nearly valid and reaches the checks behind the first field), then
replaces, drops or adds values: text with NUL and control characters, huge and non-finite
numbers, impossible dates, unknown choices, keys of missing rows or of another member's rows,
stale and malformed versions. Every submission runs in a transaction rolled back afterwards,
so each starts from the same data: what the tables held before the first submission is read
once, and read again after a submission only if it sent a write to the database.
"""

import csv
import io
import tempfile
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from initiatives.models import Member, Plan, ProgressReport, StaffProfile, Target
from initiatives.resources import ProgressReportResource, TargetResource, TaskResource
from tests import factories
from tests.admin_forms import change_form_data
from tests.staff import Region, editor, reviewer

pytestmark = pytest.mark.django_db

SAVED = 302
ANSWERS = {200, 302, 400, 403, 404}
DROP = object()  # a field left out of the submission


def url(model, view, *args):
    return reverse(f"admin:initiatives_{model}_{view}", args=args)


# Generated values --------------------------------------------------------------------------

# No surrogates (category Cs), so every value can be sent as UTF-8.
CONTROL = st.characters(categories=["Cc", "Cf", "Zs", "Co"])
NASTY_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.one_of(CONTROL, st.sampled_from("\x00'\"<>&=+-@")), max_size=20),
    st.text(min_size=1, max_size=5).map(lambda s: s * 200),  # longer than any column
    st.sampled_from(["", " ", "\x00", "a\x00b", "\t\r\n", "=cmd|' /C calc'!A0", "﻿x"]),
)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(
        [
            "NaN",
            "-NaN",
            "sNaN",
            "inf",
            "-Infinity",
            "1e999",
            "-1E-999",
            "0.00001",
            "1e5",
            "9" * 30,
            "-0",
            "1,5",
            "１２",
            "²",
            "١٢",
            str(2**63),
            str(2**64),
            str(-(2**63) - 1),
        ]
    ),
)
DATES = st.one_of(
    st.dates().map(str),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2027, 12, 31)).map(str),
    st.sampled_from(
        [
            "2024-02-30",
            "2024-13-01",
            "0000-00-00",
            "99999-01-01",
            "2024/06/30",
            "30.06.2024",
            "2024-06-31",
            "24-6-30",
            "2024-06-30T00:00",
            "-2024-01-01",
            "today",
        ]
    ),
)
WORDS = st.from_regex(r"[a-z_\-]{0,20}", fullmatch=True)


def junk(*valid):
    """Any of the generated values, or one of the values that make sense for the field."""
    return st.one_of(
        NASTY_TEXT, NUMBERS, DATES, WORDS, *([st.sampled_from(valid)] if valid else [])
    )


def field_value(original, valid):
    """The rendered value, one of `valid`, any generated value, or nothing at all."""
    options = [st.just(original)] if original is not None else []
    return st.one_of(*options, *options, junk(*valid), st.just(DROP))


# A formset builds (and the page renders) as many forms as its count says, up to 2,000: far
# slower than anything else here, so the counts get small or malformed values only.
COUNTS = st.sampled_from(["0", "1", "2", "3", "-1", "", "x", "1.5", "٣", "\x00"])
MANAGEMENT = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")


def submission(base, valid, extra=None):
    """The page's own data with some values replaced or dropped; `extra` adds fields."""
    values = {}
    for key in sorted({*base, *(extra or {})}):
        name = key.rsplit("-", 1)[-1]
        original = base.get(key, (extra or {}).get(key))
        if name in MANAGEMENT:
            counts = {original, (extra or {}).get(key, original)}
            values[key] = st.one_of(st.sampled_from(sorted(counts)), COUNTS, st.just(DROP))
        else:
            values[key] = field_value(original, valid.get(name, ()))
    return st.fixed_dictionaries(values).map(
        lambda data: {k: v for k, v in data.items() if v is not DROP}
    )


# What the database holds -------------------------------------------------------------------

TRACKED = [
    *apps.get_app_config("initiatives").get_models(),
    get_user_model(),
]


def snapshot():
    """Every row of the tracker's tables (and users), by model and key."""
    return {
        model: {row["pk"]: row for row in model._default_manager.values("pk", *fields_of(model))}
        for model in TRACKED
    }


def fields_of(model):
    return [f.attname for f in model._meta.concrete_fields if f.attname != "updated_at"]


def changed_rows(before, after):
    """(model, pk) of every row added or changed; rows removed, separately."""
    changed, removed = [], []
    for model, rows in after.items():
        old = before[model]
        changed += [(model, pk) for pk, row in rows.items() if old.get(pk) != row]
        removed += [(model, pk) for pk in old if pk not in rows]
    return changed, removed


def error_messages(response):
    """The error messages this request added (the stored ones are from earlier requests)."""
    added = get_messages(response.wsgi_request)._queued_messages
    return [str(m) for m in added if m.level == messages.ERROR]


WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def check_submission(client, path, data, before):
    """Post `data`; never a 500; nothing written unless saved; what is written is valid.

    `before` is the snapshot() of the data every submission starts from (each is rolled
    back). Saved means redirected with no error message: a refused action or import
    redirects too.
    """
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            response = client.post(path, data)
        status = response.status_code
        assert status in ANSWERS, (path, data, status)
        # A statement the driver refused is logged without its SQL: it may have been a write.
        wrote = any(
            not q["sql"] or q["sql"].lstrip().upper().startswith(WRITES)
            for q in queries.captured_queries
        )
        changed, removed = changed_rows(before, snapshot()) if wrote else ([], [])
        if status != SAVED or error_messages(response):
            assert not changed and not removed, (path, data, status, changed, removed)
        for model, pk in changed:
            if model._meta.app_label != "initiatives" or model.__name__.startswith("Historical"):
                continue
            model._default_manager.get(pk=pk).full_clean()
        transaction.set_rollback(True)
    return response


# Forms --------------------------------------------------------------------------------------


@pytest.fixture
def region(db):
    region = Region()
    factories.member("shanghai")
    factories.member("anhui")
    factories.source()
    factories.source("anhui-2024")
    region.milestone = factories.target(region.jiangsu_task, measure="milestone")
    return region


def accounts():
    return {
        "office": reviewer(),
        "jiangsu": editor("jiangsu"),
        "root": get_user_model().objects.create_superuser("root", "root@example.org", None),
    }


def valid_values(region):
    """Per field name, values that make sense there (in scope or not)."""
    items = [region.jiangsu_task, region.zhejiang_task, region.shared_project]
    targets = Target.objects.all()
    pks = lambda queryset: [str(pk) for pk in queryset.values_list("pk", flat=True)]  # noqa: E731
    members = pks(Member.objects.all())
    version_values = ["1", "2", "3", "0", "-1", "99999", str(2**40)]
    return {
        "status": ["not_started", "in_progress", "delayed", "done", "cancelled", "on_hold"],
        "new_status": ["in_progress", "delayed", "done"],
        "measure": ["number", "percentage", "milestone", "ratio"],
        "direction": ["higher", "lower"],
        "qualifier": ["", "over", "nearly", "about", "exact"],
        "target_qualifier": ["", "over", "nearly", "about"],
        "kind": ["province", "municipality", "city"],
        "role": ["lead", "co", "support"],
        "member": members,
        "focus_area": pks(type(items[0].focus_area).objects.all()),
        "target": pks(targets),
        "source": pks(type(factories.source()).objects.all()),
        "sources": pks(type(factories.source()).objects.all()),
        "parent": [str(region.shared_project.pk), str(region.zhejiang_initiative.pk)],
        "item": [str(item.pk) for item in (*items, region.zhejiang_initiative)],
        "plan": pks(Plan.objects.all()),
        "user": pks(get_user_model().objects.all()),
        "seen_version": version_values,
        "value": ["10", "50", "100", "-5", "0", "100.5", "1e3"],
        "target_value": ["10", "100", "0", "-1"],
        "baseline_value": ["0", "5", ""],
        "as_of": ["2024-06-30", "2024-09-30", "2099-01-01", "2019-01-01"],
        "target_date": ["2025-12-31", "2026-12-31", ""],
        "due_date": ["2025-12-31", "2023-01-01", ""],
        "start_date": ["2024-01-01", "2027-01-01", ""],
        "evidence_url": ["https://example.org/a", "javascript:alert(1)", "http://", "ftp://x"],
        "status_reason": ["", " ", "Permits are late."],
        "revision_reason": ["", "Raised at the forum."],
        "submit_for_review": ["on", ""],
        "milestone_reached": ["on", ""],
        "code": ["T-001", "T-900", "I-99", "P-99", region.jiangsu_task.code],
        "slug": ["anhui", "hubei", "a b", ""],
        "key": ["anhui-2024", "new-source", "a b"],
        "number": ["1", "2", "0", "-1", "32768"],
        "position": ["0", "1", "-1", "70000"],
    }


def extra_inline_rows(page):
    """One more row for each inline, with every field present (empty): a new target,
    responsibility or the like, whose values are then generated."""
    extra = {}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        index = formset.total_form_count()
        for name in formset.empty_form.fields:
            if name in ("id", "DELETE"):
                continue
            extra[f"{formset.prefix}-{index}-{name}"] = ""
        extra[f"{formset.prefix}-TOTAL_FORMS"] = str(index + 1)
    return extra


FORMS = [
    # (account, model, object in the region or None to add, query of the add page)
    ("office", "initiative", None, ""),
    ("office", "initiative", "zhejiang_initiative", ""),
    ("office", "cooperationproject", "shared_project", ""),
    ("office", "task", None, ""),
    ("office", "task", "zhejiang_task", ""),
    ("office", "target", None, ""),
    ("office", "target", "jiangsu_target", ""),
    ("office", "target", "milestone", ""),
    ("office", "progressreport", None, "target"),
    ("office", "progressreport", "zhejiang_draft", ""),
    ("office", "member", None, ""),
    ("office", "focusarea", None, ""),
    ("office", "source", None, ""),
    ("office", "plan", None, ""),
    ("root", "staffprofile", None, ""),
    ("root", "staffprofile", "profile", ""),
    ("jiangsu", "task", "jiangsu_task", ""),
    ("jiangsu", "cooperationproject", "shared_project", ""),
    ("jiangsu", "target", "jiangsu_target", ""),
    ("jiangsu", "progressreport", None, "target"),
    ("jiangsu", "progressreport", "jiangsu_draft", ""),
]


def form_page(client, region, model, name, query):
    if name == "profile":
        obj = StaffProfile.objects.get(user__username="jiangsu")
    else:
        obj = getattr(region, name) if name else None
    path = url(model, "change", obj.pk) if obj else url(model, "add")
    params = {"target": region.jiangsu_target.pk} if query == "target" else {}
    page = client.get(path, params)
    assert page.status_code == 200, (path, page.status_code)
    return path, page


@pytest.mark.parametrize(
    "account, model, name, query", FORMS, ids=[f"{a}-{m}-{n or 'add'}" for a, m, n, _ in FORMS]
)
def test_admin_forms(client, region, account, model, name, query):
    users = accounts()
    client.force_login(users[account])
    path, page = form_page(client, region, model, name, query)
    base = change_form_data(page)
    base.update({"_save": "Save"})
    extra = extra_inline_rows(page)
    valid = valid_values(region)

    before = snapshot()

    @given(data=submission(base, valid, extra))
    def run(data):
        check_submission(client, path, data, before)

    run()


# List edits and actions ---------------------------------------------------------------------


def key_choices(region):
    """Keys of rows in and out of the user's scope, of missing rows and of no row at all."""
    keys = [str(obj.pk) for obj in (region.jiangsu_task, region.zhejiang_task)]
    keys += [str(report.pk) for report in ProgressReport.objects.all()]
    return st.one_of(st.sampled_from(keys), NUMBERS, NASTY_TEXT)


def seen_version_values(keys):
    version = st.one_of(st.integers(min_value=-2, max_value=5).map(str), NUMBERS, NASTY_TEXT)
    return st.lists(st.one_of(st.tuples(keys, version).map(":".join), NASTY_TEXT), max_size=4)


def action_submissions(region, action, extra):
    keys = key_choices(region)
    fields = {
        "action": st.one_of(st.just(action), WORDS),
        "_selected_action": st.lists(keys, min_size=1, max_size=4),
        "_seen_version": seen_version_values(keys),
        "index": st.one_of(st.just("0"), NUMBERS),
        "select_across": st.sampled_from(["0", "1", "x"]),
        "apply": st.sampled_from(["yes", DROP]),
        **extra,
    }
    return st.fixed_dictionaries(fields).map(
        lambda data: {k: v for k, v in data.items() if v is not DROP}
    )


REASONS = st.one_of(NASTY_TEXT, st.just("Permits are late."), st.just(DROP))
ACTIONS = [
    # (account, model, action, extra fields)
    ("office", "task", "change_status", {"new_status": True, "reason": True}),
    ("jiangsu", "task", "change_status", {"new_status": True, "reason": True}),
    ("office", "initiative", "change_status", {"new_status": True, "reason": True}),
    ("office", "submittedreport", "approve_reports", {}),
    ("office", "submittedreport", "return_reports", {"reason": True}),
    ("office", "progressreport", "return_reports", {"reason": True}),
    ("jiangsu", "progressreport", "submit_reports", {}),
]


@pytest.mark.parametrize(
    "account, model, action, fields", ACTIONS, ids=[f"{a}-{m}-{c}" for a, m, c, _ in ACTIONS]
)
def test_admin_actions(client, region, account, model, action, fields):
    factories.report(region.jiangsu_target, value=40, status="submitted", as_of=date(2024, 8, 31))
    client.force_login(accounts()[account])
    valid = valid_values(region)
    extra = {
        "new_status": st.one_of(st.sampled_from(valid["status"]), WORDS, NASTY_TEXT, st.just(DROP)),
        "reason": REASONS,
    }
    path = url(model, "changelist")

    before = snapshot()

    @given(data=action_submissions(region, action, {k: extra[k] for k in fields}))
    def run(data):
        check_submission(client, path, data, before)

    run()


# Imports ------------------------------------------------------------------------------------

IMPORTS = {"task": TaskResource, "target": TargetResource, "progressreport": ProgressReportResource}
FORMAT = {"csv": "0", "xlsx": "1"}


def cell_values(region):
    known = [
        region.jiangsu_task.code,
        region.zhejiang_task.code,
        region.jiangsu_target.code,
        region.zhejiang_target.code,
        str(region.jiangsu_draft.uuid),
        "jiangsu",
        "area-1",
        "in_progress",
        "2024-09-30",
        "12",
        "1",
    ]
    return st.one_of(st.sampled_from(known), NASTY_TEXT, NUMBERS, DATES, WORDS, st.just(""))


def headers(resource):
    """The resource's own columns (so that rows often get as far as the save), or anything."""
    columns = [field.column_name for field in resource().get_import_fields()]
    own = st.lists(st.sampled_from(columns), min_size=1, max_size=8, unique=True)
    mixed = st.lists(
        st.one_of(st.sampled_from(columns), NASTY_TEXT), min_size=1, max_size=8, unique=True
    )
    return st.one_of(own, mixed)


@st.composite
def tables(draw, resource, cells):
    header = draw(headers(resource))
    rows = draw(st.lists(st.lists(cells, min_size=len(header), max_size=len(header)), max_size=4))
    return [header, *rows]


def csv_bytes(table, encoding):
    out = io.StringIO()
    csv.writer(out).writerows(table)
    return out.getvalue().encode(encoding, errors="replace")


def xlsx_bytes(table):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook()
    for row in table:
        book.active.append([ILLEGAL_CHARACTERS_RE.sub("", value)[:32767] for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GARBAGE = st.one_of(
    st.binary(max_size=200),
    st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe\x00\x00", b"PK\x03\x04broken", b"\x00" * 64]),
)


@st.composite
def uploads(draw, resource, cells):
    """(format, file name, content): a well-formed file of generated cells, or garbage."""
    file_format = draw(st.sampled_from(["csv", "xlsx"]))
    name = draw(st.sampled_from(["upload", "upload.csv", "upload.xlsx", "../x.csv", "a\x00.csv"]))
    if draw(st.integers(0, 4)) == 0:
        return file_format, name, draw(GARBAGE)
    table = draw(tables(resource, cells))
    if file_format == "xlsx":
        return file_format, name, xlsx_bytes(table)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "latin-1", "utf-16"]))
    return file_format, name, csv_bytes(table, encoding)


def confirmation(form):
    """The confirm step's fields as the preview rendered them, some replaced by generated
    values (another or a missing temporary file, an unknown format)."""
    initial = {key: str(value) for key, value in form.initial.items()}
    return st.fixed_dictionaries(
        {
            key: st.one_of(st.just(value), st.just(value), NASTY_TEXT, WORDS, st.just(DROP))
            for key, value in initial.items()
        }
    ).map(lambda data: {k: v for k, v in data.items() if v is not DROP})


@pytest.mark.parametrize("account", ["office", "jiangsu"])
@pytest.mark.parametrize("model", list(IMPORTS))
def test_imports(client, region, account, model):
    client.force_login(accounts()[account])
    cells = cell_values(region)

    before = snapshot()

    @given(upload=uploads(IMPORTS[model], cells), data=st.data())
    def run(upload, data):
        file_format, name, content = upload
        sent = {
            "resource": "0",
            "format": FORMAT[file_format],
            "import_file": SimpleUploadedFile(name, content),
        }
        with transaction.atomic():
            preview = check_submission(client, url(model, "import"), sent, before)
            assert preview.status_code == 200
            result = preview.context.get("result")
            if "confirm_form" not in preview.context:
                # Refused: the page says why, as a form error or row by row.
                shown = preview.context["form"].errors or (
                    result and (result.has_errors() or result.has_validation_errors())
                )
                assert shown, (name, content)
                return
            assert not result.has_errors()
            confirm_form = preview.context["confirm_form"]
            try:
                form = data.draw(confirmation(confirm_form))
                check_submission(client, url(model, "process_import"), form, before)
            finally:
                left = Path(tempfile.gettempdir(), confirm_form.initial["import_file_name"])
                left.unlink(missing_ok=True)
            transaction.set_rollback(True)

    run()


@pytest.mark.parametrize("model", list(IMPORTS))
def test_import_confirmations(client, region, model):
    """The confirm step posted without a preview: no such file, format or resource."""
    client.force_login(accounts()["office"])
    fields = {
        "import_file_name": st.one_of(NASTY_TEXT, WORDS, st.sampled_from([".", "..", "/etc"])),
        "original_file_name": st.one_of(NASTY_TEXT, st.just("upload.csv")),
        "format": st.one_of(st.sampled_from(["0", "1", "2", "-1", ""]), NUMBERS, WORDS),
        "resource": st.one_of(st.sampled_from(["", "0", "1", "-1"]), NUMBERS, WORDS),
    }
    submissions = st.fixed_dictionaries(
        {key: st.one_of(value, st.just(DROP)) for key, value in fields.items()}
    ).map(lambda data: {k: v for k, v in data.items() if v is not DROP})

    before = snapshot()

    @given(data=submissions)
    def run(data):
        check_submission(client, url(model, "process_import"), data, before)

    run()


# What the generated values found, as plain tests ---------------------------------------------


@pytest.fixture
def office(client):
    user = reviewer()
    client.force_login(user)
    return user


@pytest.mark.parametrize("value", ["sNaN", "-sNaN", "NaN", "Infinity"])
def test_a_target_value_that_is_not_a_number_is_a_form_error(client, make, office, value):
    target = make.target(make.task(lead="jiangsu"), target_value=100)
    page = client.get(url("target", "change", target.pk))
    data = {**change_form_data(page), "target_value": value, "revision_reason": "Raised."}
    response = client.post(url("target", "change", target.pk), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["target_value"]
    target.refresh_from_db()
    assert target.target_value == 100


@pytest.mark.parametrize("key", ["NaN", "x", str(2**64)])
def test_an_action_on_a_key_that_cannot_exist_changes_nothing(client, make, office, key):
    task = make.task(lead="jiangsu")
    response = client.post(
        url("task", "changelist"),
        {
            "action": "change_status",
            "_selected_action": [task.pk, key],
            "index": "0",
            "apply": "yes",
            "new_status": "delayed",
            "reason": "Permits are late.",
        },
    )
    assert response.status_code == 302
    assert error_messages(response) == ["No such record."]
    task.refresh_from_db()
    assert task.status != "delayed"


@pytest.mark.parametrize("version", ["²", "١"])
def test_a_version_in_other_digits_is_not_a_version(client, make, office, version):
    task = make.task(lead="jiangsu")
    response = client.post(
        url("task", "changelist"),
        {
            "action": "change_status",
            "_selected_action": [task.pk],
            "_seen_version": [f"{task.pk}:{version}"],
            "index": "0",
            "apply": "yes",
            "new_status": "delayed",
            "reason": "Permits are late.",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status != "delayed"


def csv_upload(rows):
    return SimpleUploadedFile("upload.csv", csv_bytes(rows, "utf-8"), content_type="text/csv")


def test_confirming_an_import_twice_writes_it_once_and_says_why(client, make, office):
    task = make.task(lead="jiangsu", title_en="Before")
    upload = csv_upload([["code", "title_en", "version"], [task.code, "After", task.version]])
    preview = client.post(
        url("task", "import"), {"resource": "0", "format": "0", "import_file": upload}
    )
    confirm = {key: str(value) for key, value in preview.context["confirm_form"].initial.items()}
    assert client.post(url("task", "process_import"), confirm).status_code == 302
    task.refresh_from_db()
    assert task.title_en == "After"
    versions = task.version

    again = client.post(url("task", "process_import"), confirm)
    assert again.status_code == 302
    assert again.url == url("task", "import")
    assert error_messages(again) == [
        "This import is no longer waiting for confirmation: upload the file again."
    ]
    task.refresh_from_db()
    assert task.version == versions


@pytest.mark.parametrize(
    "changes", [{"format": "x"}, {"format": "7"}, {"resource": "3"}, {"import_file_name": "."}]
)
def test_a_confirmation_naming_no_such_format_resource_or_file(client, make, office, changes):
    task = make.task(lead="jiangsu", title_en="Before")
    upload = csv_upload([["code", "title_en", "version"], [task.code, "After", task.version]])
    preview = client.post(
        url("task", "import"), {"resource": "0", "format": "0", "import_file": upload}
    )
    confirm = {key: str(value) for key, value in preview.context["confirm_form"].initial.items()}
    response = client.post(url("task", "process_import"), {**confirm, **changes})
    assert response.status_code == 302
    assert error_messages(response)
    task.refresh_from_db()
    assert task.title_en == "Before"
    Path(tempfile.gettempdir(), confirm["import_file_name"]).unlink(missing_ok=True)


PAST_THE_DATABASE = [str(2**63), str(-(2**63) - 1)]  # one past a 64-bit key, either way


@pytest.mark.parametrize("key", PAST_THE_DATABASE)
def test_every_admin_address_naming_a_key_past_the_database_is_a_404(client, make, office, key):
    task = make.task(lead="jiangsu")
    target = make.target(task)
    content_type = ContentType.objects.get_for_model(type(task)).pk
    for path in (
        url("task", "change", key),
        url("task", "history", key),
        url("task", "delete", key),
        url("target", "change", key),
        url("progressreport", "change", key),
        f"/admin/r/{content_type}/{key}/",
    ):
        assert client.get(path).status_code == 404, path
    # A form's starting values naming no possible row are ignored.
    response = client.get(url("progressreport", "add"), {"target": key})
    assert response.status_code == 200
    assert client.get(url("progressreport", "add"), {"target": target.pk}).status_code == 200
