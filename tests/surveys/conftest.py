"""Fixtures shared by the surveys tests."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The public link page counts refused attempts per address in the cache."""
    cache.clear()
    yield
    cache.clear()
