"""Fixtures of the reviews tests, on top of the standard cast of tests/conftest.py: one Q3 2026
cycle, the open quarterly reviews of the cast's reps in it, and browser clients signed in as the
cast's rep, manager and HR."""

import pytest
from django.test import Client

from tests.factories import QuarterReviewFactory, ReviewCycleFactory


@pytest.fixture
def cycle(db):
    """A Q3 2026 360° cycle with no reviews of its own (the ``review`` fixtures add them)."""
    return ReviewCycleFactory()


@pytest.fixture
def review(cast, cycle):
    """rep_a's open quarterly review in ``cycle``, by manager_a, computed scores empty."""
    return QuarterReviewFactory(cycle=cycle, person=cast.rep_a, manager=cast.manager_a)


@pytest.fixture
def reviews(cast, cycle, review):
    """The open quarterly review of every rep of the cast in ``cycle``, by username
    (``reviews["rep_a"]`` is ``review``)."""
    return {
        "rep_a": review,
        "rep_a2": QuarterReviewFactory(cycle=cycle, person=cast.rep_a2, manager=cast.manager_a),
        "rep_b": QuarterReviewFactory(cycle=cycle, person=cast.rep_b, manager=cast.manager_b),
    }


@pytest.fixture
def signed_in(db):
    """``signed_in(user)`` returns a new browser client signed in as ``user``; unlike
    ``client_as``, every call gives its own client, so a test can hold several at once."""

    def sign_in(user):
        client = Client()
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def rep_client(cast, signed_in):
    return signed_in(cast.rep_a)


@pytest.fixture
def manager_client(cast, signed_in):
    return signed_in(cast.manager_a)


@pytest.fixture
def hr_client(cast, signed_in):
    return signed_in(cast.hr)
