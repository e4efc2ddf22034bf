"""Reads of anonymous public pages from replicas, everything else on the primary.

The router's tests point a replica alias at the test database itself (a mirror, as the settings
make every replica in tests), so they run on both databases. The `replica` test needs a real
streaming replica of the PostgreSQL primary, named by TEST_REPLICA_URL (CI starts one with
`.ci/replica`); it runs in the PostgreSQL run only.
"""

import os
import time

import dj_database_url
import pytest
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext

from initiatives.models import Initiative
from initiatives.routers import ReplicaRouter, replica_reads
from tests.shared import settle_page_cache
from tests.test_settings import run_with

ALIAS = "replica_test"


def test_replica_urls_become_mirrored_aliases():
    result = run_with(
        "from django.conf import settings as s; d = s.DATABASES; "
        "print(s.DATABASE_REPLICAS, d['replica_2']['HOST'], d['replica_2']['TEST']['MIRROR'], "
        "d['replica_1']['OPTIONS']['options'], s.DATABASE_REPLICA_LAG, "
        "d['replica_1']['DISABLE_SERVER_SIDE_CURSORS'])",
        DATABASE_URL="postgres://primary.example/tracker",
        DATABASE_TRANSACTION_POOLER="true",
        DATABASE_REPLICA_URLS="postgres://one.example/tracker, postgres://two.example/tracker",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().split(maxsplit=2) == [
        "['replica_1',",
        "'replica_2']",
        "two.example default -c jit=off 5.0 True",
    ]


def test_a_replica_of_sqlite_is_refused():
    result = run_with(
        "",
        DATABASE_URL="sqlite:///unused.sqlite3",
        DATABASE_REPLICA_URLS="postgres://one.example/tracker",
    )
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URLS" in result.stderr


def test_the_router_reads_from_a_replica_only_when_told(settings):
    settings.DATABASE_REPLICAS = ["replica_a", "replica_b"]
    router = ReplicaRouter()
    assert router.db_for_read(Initiative) == DEFAULT_DB_ALIAS
    with replica_reads():
        assert {router.db_for_read(Initiative) for _ in range(50)} == {"replica_a", "replica_b"}
        assert router.db_for_write(Initiative) == DEFAULT_DB_ALIAS
    assert router.db_for_read(Initiative) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "initiatives")
    assert not router.allow_migrate("replica_a", "initiatives")


def test_reads_inside_a_transaction_stay_on_the_primary(settings, db):
    settings.DATABASE_REPLICAS = ["replica_a"]
    with replica_reads(), transaction.atomic():  # and so does every test with `db`
        assert ReplicaRouter().db_for_read(Initiative) == DEFAULT_DB_ALIAS


def add_replica(**connection):
    """A replica alias on the primary's test database (its NAME). It is made as Django makes a
    connection but kept out of the configured databases, so no test setup creates, flushes or
    guards it."""
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    replica = {**primary, **connection, "TEST": {**primary["TEST"], "MIRROR": DEFAULT_DB_ALIAS}}
    backend = load_backend(replica["ENGINE"])
    setattr(connections._connections, ALIAS, backend.DatabaseWrapper(replica, ALIAS))


def remove_replica():
    connections[ALIAS].close()
    delattr(connections._connections, ALIAS)


@pytest.fixture
def mirror(transactional_db, settings):
    """A replica that is the test database itself. The page's rows are committed (a
    transactional test, which flushes the tables after it), since another connection reads
    them."""
    add_replica()
    settings.DATABASE_REPLICAS = [ALIAS]
    settings.DATABASE_REPLICA_LAG = 0
    yield connections[ALIAS]
    remove_replica()


def queries_of(client, path):
    """The response to a GET and the number of queries it made on the primary and the
    replica."""
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(connections[ALIAS]) as replica,
    ):
        response = client.get(path)
    return response, len(primary), len(replica)


def test_an_anonymous_page_reads_from_the_replica_and_staff_from_the_primary(mirror, client, make):
    page = make.initiative(title_en="Read from a replica").get_absolute_url()
    settle_page_cache(client)  # the page cache's read of the plans' addresses, on the primary
    response, on_primary, on_replica = queries_of(client, page)
    assert response.status_code == 200
    assert "Read from a replica" in response.text
    assert (on_primary, on_replica > 0) == (0, True)

    client.force_login(make.user())
    response, on_primary, on_replica = queries_of(client, page)
    assert response.status_code == 200
    assert (on_primary > 0, on_replica) == (True, 0)


