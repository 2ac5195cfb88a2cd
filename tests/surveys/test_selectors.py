"""What the reviews app reads: progress per rep and satisfaction per rep, one query each."""

from decimal import Decimal

import pytest

from apps.surveys.selectors import satisfaction_by_rep, survey_progress
from tests.factories import AnsweredSurveyFactory, RepFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def test_progress_counts_sampled_answered_and_cancelled_per_rep(cast):
    SurveyFactory.create_batch(2, rep=cast.rep_a)
    AnsweredSurveyFactory(rep=cast.rep_a)
    SurveyFactory(rep=cast.rep_a, status="cancelled", cancel_reason="x")
    AnsweredSurveyFactory(rep=cast.rep_b)
    AnsweredSurveyFactory(rep=cast.rep_a, period_key="2026-Q2")
    progress = survey_progress(period_key="2026-Q3", rep_ids=[cast.rep_a.pk, cast.rep_a2.pk])
    assert progress == {cast.rep_a.pk: {"sampled": 4, "answered": 1, "cancelled": 1}}


def test_satisfaction_is_the_mean_of_answered_scores_never_zero(cast):
    AnsweredSurveyFactory(rep=cast.rep_a, score=Decimal("80.00"))
    AnsweredSurveyFactory(rep=cast.rep_a, score=Decimal("85.00"))
    AnsweredSurveyFactory(rep=cast.rep_a, score=Decimal("91.00"))
    SurveyFactory(rep=cast.rep_a)  # pending: not counted
    SurveyFactory(rep=cast.rep_a2)
    AnsweredSurveyFactory(rep=cast.rep_b, score=Decimal("70.00"), period_key="2026-Q2")
    assert satisfaction_by_rep(period_keys=["2026-Q3"]) == {cast.rep_a.pk: Decimal("85.33")}
    both = satisfaction_by_rep(period_keys=["2026-Q2", "2026-Q3"], rep_ids=[cast.rep_b.pk])
    assert both == {cast.rep_b.pk: Decimal("70.00")}


@pytest.mark.parametrize("size", [2, 12])
def test_the_selectors_take_one_query_whatever_the_number_of_reps(
    cast, django_assert_num_queries, size
):
    reps = [RepFactory(team=cast.team_a) for _ in range(size)]
    for rep in reps:
        AnsweredSurveyFactory(rep=rep)
    ids = [rep.pk for rep in reps]
    with django_assert_num_queries(1):
        assert len(survey_progress(period_key="2026-Q3", rep_ids=ids)) == size
    with django_assert_num_queries(1):
        assert len(satisfaction_by_rep(period_keys=["2026-Q3"], rep_ids=ids)) == size
