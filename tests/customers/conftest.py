"""Fixtures shared by the customers tests."""

import pytest

from tests.factories import CustomerFactory


@pytest.fixture
def records(cast):
    """One customer per rep of the cast, named after the owner."""
    return {
        rep.username: CustomerFactory(owner=rep, name=f"{rep.username} customer")
        for rep in (cast.rep_a, cast.rep_a2, cast.rep_b)
    }
