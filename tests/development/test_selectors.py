"""Set-based scores and what a rated rep may see."""

import datetime
from decimal import Decimal

import pytest

from apps.development import selectors
from apps.development.choices import LearningKind, RaterRole, Skill
from tests.factories import RepFactory
from tests.factories.development import (
    CapabilityGoalFactory,
    CollaborationRatingFactory,
    LearningEntryFactory,
)

pytestmark = pytest.mark.django_db
D = Decimal
Q3 = "2026-Q3"


def _peers(rated, scores, period_key=Q3):
    for score in scores:
        CollaborationRatingFactory(
            rated=rated,
            rater=RepFactory(team=rated.team),
            period_key=period_key,
            cross_department=score,
            knowledge_sharing=score,
        )


def _manager(cast, rated, cross, sharing, period_key=Q3):
    CollaborationRatingFactory(
        rated=rated,
        rater=cast.manager_a,
        rater_role=RaterRole.MANAGER,
        period_key=period_key,
        cross_department=cross,
        knowledge_sharing=sharing,
    )


def test_collaboration_by_rep_combines_manager_and_peer_means(cast):
    _manager(cast, cast.rep_a, 4, 4)
    _peers(cast.rep_a, [3, 4, 5])
    _peers(cast.rep_a2, [4, 5, 5, 4])  # only peers: mean 4.5 × 20 = 90
    scores = selectors.collaboration_by_rep(period_keys=[Q3])
    assert scores == {cast.rep_a.pk: D("80.00"), cast.rep_a2.pk: D("90.00")}


def test_collaboration_by_rep_leaves_out_fewer_than_three_peers(cast):
    _manager(cast, cast.rep_a, 5, 5)
    _peers(cast.rep_a, [1, 1])
    _peers(cast.rep_a2, [4, 5])
    scores = selectors.collaboration_by_rep(period_keys=[Q3])
    assert scores.get(cast.rep_a.pk) == D("100.00")
    assert scores.get(cast.rep_a2.pk) is None


def test_collaboration_by_rep_keeps_to_the_quarters_and_reps_asked(cast):
    _manager(cast, cast.rep_a, 5, 5)
    _manager(cast, cast.rep_a, 1, 1, period_key="2026-Q2")
    _peers(cast.rep_a2, [2])
    assert selectors.collaboration_by_rep(period_keys=[Q3], rep_ids=[cast.rep_a.pk]) == {
        cast.rep_a.pk: D("100.00")
    }
    # A year passes its quarters: manager mean (5 + 1) / 2 = 3 -> 60
    assert selectors.collaboration_by_rep(period_keys=["2026-Q2", Q3], rep_ids=[cast.rep_a.pk]) == {
        cast.rep_a.pk: D("60.00")
    }


def test_collaboration_by_rep_leaves_out_reps_nobody_rated(cast):
    assert selectors.collaboration_by_rep(period_keys=[Q3], rep_ids=[cast.rep_b.pk]) == {}


@pytest.mark.parametrize("size", [1, 6])
def test_collaboration_by_rep_is_one_query_at_any_size(cast, size, django_assert_num_queries):
    for _ in range(size):
        rep = RepFactory(team=cast.team_a)
        _manager(cast, rep, 3, 4)
        _peers(rep, [4, 4, 4])
    with django_assert_num_queries(1):
        scores = selectors.collaboration_by_rep(period_keys=[Q3])
    assert len(scores) == size


def test_summary_hides_peer_mean_and_score_with_two_peers(cast):
    _manager(cast, cast.rep_a, 4, 4)
    _peers(cast.rep_a, [2, 5])
    [summary] = selectors.collaboration_summary(rated=cast.rep_a, period_keys=[Q3])
    assert summary.manager_mean == D("4.00")
    assert summary.peer_count == 2
    assert summary.peer_mean is None
    assert summary.peer_mean_hidden
    # Two peers are left out of the score (it would give their mean away): the manager's alone.
    assert summary.score == D("80.00")


def test_summary_shows_peer_mean_and_score_with_three_peers(cast):
    _manager(cast, cast.rep_a, 4, 4)
    _peers(cast.rep_a, [2, 5, 5])
    [summary] = selectors.collaboration_summary(rated=cast.rep_a, period_keys=[Q3])
    assert summary.peer_mean == D("4.00")
    assert summary.score == D("80.00")


def test_summary_of_a_quarter_without_ratings_is_empty(cast):
    [summary] = selectors.collaboration_summary(rated=cast.rep_a, period_keys=["2026-Q1"])
    assert (summary.manager_mean, summary.peer_count, summary.score) == (None, 0, None)


def test_rating_candidates_of_a_rep_are_their_teammates(cast):
    other = RepFactory(team=cast.team_a, is_active=False)
    people = set(selectors.rating_candidates(cast.rep_a))
    assert people == {cast.rep_a2}
    assert other not in people