def test_other_methods_and_the_admin_read_from_the_primary(mirror, client, make):
    page = make.initiative().get_absolute_url()
    with CaptureQueriesContext(connections[ALIAS]) as replica:
        client.post(page)
        client.get("/admin/login/")
    assert len(replica) == 0


def test_pages_read_from_the_primary_while_replicas_replay_a_write(mirror, client, make, settings):
    settings.DATABASE_REPLICA_LAG = 60
    initiative = make.initiative()
    assert queries_of(client, initiative.get_absolute_url())[2] == 0  # a generation new to it
    settings.DATABASE_REPLICA_LAG = 0
    assert queries_of(client, initiative.get_absolute_url())[2] > 0


def wait_for_replay(lsn):
    """Poll the replica until it has replayed the primary's WAL up to `lsn` (milliseconds on
    loopback; 10 s at most)."""
    deadline = time.monotonic() + 10
    with connections[ALIAS].cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            if cursor.fetchone()[0]:
                return
            assert time.monotonic() < deadline, f"the replica did not replay up to {lsn}"
            time.sleep(0.02)


def primary_lsn():
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        return cursor.fetchone()[0]


def on_replica(sql):
    with connections[ALIAS].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


@pytest.fixture
def streaming_replica(transactional_db, settings, in_ci):
    """TEST_REPLICA_URL's server as a replica alias on the primary's test database, which it
    holds since it streams the whole cluster."""
    url = os.environ.get("TEST_REPLICA_URL")
    reason = None
    if not url:
        reason = "no streaming replica named by TEST_REPLICA_URL"
    else:
        parsed = dj_database_url.parse(url)
        add_replica(**{key: parsed[key] for key in ("HOST", "PORT", "USER", "PASSWORD")})
        try:
            connections[ALIAS].ensure_connection()
        except OperationalError as error:
            remove_replica()
            reason = f"the replica at {url} is unreachable: {error}"
    if reason:
        if in_ci:
            pytest.fail(f"CI runs the replica test: {reason}", pytrace=False)
        pytest.skip(reason)
    settings.DATABASE_REPLICAS = [ALIAS]
    settings.DATABASE_REPLICA_LAG = 0
    assert on_replica("SELECT pg_is_in_recovery()"), f"{url} is not a replica"
    yield connections[ALIAS]
    on_replica("SELECT pg_wal_replay_resume() IS NULL")
    remove_replica()


@pytest.mark.replica
def test_a_streaming_replica_serves_the_public_and_staff_see_their_writes(
    streaming_replica, client, make
):
    """About a second: the replica replays what the test commits on the primary."""
    initiative = make.initiative(title_en="Before the write")
    page = initiative.get_absolute_url()
    wait_for_replay(primary_lsn())
    staff = type(client)()
    staff.force_login(make.user())
    wait_for_replay(primary_lsn())  # the session

    # With replay paused, what the replica serves shows what was written on which server.
    on_replica("SELECT pg_wal_replay_pause() IS NULL")
    deadline = time.monotonic() + 10
    while on_replica("SELECT pg_get_wal_replay_pause_state()") != "paused":
        assert time.monotonic() < deadline, "the replica's replay did not pause"
        time.sleep(0.02)
    initiative.title_en = "After the write"
    initiative.save()
    assert Initiative.objects.using(DEFAULT_DB_ALIAS).get(pk=initiative.pk).title_en == (
        "After the write"
    )

    settle_page_cache(client)  # the page cache's read of the plans' addresses, on the primary
    response, primary_queries, replica_queries = queries_of(client, page)
    assert "Before the write" in response.text  # the replica's rows, replay paused
    assert (primary_queries, replica_queries > 0) == (0, True)
    response, primary_queries, replica_queries = queries_of(staff, page)
    assert "After the write" in response.text  # staff read their write from the primary
    assert (primary_queries > 0, replica_queries) == (True, 0)

    # Once replayed, the public reads the write from the replica (the page rendered while
    # replay was paused is cached under the new generation: DATABASE_REPLICA_LAG, 0 here,
    # is what keeps such pages from being cached in production).
    on_replica("SELECT pg_wal_replay_resume() IS NULL")
    wait_for_replay(primary_lsn())
    cache.clear()
    settle_page_cache(client)
    response, primary_queries, replica_queries = queries_of(client, page)
    assert "After the write" in response.text
    assert (primary_queries, replica_queries > 0) == (0, True)
