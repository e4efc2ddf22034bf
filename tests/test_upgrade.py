"""A database made before the one item table is carried to it without loss.

tests/data/tracker-before-one-item-table.sqlite3.gz was made by the three-table tracker: the
demo fixture loaded, then staff edits (a title and a status changed, a role changed, a task
added and deleted, a target renamed, an admin log entry). Its .figures.json is what
tests/upgrade_figures.py printed of it under that code. Here the same script runs on a copy
after `migrate`: every public figure, report, status change and history row must match.

Costs about ten seconds (two Django processes and the migrations on a copy); it is the proof
that upgrading a live database loses nothing.
"""

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent


def manage(database, *args, stdin=None):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    )


def test_an_old_database_keeps_every_figure_and_history_row(tmp_path):
    database = tmp_path / "tracker.sqlite3"
    with gzip.open(DATA / "tracker-before-one-item-table.sqlite3.gz") as packed:
        with database.open("wb") as unpacked:
            shutil.copyfileobj(packed, unpacked)
    manage(database, "migrate", "--noinput")
    script = (Path(__file__).parent / "upgrade_figures.py").read_text()
    after = json.loads(manage(database, "shell", "--no-imports", stdin=script).stdout)
    before = json.loads((DATA / "tracker-before-one-item-table.figures.json").read_text())

    assert len(after["items"]) == 193 and len(after["reports"]) == 620
    assert after["item_history"], "the staff edits left history rows"
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
    lines = manage(database, "shell", "--no-imports", "-c", script).stdout.split("\n")
    assert lines[0] == "T-002 1 [('+', 'P-03'), ('-', 'P-03')]"
    assert lines[1] == "yrd-2024-2026 True yrd-2024-2026"