def test_rating_candidates_of_a_manager_are_the_reps_of_their_teams(cast):
    assert set(selectors.rating_candidates(cast.manager_a)) == {cast.rep_a, cast.rep_a2}
    assert list(selectors.rating_candidates(cast.hr)) == []


def test_ratings_to_give_marks_done_and_pending(cast):
    CollaborationRatingFactory(rated=cast.rep_a, rater=cast.manager_a, period_key=Q3)
    targets = {
        t.person: t.done for t in selectors.ratings_to_give(user=cast.manager_a, period_key=Q3)
    }
    assert targets == {cast.rep_a: True, cast.rep_a2: False}


# --- capability ---------------------------------------------------------------------------------

START, END = datetime.date(2026, 7, 1), datetime.date(2026, 10, 1)
LATER = datetime.date(2026, 12, 31)


def test_capability_by_rep_from_the_learning_log_and_the_goal(cast):
    rep = cast.rep_a
    LearningEntryFactory(rep=rep, on=datetime.date(2026, 7, 3))
    LearningEntryFactory(rep=rep, on=datetime.date(2026, 8, 3))
    LearningEntryFactory(rep=rep, kind=LearningKind.EXAM, score=D(80), on=datetime.date(2026, 8, 4))
    LearningEntryFactory(
        rep=rep,
        kind=LearningKind.SANDBOX,
        skill=Skill.NEGOTIATION,
        score=D(90),
        on=datetime.date(2026, 9, 4),
    )
    LearningEntryFactory(rep=rep, on=datetime.date(2026, 10, 4))  # after the quarter
    CapabilityGoalFactory(rep=rep, year=2026, progress=D(50))
    scores = selectors.capability_by_rep(start=START, end=END, today=LATER)
    # skills 85, pace 2/3, goal 50 -> 71.67 (see test_calculations)
    assert scores == {rep.pk: D("71.67")}


def test_a_certification_without_a_score_counts_as_passed(cast):
    LearningEntryFactory(
        rep=cast.rep_a, kind=LearningKind.CERTIFICATION, on=datetime.date(2026, 7, 9)
    )
    LearningEntryFactory(
        rep=cast.rep_a, kind=LearningKind.EXAM, score=D(60), on=datetime.date(2026, 7, 9)
    )
    scores = selectors.capability_by_rep(start=START, end=END, today=LATER)
    # skills (100 + 60) / 2 = 80, pace 0: (80 × 50 + 0 × 25) / 75 = 53.33
    assert scores[cast.rep_a.pk] == D("53.33")


def test_capability_by_rep_answers_every_rep_asked(cast):
    CapabilityGoalFactory(rep=cast.rep_a2, year=2026, progress=D(60))
    scores = selectors.capability_by_rep(
        start=START, end=END, rep_ids=[cast.rep_a.pk, cast.rep_a2.pk], today=LATER
    )
    assert scores == {cast.rep_a.pk: None, cast.rep_a2.pk: D("30.00")}


def test_capability_pace_of_a_running_quarter_counts_the_months_begun(cast):
    LearningEntryFactory(rep=cast.rep_a, on=datetime.date(2026, 7, 2))
    scores = selectors.capability_by_rep(start=START, end=END, today=datetime.date(2026, 7, 20))
    # one month begun, one course: pace 100 %, nothing else defined
    assert scores[cast.rep_a.pk] == D("100.00")


@pytest.mark.parametrize("size", [1, 5])
def test_capability_by_rep_is_two_queries_at_any_size(cast, size, django_assert_num_queries):
    for _ in range(size):
        rep = RepFactory(team=cast.team_a)
        LearningEntryFactory(rep=rep, on=datetime.date(2026, 7, 3))
        LearningEntryFactory(rep=rep, kind=LearningKind.EXAM, score=D(70), on=START)
        CapabilityGoalFactory(rep=rep, year=2026)
    with django_assert_num_queries(2):
        scores = selectors.capability_by_rep(start=START, end=END, today=LATER)
    assert len(scores) == size


@pytest.mark.parametrize("size", [1, 5])
def test_capability_overview_queries_do_not_grow(cast, size, django_assert_num_queries):
    for _ in range(size):
        rep = RepFactory(team=cast.team_a)
        LearningEntryFactory(rep=rep, on=datetime.date(2026, 7, 3))
        CapabilityGoalFactory(rep=rep, year=2026)
    with django_assert_num_queries(7):
        rows = selectors.capability_overview(user=cast.hr, today=datetime.date(2026, 8, 1))
    assert len(rows) == size + 3  # the cast's three reps too


def test_capability_overview_of_a_rep_is_only_themself(cast):
    rows = selectors.capability_overview(user=cast.rep_a, today=datetime.date(2026, 8, 1))
    assert [row.person for row in rows] == [cast.rep_a]
