"""Lost updates on reviews under real concurrency (PostgreSQL): two writers with the same
expected version at the same moment, exactly one wins; the other is refused with a conflict
and nothing it sent is written. Skipped on SQLite (it serialises writers on the database)."""

from decimal import Decimal as D

import pytest
from django.db import connection

from apps.core.versions import StaleVersionError
from apps.performance.choices import Kpi
from apps.reviews import services
from apps.reviews.models import Review
from tests.factories import QuarterReviewFactory
from tests.sales.test_concurrency import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite skipped)"
    ),
]


def test_two_concurrent_manager_saves_with_the_same_version_exactly_one_wins(cast):
    review = QuarterReviewFactory(person=cast.rep_a, manager=cast.manager_a)

    def save(actor, score):
        return lambda: services.review_save_manager(
            actor=actor,
            review=review,
            expected_version=1,
            summary=f"by {actor.username}",
            scores={Kpi.RETENTION_RATE: (D(score), "")},
        )

    results = race([save(cast.manager_a, "60"), save(cast.hr, "90")])
    winners = [r for r in results if isinstance(r, Review)]
    refusals = [r for r in results if isinstance(r, StaleVersionError)]
    assert (len(winners), len(refusals)) == (1, 1), results
    review.refresh_from_db()
    assert review.version == 2
    assert review.manager_summary == winners[0].manager_summary
    indicator = review.indicators.get(kpi=Kpi.RETENTION_RATE)
    expected = D("60") if winners[0].manager_summary == "by manager_a" else D("90")
    assert indicator.manager_score == expected
    assert refusals[0].current_values["manager_summary"] == winners[0].manager_summary


def test_a_concurrent_waiver_and_manager_save_on_the_same_version_never_both_win(cast):
    review = QuarterReviewFactory(person=cast.rep_a, manager=cast.manager_a)

    results = race(
        [
            lambda: services.review_waive_part(
                actor=cast.hr, review=review, part="manager", reason="left", expected_version=1
            ),
            lambda: services.review_save_manager(
                actor=cast.manager_a,
                review=review,
                expected_version=1,
                summary="my notes",
                scores={Kpi.RETENTION_RATE: (D("75"), "")},
            ),
        ]
    )
    winners = [r for r in results if isinstance(r, Review)]
    refusals = [r for r in results if isinstance(r, StaleVersionError)]
    assert (len(winners), len(refusals)) == (1, 1), results
    review.refresh_from_db()
    assert review.version == 2
    waived = "manager" in review.waivers
    saved = review.manager_summary == "my notes"
    assert waived != saved  # exactly one of the two writes is there
