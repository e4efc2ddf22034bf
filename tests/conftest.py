import os

import pytest

from tests import factories


@pytest.fixture
def make():
    """The test-data builders of tests/factories.py."""
    return factories


@pytest.fixture
def in_ci():
    return os.environ.get("CI", "").lower() == "true"
