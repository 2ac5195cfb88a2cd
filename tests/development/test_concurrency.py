"""Two saves of the same collaboration rating at the same moment on PostgreSQL: one wins, the
other is refused as a conflict — never a lost update, never a duplicate."""

import pytest

from apps.core.versions import StaleVersionError
from apps.development import services
from apps.development.models import CollaborationRating
from tests.concurrency import require_postgres, together
from tests.factories.development import CollaborationRatingFactory

pytestmark = pytest.mark.services


def _save(cast, score, expected_version, period_key):
    return lambda: services.rating_save(
        actor=cast.rep_a,
        rated=cast.rep_a2,
        cross_department=score,
        knowledge_sharing=score,
        period_key=period_key,
        expected_version=expected_version,
    )


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_updates_of_one_rating_lose_nothing(cast):
    require_postgres()
    key = services.open_rating_periods()[0]
    rating = CollaborationRatingFactory(rated=cast.rep_a2, rater=cast.rep_a, period_key=key)
    outcomes = together(_save(cast, 1, rating.version, key), _save(cast, 5, rating.version, key))
    saved = [o for o in outcomes if isinstance(o, CollaborationRating)]
    refused = [o for o in outcomes if isinstance(o, StaleVersionError)]
    assert (len(saved), len(refused)) == (1, 1), outcomes
    rating.refresh_from_db()
    assert rating.cross_department == saved[0].cross_department
    assert rating.version == saved[0].version


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_first_ratings_make_one_row_and_one_conflict(cast):
    require_postgres()
    key = services.open_rating_periods()[0]
    outcomes = together(_save(cast, 2, 0, key), _save(cast, 4, 0, key))
    assert sorted(type(o).__name__ for o in outcomes) == [
        "CollaborationRating",
        "StaleVersionError",
    ], outcomes
    assert CollaborationRating.objects.count() == 1
