"""The load test of benchmarks/load_test.py, run short: gunicorn under public reads and report
submissions by the four member editors, with no error response and every accepted report saved.

gunicorn, in processes of its own, can neither reach an in-memory SQLite test database nor see
the rows of a test's open transaction. So the test prepares a database of its own, as the real
run is prepared (migrate, the demo, the demo accounts): a file for SQLite, a database created
beside the test database on the PostgreSQL server otherwise, dropped at the end.
"""

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.shared import free_port

ROOT = Path(__file__).resolve().parent.parent


def environment(database_url):
    """The test's environment without its settings: the database given, no shared cache."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in {"CACHE_URL", "REDIS_URL"}
    }
    env["DATABASE_URL"] = database_url
    return env


PREPARE = """
import django

django.setup()
from django.core.management import call_command

call_command("migrate", interactive=False, verbosity=0)
call_command("loaddata", "demo", verbosity=0)
call_command("create_demo_users", verbosity=0)
"""


@pytest.fixture
def demo_database(tmp_path):
    """(DATABASE_URL, connect) for a database holding the demo and the demo accounts."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        params = psycopg.conninfo.conninfo_to_dict(url)
        server = {key: params[key] for key in ("host", "port", "user", "password") if key in params}
        admin = psycopg.connect(**server, dbname="postgres", autocommit=True)
        name = f"tracker_load_{uuid.uuid4().hex[:12]}"
        admin.execute(f'CREATE DATABASE "{name}"')
        user = server.get("user", "postgres")
        password = f":{server['password']}" if server.get("password") else ""
        address = f"{server.get('host', '127.0.0.1')}:{server.get('port', 5432)}"
        database_url = f"postgres://{user}{password}@{address}/{name}"

        def connect():
            return psycopg.connect(**server, dbname=name)
    else:
        admin = None
        path = tmp_path / "load.sqlite3"
        database_url = f"sqlite:///{path}"

        def connect():
            return sqlite3.connect(path)

    try:
        env = {**environment(database_url), "DJANGO_DEBUG": "true"}
        # One process for the three steps of `make demo` (migrate, the demo, the accounts):
        # each process of its own started Django again.
        done = subprocess.run(
            [sys.executable, "-c", PREPARE],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "tracker.settings"},
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        yield database_url, connect
    finally:
        if admin is not None:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()


def marked_reports(connect, run):
    """Notes and states of the reports the run marked, read straight from the database."""
    connection = connect()
    try:
        cursor = connection.cursor()
        cursor.execute(
            "SELECT note, status FROM initiatives_progressreport WHERE note LIKE "
            + ("%s" if isinstance(connection, psycopg.Connection) else "?"),
            (f"{run}-%",),
        )
        return cursor.fetchall()
    finally:
        connection.close()


# It runs beside the other tests: it proves that nothing is lost or refused under concurrent
# reads and submissions, not how fast the server is (benchmarks/load_test.py, run alone on the
# machine, measures that). Its seconds of load slow the tests beside it a little; waiting for it
# alone, after every other test, cost the whole run its preparation (half a minute) on one core.
@pytest.mark.load
def test_a_short_load_answers_without_error_and_keeps_every_submitted_report(
    demo_database, tmp_path
):
    database_url, connect = demo_database
    summary_file = tmp_path / "summary.json"
    load = subprocess.run(
        [
            sys.executable,
            "benchmarks/load_test.py",
            "--duration=5",
            "--connections=4",
            "--workers=3",
            "--submit-share=0.3",
            f"--port={free_port()}",
            f"--json={summary_file}",
        ],
        cwd=ROOT,
        env=environment(database_url),
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = load.stdout + load.stderr
    assert load.returncode == 0, output
    summary = json.loads(summary_file.read_text())

    assert summary["reads"] > 0, output
    assert summary["error_responses"] == {}, output
    assert summary["socket_errors"] == {} and summary["unanswered"] == 0, output
    assert summary["unexpected"] == {}, output
    assert summary["server_log_problems"] == [], output

    # Counted here too, not only by the script: every accepted submission is in the database,
    # once, submitted for review; nothing else carries the run's mark but a submission still
    # on the wire when the load stopped.
    accepted = summary["accepted"]
    assert accepted > 0, output
    rows = marked_reports(connect, summary["run"])
    notes = [note for note, _ in rows]
    assert len(notes) == len(set(notes))
    assert {status for _, status in rows} == {"submitted"}
    assert set(summary["accepted_markers"]) <= set(notes), output
    assert len(rows) <= accepted + summary["in_flight_at_the_end"], output
    assert summary["accepted_found_in_database"] == accepted == len(summary["accepted_markers"])


# Found by the load on SQLite: concurrent report submissions answered 503, "database is locked".
# Each save is a transaction that reads (the form's checks) and then writes; SQLite refuses,
# without waiting, a write from a transaction that has read while another process holds the
# write lock. The settings make transactions take the lock when they begin, and wait for it.

CONCURRENT_SAVES = """
import threading
import time

import django

django.setup()
from django.db import connection, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE saved (n integer)")
failures = []


def second_save():
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM saved")
            cursor.execute("INSERT INTO saved VALUES (2)")
    except Exception as error:
        failures.append(str(error))
    finally:
        connection.close()


with transaction.atomic(), connection.cursor() as cursor:
    cursor.execute("INSERT INTO saved VALUES (1)")
    other = threading.Thread(target=second_save)
    other.start()
    time.sleep(1)
other.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM saved")
    print(cursor.fetchone()[0], failures)
"""


def test_concurrent_saves_on_sqlite_wait_for_the_write_lock_instead_of_failing(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", CONCURRENT_SAVES],
        cwd=ROOT,
        env={
            **environment(f"sqlite:///{tmp_path / 'locks.sqlite3'}"),
            "DJANGO_SETTINGS_MODULE": "tracker.settings",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2 []"
