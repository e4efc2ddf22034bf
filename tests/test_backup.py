"""`make backup` and `make restore`: a backup taken on SQLite restores into PostgreSQL whole,
and so does one taken before the one item table."""

import gzip
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

# Every test here runs manage.py on databases of its own (SQLite files, a PostgreSQL database
# made for it), whatever DATABASE_URL says.
pytestmark = pytest.mark.own_databases

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
POSTGRES = "postgres://postgres@127.0.0.1:5432/"

POPULATE = """
from datetime import date
from django.contrib.admin.models import LogEntry, CHANGE
from django.contrib.auth.models import Group, User
from initiatives.models import StatusChange
from tests import factories as f
editor = User.objects.create_user("jiangsu", password="s3cret-pass")
editor.groups.add(Group.objects.get_or_create(name="Member editors")[0])
project = f.project(lead="shanghai", co=["zhejiang"])
for n in range(3):
    task = f.task(lead="jiangsu", co=["anhui"], project=project, title_zh="长三角跨省门诊")
    target = f.target(task, target_value=600000, baseline_value=None)
    for month, status in enumerate(["approved", "approved", "submitted", "returned", "draft"]):
        f.report(target, value=1000 * (month + n), as_of=date(2024, month + 1, 28), status=status)
    f.report(target, value=10, member=f.member("anhui"))
    milestone = f.target(task, measure="milestone")
    f.report(milestone, narrative_en="Opened", narrative_zh="开通", milestone_reached=True)
    f.revision(target, {"target_value": ("500000", "600000")}, reason="Plan raised")
task.status = "on_track"
task._change_reason = "Works started"
task.save()
StatusChange.objects.create(
    item=task, old_status="not_started", new_status="on_track", reason="Works started"
)
LogEntry.objects.log_actions(editor.pk, [task], CHANGE, change_message="Status")
"""


