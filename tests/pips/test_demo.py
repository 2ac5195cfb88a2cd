"""The PIP demo: a running plan for last year's grade-C rep with past sessions logged and the
next ones upcoming; running it again changes nothing."""

import random

import pytest
from django.utils import timezone

from apps.grades.choices import Grade
from apps.pips import demo
from apps.pips.choices import PipStatus, SessionStatus
from apps.pips.models import Pip
from tests.factories import AnnualGradeFactory, ReviewCycleFactory

pytestmark = pytest.mark.django_db

LAST_YEAR = timezone.localdate().year - 1


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_demo_runs_a_plan_for_last_years_c_grade(cast, language):
    cycle = ReviewCycleFactory(kind="year", period_key=str(LAST_YEAR), name="annual")
    AnnualGradeFactory(
        cycle=cycle, year=LAST_YEAR, person=cast.rep_a, grade=Grade.C, finalised=True
    )
    AnnualGradeFactory(
        cycle=cycle, year=LAST_YEAR, person=cast.rep_b, grade=Grade.B, finalised=True
    )
    lines = demo.build(random.Random(1), {"language": language, "hr": cast.hr})
    assert "one running for rep_a" in lines[0]
    pip = Pip.objects.get()
    assert pip.status == PipStatus.ACTIVE and pip.grade.person == cast.rep_a
    assert pip.sessions.filter(status=SessionStatus.HELD).count() >= 4
    assert pip.sessions.filter(status=SessionStatus.SCHEDULED).exists()
    assert demo.build(random.Random(1), {"language": language}) == []


def test_without_a_c_grade_the_weakest_person_gets_a_plan_by_hand(cast):
    cycle = ReviewCycleFactory(kind="year", period_key=str(LAST_YEAR), name="annual")
    AnnualGradeFactory(cycle=cycle, year=LAST_YEAR, person=cast.rep_a, score=90, finalised=True)
    AnnualGradeFactory(cycle=cycle, year=LAST_YEAR, person=cast.rep_b, score=60, finalised=True)
    demo.build(random.Random(1), {"language": "en", "hr": cast.hr})
    assert Pip.objects.get().person == cast.rep_b
