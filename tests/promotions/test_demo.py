"""The promotions demo: last year's finalised A grades become candidates, one with an accepted
methodology document (training material) and one with a submitted one; running it again
changes nothing."""

import random

import pytest
from django.utils import timezone

from apps.grades.choices import Grade
from apps.promotions import demo
from apps.promotions.choices import CandidateStatus
from apps.promotions.models import MethodologyDocument, PromotionCandidate
from apps.reviews.choices import CycleKind
from tests.factories import ReviewCycleFactory
from tests.promotions.conftest import grade_for

pytestmark = pytest.mark.django_db

LAST_YEAR = timezone.localdate().year - 1


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_demo_names_candidates_with_one_accepted_and_one_submitted_document(cast, language):
    cycle = ReviewCycleFactory(kind=CycleKind.YEAR, period_key=str(LAST_YEAR), name="annual")
    for person in (cast.rep_a, cast.rep_a2, cast.rep_b):
        grade = grade_for(cycle, person)
        grade.year = LAST_YEAR
        grade.save()
    grade_for(cycle, cast.manager_a, Grade.B)
    lines = demo.build(random.Random(1), {"language": language, "hr": cast.hr})
    assert "3 candidates, 2 methodology documents" in lines[0]
    statuses = sorted(PromotionCandidate.objects.values_list("status", flat=True))
    assert statuses == sorted(
        [CandidateStatus.ACCEPTED, CandidateStatus.SUBMITTED, CandidateStatus.AWAITING]
    )
    assert MethodologyDocument.objects.filter(accepted_at__isnull=False).count() == 1
    assert demo.build(random.Random(1), {"language": language}) == []


def test_demo_without_grades_says_so(db):
    assert "no finalised grade A" in demo.build(random.Random(1), {"language": "en"})[0]
