"""Helpers of the grades tests: an annual cycle with annual reviews carrying scores."""

from decimal import Decimal

import pytest

from apps.reviews.choices import CalibrationScope, CycleKind
from tests.factories import RepFactory, ReviewCycleFactory, ReviewFactory


def make_annual_cycle(**kwargs):
    kwargs.setdefault("name", "2026 annual review")
    return ReviewCycleFactory(kind=CycleKind.YEAR, period_key="2026", **kwargs)


def add_reviews(cycle, scores, *, team=None, people=None, qualitative=None):
    """One annual review per score (``None``: no score), each for a new rep of ``team`` (or the
    given ``people``); returns the reviews in order."""
    reviews = []
    for index, score in enumerate(scores):
        person = people[index] if people else RepFactory(team=team)
        reviews.append(
            ReviewFactory(
                cycle=cycle,
                person=person,
                score=None if score is None else Decimal(str(score)),
                quarterly_mean=None if qualitative is None else Decimal(str(qualitative[index])),
            )
        )
    return reviews


@pytest.fixture
def annual_cycle(db):
    return make_annual_cycle()


@pytest.fixture
def team_cycle(db):
    return make_annual_cycle(calibration_scope=CalibrationScope.TEAM)
