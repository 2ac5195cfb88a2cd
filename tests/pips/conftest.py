"""Helpers of the PIP tests."""

import datetime

import pytest

from apps.grades.choices import Grade
from apps.pips import services
from tests.factories import AnnualGradeFactory, PipFactory, ScorecardFactory

#: Monday 7 Sep 2026: a working day; the plan runs to 7 Dec 2026.
START = datetime.date(2026, 9, 7)


@pytest.fixture
def c_grade(cast):
    """A finalised grade C of rep_a (team Alpha) with a year scorecard behind it."""
    ScorecardFactory(
        rep=cast.rep_a,
        period_key="2025",
        period_kind="year",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2026, 1, 1),
        kpi_scores={
            "sales_achievement_rate": {"score": "92.00"},
            "collection_rate": {"score": "48.00"},
            "new_customers": {"score": "60.00"},
            "retention_rate": {"score": "75.00"},
        },
    )
    return AnnualGradeFactory(
        person=cast.rep_a, grade=Grade.C, proposed_grade=Grade.C, finalised=True
    )


@pytest.fixture
def proposed(cast):
    return PipFactory(person=cast.rep_a, manager=cast.manager_a)


@pytest.fixture
def active(cast, proposed):
    return services.pip_complete(
        actor=cast.manager_a,
        pip=proposed,
        goals="Collection rate to 80",
        support="Weekly one-to-one, joint visits",
        start_date=START,
    )
