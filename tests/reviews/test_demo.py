"""The reviews demo builds finished, annual and running cycles through the services, in both
languages with the same shape."""

import random

import pytest

from apps.core.models import AuditEntry
from apps.reviews import demo
from apps.reviews.choices import CycleKind, CycleStatus, ReviewStatus
from apps.reviews.models import Review, ReviewCycle
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_demo_builds_history_annual_and_running_cycles(cast, language):
    for rep in (cast.rep_a, cast.rep_b):
        for _ in range(4):
            CustomerFactory(owner=rep)
    lines = demo.build(random.Random(7), {"hr": cast.hr, "language": language})
    assert len(lines) == 4
    quarters = ReviewCycle.objects.filter(kind=CycleKind.QUARTER)
    assert quarters.count() == 6
    assert quarters.filter(status=CycleStatus.OPEN).count() == 1
    running = quarters.get(status=CycleStatus.OPEN)
    assert not running.reviews.filter(status=ReviewStatus.FINALISED).exists()
    finished = Review.objects.filter(cycle__kind=CycleKind.QUARTER).exclude(cycle=running)
    assert finished.count() == 15  # 3 reps × 5 finished quarters
    assert not finished.exclude(status=ReviewStatus.FINALISED).exists()
    assert not finished.filter(score__isnull=True).exists()
    annual = ReviewCycle.objects.get(kind=CycleKind.YEAR)
    assert annual.reviews.count() == 3
    assert all(len(r.quarter_scores) == 4 for r in annual.reviews.all())
    assert AuditEntry.objects.filter(action="review.reopen").count() == 1
    # rep_a2 has no customers: the customer part was waived with a reason in the language
    waived = finished.filter(person=cast.rep_a2).first().waivers["customer"]["reason"]
    assert waived == demo.TEXT[language]["waive_reason"]
    assert demo.build(random.Random(7), {"hr": cast.hr, "language": language}) == []


def test_demo_texts_have_the_same_shape_in_both_languages():
    zh, en = demo.TEXT["zh-hans"], demo.TEXT["en"]
    assert zh.keys() == en.keys()
    for key, value in zh.items():
        if isinstance(value, list):
            assert len(value) == len(en[key]), key
