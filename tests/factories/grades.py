"""Factories of this app's models (exported through tests/factories/__init__.py)."""

import factory

from apps.grades.choices import Grade
from apps.grades.models import AnnualGrade
from apps.reviews.choices import CycleKind
from tests.factories.accounts import RepFactory
from tests.factories.reviews import ReviewCycleFactory

__all__ = ["AnnualGradeFactory"]


class AnnualGradeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualGrade

    cycle = factory.SubFactory(
        ReviewCycleFactory, kind=CycleKind.YEAR, period_key="2026", name="2026 annual review"
    )
    person = factory.SubFactory(RepFactory)
    year = 2026
    group_key = "company"
    group_label = "Company"
    group_size = 1
    proposed_grade = Grade.B
    grade = Grade.B
