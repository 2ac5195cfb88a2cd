"""Scoped reads of reviews for every role, the cycle's progress and the detail's queries."""

import pytest
from django.http import Http404

from apps.reviews import permissions, selectors
from apps.reviews.choices import ReviewStatus
from apps.surveys.choices import SurveyStatus
from tests.factories import (
    QuarterReviewFactory,
    RepFactory,
    ReviewCycleFactory,
    ReviewFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle_reviews(cast):
    cycle = ReviewCycleFactory()
    made = {}
    for person, manager in [
        (cast.rep_a, cast.manager_a),
        (cast.rep_a2, cast.manager_a),
        (cast.rep_b, cast.manager_b),
    ]:
        made[person.username] = QuarterReviewFactory(cycle=cycle, person=person, manager=manager)
    return cycle, made


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("rep", {"rep_a"}),
        ("manager", {"rep_a", "rep_a2"}),
        ("hr", {"rep_a", "rep_a2", "rep_b"}),
        ("admin", {"rep_a", "rep_a2", "rep_b"}),
    ],
)
def test_review_list_is_own_team_or_all(cast, cycle_reviews, role, expected):
    user = cast.by_role()[role]
    names = {r.person.username for r in selectors.review_list(user=user)}
    assert names == expected


def test_review_list_of_one_cycle(cast, cycle_reviews):
    cycle, _ = cycle_reviews
    ReviewFactory(person=cast.rep_a)  # another cycle
    assert selectors.review_list(user=cast.hr, cycle=cycle).count() == 3
    assert selectors.review_list(user=cast.hr).count() == 4


def test_review_detail_out_of_scope_is_not_found(cast, cycle_reviews):
    _, made = cycle_reviews
    with pytest.raises(Http404):
        selectors.review_detail(user=cast.rep_a, pk=made["rep_a2"].pk)
    with pytest.raises(Http404):
        selectors.review_detail(user=cast.manager_a, pk=made["rep_b"].pk)
    assert selectors.review_detail(user=cast.manager_b, pk=made["rep_b"].pk).person == cast.rep_b


def test_review_detail_prefetches_everything_it_shows(
    cast, cycle_reviews, django_assert_num_queries
):
    _, made = cycle_reviews
    with django_assert_num_queries(2):
        review = selectors.review_detail(user=cast.hr, pk=made["rep_a"].pk)
    with django_assert_num_queries(0):
        indicators = selectors.review_indicators(review)
        assert len(indicators) == 4
        assert indicators[0].weight == 25
        assert review.cycle.name.startswith("2026 Q3")
        assert review.person.team.name == "Alpha"
        assert review.manager.username == "manager_a"


def test_cycle_list_counts_reviews_and_everyone_sees_cycles(cast, cycle_reviews):
    for user in cast.by_role().values():
        cycles = list(selectors.cycle_list(user=user))
        assert [c.review_count for c in cycles] == [3]


def test_cycle_progress_counts_steps_and_surveys_in_two_queries(
    cast, cycle_reviews, django_assert_num_queries
):
    cycle, made = cycle_reviews
    made["rep_a"].status = ReviewStatus.FINALISED
    made["rep_a"].save()
    SurveyFactory(rep=cast.rep_a, period_key=cycle.period_key, status=SurveyStatus.ANSWERED)
    SurveyFactory(rep=cast.rep_b, period_key=cycle.period_key)
    SurveyFactory(rep=RepFactory(), period_key=cycle.period_key)  # not in the cycle
    SurveyFactory(rep=cast.rep_b, period_key="2026-Q2")  # another quarter
    with django_assert_num_queries(2):
        progress = selectors.cycle_progress(cycle=cycle)
    assert progress["open"] == 2
    assert progress["finalised"] == 1
    assert progress["self_submitted"] == 0
    assert progress["total"] == 3
    assert progress["surveys"] == {"pending": 1, "answered": 1, "cancelled": 0, "total": 2}


def test_permissions_for_each_role(cast, cycle_reviews):
    _, made = cycle_reviews
    own = made["rep_a"]
    assert permissions.can_edit_self(cast.rep_a, own)
    assert not permissions.can_edit_self(cast.manager_a, own)
    assert not permissions.can_edit_manager(cast.rep_a, own)
    assert not permissions.can_edit_manager(cast.rep_a2, own)
    assert permissions.can_edit_manager(cast.manager_a, own)
    assert not permissions.can_edit_manager(cast.manager_b, own)
    assert permissions.can_edit_manager(cast.hr, own)
    for check in (permissions.can_waive, permissions.can_finalise):
        assert check(cast.hr, own) and check(cast.admin, own)
        assert not check(cast.manager_a, own) and not check(cast.rep_a, own)
    assert not permissions.can_reopen(cast.hr, own)  # not finalised
    assert permissions.can_view(cast.manager_a, own)
    assert not permissions.can_view(cast.rep_a2, own)
    own.status = ReviewStatus.FINALISED
    assert not permissions.can_edit_self(cast.rep_a, own)
    assert not permissions.can_edit_manager(cast.hr, own)
    assert permissions.can_reopen(cast.hr, own)
    assert permissions.can_manage_cycles(cast.hr)
    assert not permissions.can_manage_cycles(cast.manager_a)
