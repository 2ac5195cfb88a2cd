"""The grades demo: last year's annual cycle proposed, two grades moved with a reason,
finalised; running it again changes nothing."""

import random
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.grades import demo
from apps.grades.models import AnnualGrade
from apps.reviews.choices import CycleKind
from tests.factories import RepFactory, ReviewCycleFactory, ReviewFactory, ScorecardFactory

pytestmark = pytest.mark.django_db

LAST_YEAR = str(timezone.localdate().year - 1)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_demo_calibrates_the_reviews_demo_cycle(cast, language):
    cycle = ReviewCycleFactory(kind=CycleKind.YEAR, period_key=LAST_YEAR, name="annual")
    for index in range(12):
        ReviewFactory(cycle=cycle, person=RepFactory(team=cast.team_a), score=Decimal(60 + index))
    lines = demo.build(random.Random(1), {"language": language, "hr": cast.hr})
    assert "12 proposed, 2 moved with a reason, 12 finalised" in lines[0]
    grades = AnnualGrade.objects.filter(cycle=cycle)
    assert grades.count() == 12 and not grades.filter(finalised=False).exists()
    moved = grades.exclude(calibrated_by=None)
    assert moved.count() == 2
    assert all(grade.reason and grade.grade != grade.proposed_grade for grade in moved)
    assert demo.build(random.Random(1), {"language": language}) == []


def test_without_the_reviews_demo_it_stands_in_from_the_year_scorecards(cast):
    for rep, score in ((cast.rep_a, "91"), (cast.rep_a2, "75"), (cast.rep_b, "60")):
        ScorecardFactory(rep=rep, period_key=LAST_YEAR, score=Decimal(score))
    lines = demo.build(random.Random(2), {"language": "en"})
    assert "stand-in" in lines[0]
    assert AnnualGrade.objects.filter(finalised=True).count() == 3


def test_nothing_to_grade_is_said_not_raised(db):
    assert "nothing graded" in demo.build(random.Random(3), {"language": "en"})[0]
