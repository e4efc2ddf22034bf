"""`make backup` and `make restore`: a backup taken on SQLite restores into PostgreSQL whole."""

import gzip
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = "postgres://postgres@127.0.0.1:5432/"

POPULATE = """
from datetime import date
from django.contrib.admin.models import LogEntry, CHANGE
from django.contrib.auth.models import Group, User
from initiatives.models import StatusChange, TargetRevision
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
    TargetRevision.objects.create(
        target=target, old_target_value=500000, new_target_value=600000, reason="Plan raised"
    )
task.status = "on_track"
task._change_reason = "Works started"
task.save()
StatusChange.objects.create(
    task=task, old_status="not_started", new_status="on_track", reason="Works started"
)
LogEntry.objects.log_actions(editor.pk, [task], CHANGE, change_message="Status")
"""


def manage(database_url, *args, check=True):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DATABASE_URL"] = database_url
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
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
        "initiatives.task",
        "initiatives.target",
        "initiatives.progressreport",
        "initiatives.targetrevision",
        "initiatives.statuschange",
        "initiatives.historicaltask",
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
