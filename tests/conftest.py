import os

import pytest
from django.core.cache import cache

from tests import factories


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: cached pages must not outlive the rows a test
    rolls back (which sends no signal)."""
    cache.clear()


@pytest.fixture
def make():
    """The test-data builders of tests/factories.py."""
    return factories


@pytest.fixture
def in_ci():
    return os.environ.get("CI", "").lower() == "true"
