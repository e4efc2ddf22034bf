"""What many tests share: data built once for a whole module, ports of their own, and the
headless Chromium of the browser tests."""

import os
import socket
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import transaction


@contextmanager
def shared_data(django_db_blocker):
    """Data built once for many tests (in a fixture of class or module scope that asks for
    `django_db_setup` and `django_db_blocker`): what the fixture builds inside this block is
    in a transaction opened before the first of its tests and rolled back after the last.
    Each test still runs in a savepoint of its own inside it, so what one test writes is gone
    before the next (and the autouse `empty_cache` empties the cache before each test)."""
    block = transaction.atomic()
    # As a test case's own: never committed (see caching.bump_on_commit).
    block._from_testcase = True
    with django_db_blocker.unblock(), block:
        try:
            yield
        finally:
            transaction.set_rollback(True)


# The API's lists, as its index names them (an address has a hyphen for each underscore).
API_LISTS = {
    "plans",
    "initiatives",
    "projects",
    "tasks",
    "targets",
    "reports",
    "revisions",
    "periods",
    "editions",
    # Added with the schema; the nine above are unchanged.
    "status_changes",
    "members",
    "areas",
    "sources",
}


def load_demo():
    call_command("loaddata", "demo", verbosity=0)


def free_port():
    """A loopback port no other process (nor another pytest-xdist worker) is listening on:
    the system hands out a new one each time."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def unavailable(reason):
    """Skip a browser test on a machine without what it needs; in CI, fail it."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"Browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def settle_page_cache(client):
    """Let the page cache read which plan each address shows (one query per process, again
    after each write to the plans or an emptied cache: initiatives/caching.py, `Plans`), so
    that the queries counted next are the page's own, whichever page is counted first."""
    assert client.get("/robots.txt").status_code == 200
