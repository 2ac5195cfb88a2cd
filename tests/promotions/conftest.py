"""Helpers of the promotions tests."""

import pytest

from apps.grades.choices import Grade
from apps.reviews.choices import CycleKind
from tests.factories import AnnualGradeFactory, ReviewCycleFactory

LONG_TEXT = "I qualify every lead with SPIN questions and confirm the next step in writing. " * 4


@pytest.fixture
def cycle(db):
    return ReviewCycleFactory(kind=CycleKind.YEAR, period_key="2026", name="2026 annual review")


def grade_for(cycle, person, grade=Grade.A, *, finalised=True):
    return AnnualGradeFactory(
        cycle=cycle, person=person, grade=grade, proposed_grade=grade, finalised=finalised
    )