def manage(database_url, *args, check=True, stdin=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DATABASE_URL"] = database_url
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check:
        assert result.returncode == 0, result.stderr[-3000:]
    return result


def rows(path):
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        return sorted(json.dumps(row, sort_keys=True) for row in json.load(stream))


@pytest.fixture
def postgres_database(in_ci):
    psycopg = pytest.importorskip("psycopg")
    name = f"tracker_restore_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(POSTGRES + "postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        if in_ci:
            pytest.fail(f"PostgreSQL is required in CI: {error}")
        pytest.skip(f"PostgreSQL is not reachable: {error}")
    yield POSTGRES + name
    with psycopg.connect(POSTGRES + "postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_sqlite_backup_restores_into_postgresql_identically(tmp_path, postgres_database):
    sqlite = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    manage(sqlite, "migrate", "--noinput")
    manage(sqlite, "shell", "-c", POPULATE)
    first = tmp_path / "first.json.gz"
    manage(sqlite, "backup", str(first))

    manage(postgres_database, "restore", str(first))
    second = tmp_path / "second.json.gz"
    manage(postgres_database, "backup", str(second))

    before, after = rows(first), rows(second)
    assert before == after
    models = {json.loads(row)["model"] for row in before}
    assert {
        "auth.user",
        "auth.group",
        "initiatives.plan",
        "initiatives.planitem",
        "initiatives.responsibility",
        "initiatives.target",
        "initiatives.progressreport",
        "initiatives.revision",
        "initiatives.statuschange",
        "initiatives.historicalplanitem",
        "admin.logentry",
    } <= models
    assert sum('"initiatives.progressreport"' in row for row in before) == 21

    refused = manage(postgres_database, "restore", str(first), check=False)
    assert refused.returncode != 0
    assert "already holds plan data" in refused.stderr
    manage(postgres_database, "restore", "--replace", str(first))
    third = tmp_path / "third.json.gz"
    manage(postgres_database, "backup", str(third))
    assert rows(third) == before


def comparable(path):
    """The rows of a backup, with the order of many-to-many lists (which each database returns
    in an order of its own) left out."""
    found = []
    for row in json.loads(gzip.decompress(path.read_bytes())):
        for name, value in row["fields"].items():
            if isinstance(value, list) and all(isinstance(v, int | list) for v in value):
                row["fields"][name] = sorted(value)
        found.append(json.dumps(row, sort_keys=True))
    return sorted(found)


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory):
    """tests/data/tracker-before-one-item-table.sqlite3.gz, made by the three-table tracker
    (the demo fixture loaded, then staff edits: a title and a status changed, a role changed,
    a task added and deleted, a target renamed, an admin log entry), after `migrate`.

    Migrated once for the tests below (about ten seconds): they are the proof that upgrading
    a live database, or restoring a backup taken before the upgrade, loses nothing."""
    sqlite = tmp_path_factory.mktemp("upgrade") / "upgraded.sqlite3"
    sqlite.write_bytes(
        gzip.decompress((DATA / "tracker-before-one-item-table.sqlite3.gz").read_bytes())
    )
    manage(f"sqlite:///{sqlite}", "migrate", "--noinput")
    return f"sqlite:///{sqlite}"


BEHIND = (-2, -1)  # Schedule.OVERDUE, Schedule.BEHIND


@pytest.mark.xdist_group("upgrade")
def test_an_old_database_keeps_every_figure_and_history_row(upgraded):
    """tracker-before-one-item-table.figures.json is what tests/upgrade_figures.py printed of
    the old database under the three-table code: the same script must print the same now."""
    script = (Path(__file__).parent / "upgrade_figures.py").read_text()
    after = json.loads(manage(upgraded, "shell", "--no-imports", stdin=script).stdout)
    before = json.loads((DATA / "tracker-before-one-item-table.figures.json").read_text())
    assert len(after["items"]) == 193 and len(after["reports"]) == 620
    assert after["item_history"], "the staff edits left history rows"
    for code, row in before["items"].items():
        if row[2] is None and row[3] == "None" and after["items"][code][2] in BEHIND:
            # Since silence counts (models/progress.py), an item with no approved report is
            # behind once a quarter of its time has passed, where the old code said unknown.
            after["items"][code][2] = None
    for part in before:
        assert after[part] == before[part], part

    # The rows that name an item by id follow it to its new one.
    script = """
from django.contrib.admin.models import LogEntry
from initiatives.models import Plan, Task
task = Task.objects.get(code="T-002")
entry = LogEntry.objects.get()
deleted = Task.history.filter(code="T-999").values_list("history_type", "parent__code")
print(entry.get_edited_object().code, task.history.count(), sorted(deleted))
print(Plan.objects.get().slug, Plan.objects.get().is_current, task.plan.slug)
"""
    lines = manage(upgraded, "shell", "--no-imports", "-c", script).stdout.split("\n")
    assert lines[0] == "T-002 1 [('+', 'P-03'), ('-', 'P-03')]"
    assert lines[1] == "yrd-2024-2026 True yrd-2024-2026"


@pytest.mark.xdist_group("upgrade")
def test_a_backup_of_the_three_item_tables_restores_as_an_upgrade_would_carry_it(
    tmp_path, postgres_database, upgraded
):
    """tests/data/tracker-before-one-item-table.json.gz is what `backup` of the three-table
    tracker wrote of tracker-before-one-item-table.sqlite3.gz. Restored now, it must hold
    what that database holds once `migrate` has upgraded it in place."""
    expected = tmp_path / "upgraded.json.gz"
    manage(upgraded, "backup", str(expected))

    restored = manage(
        postgres_database, "restore", str(DATA / "tracker-before-one-item-table.json.gz")
    )
    assert "three item tables" in restored.stdout
    again = tmp_path / "restored.json.gz"
    manage(postgres_database, "backup", str(again))
    assert comparable(again) == comparable(expected)
    models = {json.loads(row)["model"] for row in comparable(again)}
    assert {"initiatives.plan", "initiatives.planitem", "initiatives.responsibility"} <= models
    assert not models & {"initiatives.task", "initiatives.taskresponsibility"}


def test_upgrade_backup_refuses_a_migrated_database(tmp_path):
    live = tmp_path / "live.sqlite3"
    with sqlite3.connect(live) as connection:
        connection.execute(
            "CREATE TABLE django_migrations (id integer PRIMARY KEY, app text, name text, "
            "applied datetime)"
        )
        connection.execute(
            "INSERT INTO django_migrations (app, name, applied) "
            "VALUES ('initiatives', '0001_initial', '2024-01-15 09:00')"
        )
    sqlite = f"sqlite:///{live}"
    source = str(DATA / "tracker-before-one-item-table.json.gz")
    refused = manage(sqlite, "upgrade_backup", source, str(tmp_path / "out.json"), check=False)
    assert refused.returncode != 0
    assert "empty scratch database" in refused.stderr


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    sqlite = f"sqlite:///{tmp_path / 'target.sqlite3'}"
    broken = tmp_path / "broken.json.gz"
    broken.write_bytes(b"not gzip at all")
    result = manage(sqlite, "restore", str(broken), check=False)
    assert result.returncode != 0
    assert "not a readable backup" in result.stderr
    missing = manage(sqlite, "restore", str(tmp_path / "missing.json.gz"), check=False)
    assert "No backup at" in missing.stderr


def test_backup_never_overwrites(tmp_path):
    sqlite = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    manage(sqlite, "migrate", "--noinput")
    target = tmp_path / "taken.json.gz"
    target.write_bytes(b"keep me")
    result = manage(sqlite, "backup", str(target), check=False)
    assert result.returncode != 0
    assert target.read_bytes() == b"keep me"
