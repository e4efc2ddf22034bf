import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests import factories
from tests.shared import CHROMIUM, LAUNCH_ARGS, unavailable

IN_CI = os.environ.get("CI", "").lower() == "true"
ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")

# Hypothesis profiles (docs/testing.md). Every generated test reads its number of examples and
# its randomness from the profile: a few dozen, kept between runs in .hypothesis/, for `make
# test`; in CI the same examples on every run (a landing never fails on a new random one), 200
# on PostgreSQL, the production database, and fewer on SQLite; `make fuzz` explores at random.
COMMON = {
    "deadline": None,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
}
# `make test` is the check before a change, and has five minutes: 10 examples on either
# database. CI goes further, the same examples every run (50 on SQLite, 200 on PostgreSQL, the
# production database), and `make fuzz` furthest; a failure any of them finds is kept in
# .hypothesis/ and tried first. (At 25 on SQLite, the admin fuzz took 78 of about 1,100
# worker seconds.)
hypothesis_settings.register_profile("dev", max_examples=10, **COMMON)
hypothesis_settings.register_profile(
    "ci",
    max_examples=200 if ON_POSTGRESQL else 50,
    derandomize=True,
    database=None,
    print_blob=True,
    **COMMON,
)
hypothesis_settings.register_profile("fuzz", max_examples=2000, **COMMON)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if IN_CI else "dev"))


def pytest_configure(config):
    from django.conf import settings

    # Accounts made by the tests need no slow hash: Django's default (PBKDF2, a million
    # rounds) took a third of a second for each password set or checked. The hashers the
    # tracker runs with are tested in test_settings.py, against the settings module itself.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # No test is limited by accident; the test of the API's limit sets its own rate.
    settings.API_RATE = "100000/minute"


# The slowest units of work, roughly in seconds on the 2-core machine (`--durations`): an
# xdist_group by name, or a module. pytest-xdist hands out work in collection order, so
# these go first and the short tests fill in after them: started last, the query-count group
# alone kept one worker busy for a minute and a half after the other had finished.
SLOW_FIRST = {
    "query-counts": 60,
    "tests/test_load.py": 40,
    "tests/test_browser.py": 33,
    "demo-site": 30,
    "upgrade": 26,
    "tests/test_backup.py": 20,
    "tests/test_admin_axe.py": 18,
    "tests/test_scale.py": 10,
    "tests/test_security.py": 10,
    "demo-data": 10,
    "tests/test_errors.py": 7,
    "tests/test_fuzz_admin.py": 5,
}


def slowness(item):
    group = item.get_closest_marker("xdist_group")
    name = (group.args[0] if group.args else group.kwargs.get("name")) if group else None
    return SLOW_FIRST.get(name) or SLOW_FIRST.get(item.nodeid.partition("::")[0], 0)


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    # Sorted before pytest-django sorts the tests by how they use the database, which keeps
    # this order within each kind: the tests in a transaction rolled back first, then those
    # that commit (a live server, a real rollback), then those without a database. The
    # order matters: a test that commits empties the database when it ends, and a test
    # rolled back after it on the same worker would find no staff groups.
    items.sort(key=slowness, reverse=True)  # stable: the rest keep their order
    result = yield
    deselect(config, items)
    return result


def deselect(config, items):
    # A test marked own_databases builds the databases it needs (a SQLite file, a PostgreSQL
    # database of its own) whatever DATABASE_URL says: it runs once, in the SQLite run (the
    # default `make test`), not again in the PostgreSQL one, where it would repeat the same work.
    # A test marked replica reads a streaming replica of the PostgreSQL primary: it runs in the
    # PostgreSQL run only.
    if not ON_POSTGRESQL:
        replica = [item for item in items if item.get_closest_marker("replica")]
        if replica:
            config.hook.pytest_deselected(items=replica)
            items[:] = [item for item in items if not item.get_closest_marker("replica")]
        return
    repeated = [item for item in items if item.get_closest_marker("own_databases")]
    if repeated:
        config.hook.pytest_deselected(items=repeated)
        items[:] = [item for item in items if not item.get_closest_marker("own_databases")]


def pytest_collection_finish(session):
    # A test marked xdist_group shares data built once with the rest of its group; if the
    # grouping is lost (it was, silently, with pytest 9.2), each worker would build it again.
    if getattr(session.config.option, "loadgroup", False):
        lost = [
            item.nodeid
            for item in session.items
            if item.get_closest_marker("xdist_group") and "@" not in item.nodeid
        ]
        if lost:
            raise pytest.UsageError(f"--dist loadgroup did not group {len(lost)} tests: {lost[:3]}")


def pytest_report_header(config):
    name = hypothesis_settings.get_current_profile_name()
    profile = hypothesis_settings.get_profile(name)
    return (
        f"hypothesis profile: {name} "
        f"({profile.max_examples} examples, derandomize={profile.derandomize})"
    )


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: cached pages must not outlive the rows a test
    rolls back (which sends no signal), nor one test's failed sign-ins slow down the next."""
    cache.clear()
    caches["signin"].clear()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language: a request leaves the language its
    middleware activated on the thread (an admin page asked for in Chinese, say), and a
    message the next test reads would otherwise come in that language."""
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def make():
    """The test-data builders of tests/factories.py."""
    return factories


@pytest.fixture
def in_ci():
    return IN_CI


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every browser test of the process: Playwright's sync API
    cannot start a second one while the first runs."""
    if not Path(CHROMIUM).exists():
        unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed (pip install -e '.[test]')")
    # Playwright's sync API keeps an event loop running in this thread; the database calls
    # the tests make around it are ordinary synchronous ones.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def migrated_groups(django_db_setup, django_db_blocker):
    """The staff groups and their permissions as the migrations made them."""
    from django.contrib.auth.models import Group

    with django_db_blocker.unblock():
        return {
            group.name: [
                (p.content_type.app_label, p.content_type.model, p.codename, p.name)
                for p in group.permissions.all()
            ]
            for group in Group.objects.prefetch_related("permissions__content_type")
        }


@pytest.fixture
def staff_groups(migrated_groups):
    """The staff groups, made again if a flush left them out.

    The live-server tests empty the database after each test and load back what it held at
    the start (serialized rollback) when the next such test starts. Between the two, on one
    worker, a test found the database flushed: the groups, and the permissions some migrations
    add, were missing. pytest-django runs the tests rolled back before the tests that commit
    for that reason (see pytest_collection_modifyitems); the tests that need the groups still
    make them again, whatever ran before them."""
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    for name, permissions in migrated_groups.items():
        group, created = Group.objects.get_or_create(name=name)
        if created:
            group.permissions.set(
                [
                    Permission.objects.get_or_create(
                        content_type=ContentType.objects.get_or_create(app_label=app, model=model)[
                            0
                        ],
                        codename=codename,
                        defaults={"name": label},
                    )[0]
                    for app, model, codename, label in permissions
                ]
            )
