"""The settings module refuses unsafe production configuration."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_settings(**env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import tracker.settings as s; print(s.DEBUG, s.ALLOWED_HOSTS)"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )


def test_debug_off_without_a_secret_key_refuses_to_start():
    result = load_settings(DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_debug_off_with_a_key_starts():
    result = load_settings(
        DJANGO_DEBUG="false", DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="yrd.example"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['yrd.example']"


def test_development_defaults():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True ")


def test_a_misspelt_boolean_is_an_error_not_a_guess():
    result = load_settings(DJANGO_DEBUG="flase")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr


def test_database_url_chooses_the_backend():
    from django.conf import settings

    expected = (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite3"
    )
    assert settings.DATABASES["default"]["ENGINE"].endswith(expected)


POOLED = (
    "from django.db import connection; "
    "cursor = connection.cursor(); cursor.execute('SELECT 1'); "
    "print(connection.settings_dict['CONN_MAX_AGE'], connection.pool.min_size, "
    "connection.pool.max_size, cursor.fetchone()[0])"
)


def run_with(code, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_"))
    }
    environment.update(env, DJANGO_SETTINGS_MODULE="tracker.settings")
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )


def test_a_connection_pool_serves_queries(in_ci):
    """DATABASE_POOL gives each process a psycopg pool of PostgreSQL connections."""
    postgres = "postgres://postgres@127.0.0.1:5432/postgres"
    result = run_with(POOLED, DATABASE_URL=postgres, DATABASE_POOL="1:4")
    if "Connection refused" in result.stderr and not in_ci:
        pytest.skip("PostgreSQL is not reachable")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "1", "4", "1"]


@pytest.mark.parametrize("value", ["yes", "4", "5:2", "0:0", "a:b"])
def test_a_malformed_pool_size_is_an_error(value):
    result = run_with("", DATABASE_URL="postgres://db.example/x", DATABASE_POOL=value)
    assert result.returncode != 0
    assert "DATABASE_POOL" in result.stderr


def test_sqlite_ignores_the_pool_setting():
    result = run_with(
        "from django.conf import settings; "
        "print('pool' in settings.DATABASES['default'].get('OPTIONS', {}))",
        DATABASE_URL="sqlite:///unused.sqlite3",
        DATABASE_POOL="true",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
