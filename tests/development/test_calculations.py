"""The collaboration and capability formulas, with hand-computed cases."""

import datetime
from decimal import Decimal

import pytest

from apps.development.calculations import (
    CapabilityInputs,
    capability_score,
    collaboration_score,
    course_pace,
    months_in,
    peer_mean_shown,
    rating_mean,
    rating_value,
)

D = Decimal


def test_rating_value_is_the_mean_of_both_dimensions():
    assert rating_value(3, 4) == D("3.5")
    assert rating_value(5, 5) == D("5")


def test_collaboration_weighs_manager_and_peer_means_equally_times_twenty():
    # manager 4; peers 3, 4, 5 -> mean 4; (4 × 0.5 + 4 × 0.5) × 20 = 80
    assert collaboration_score([D(4)], [D(3), D(4), D(5)]) == D("80.00")
    # manager 5; peers 3, 3.5, 3.25 -> mean 3.25; (2.5 + 1.625) × 20 = 82.50
    assert collaboration_score([D(5)], [D(3), D("3.5"), D("3.25")]) == D("82.50")


def test_collaboration_with_only_the_manager_counts_the_manager_alone():
    assert collaboration_score([D("3.5")], []) == D("70.00")


def test_collaboration_with_only_peers_counts_the_peers_alone():
    assert collaboration_score([], [D(4), D(5), D("4.5")]) == D("90.00")


def test_fewer_than_three_peers_are_left_out_so_the_score_cannot_reveal_them():
    # manager 5, two peers at 1: counting them would give (5 + 1) / 2 × 20 = 60 and, with the
    # manager mean visible, the peers' ratings away; the score is the manager's alone.
    assert collaboration_score([D(5)], [D(1), D(1)]) == D("100.00")
    assert collaboration_score([], [D(4), D(5)]) is None


def test_collaboration_without_any_rating_is_undefined_not_zero():
    assert collaboration_score([], []) is None


def test_collaboration_rounds_half_up():
    # manager 1; peers 2, 2, 3 -> 7/3; (0.5 + 7/6) × 20 = 33.333…
    assert collaboration_score([D(1)], [D(2), D(2), D(3)]) == D("33.33")


def test_peer_mean_is_hidden_below_three_peers_and_shown_from_three():
    assert peer_mean_shown([D(4), D(5)]) is None
    assert peer_mean_shown([D(4), D(5), D(3)]) == D("4.00")
    assert peer_mean_shown([]) is None


def test_rating_mean_rounds_and_is_none_without_ratings():
    assert rating_mean([D(3), D(4), D(4)]) == D("3.67")
    assert rating_mean([]) is None


def test_capability_with_skills_pace_and_goal_weighs_50_25_25():
    # skills mean 85; pace 2 courses / 3 months = 66.67 %; goal 50
    # (85 × 50 + 66.666… × 25 + 50 × 25) / 100 = 71.67
    inputs = CapabilityInputs(
        months=3, courses=2, assessed=(D(80), D(90)), goal_progress=(D(50),), entries=5
    )
    assert capability_score(inputs) == D("71.67")


def test_capability_without_a_goal_renormalises_over_skills_and_pace():
    # (85 × 50 + 66.666… × 25) / 75 = 78.89
    inputs = CapabilityInputs(
        months=3, courses=2, assessed=(D(80), D(90)), goal_progress=(), entries=5
    )
    assert capability_score(inputs) == D("78.89")


def test_capability_pace_is_capped_at_one_course_a_month():
    # pace 10 courses / 3 months capped at 100 %; skills 70: (70 × 50 + 100 × 25) / 75 = 80
    inputs = CapabilityInputs(months=3, courses=10, assessed=(D(70),), goal_progress=(), entries=11)
    assert capability_score(inputs) == D("80.00")


def test_capability_without_assessed_scores_uses_pace_and_goal():
    # pace 1/3 = 33.33 %; goal 90: (33.333… × 25 + 90 × 25) / 50 = 61.67
    inputs = CapabilityInputs(months=3, courses=1, assessed=(), goal_progress=(D(90),), entries=1)
    assert capability_score(inputs) == D("61.67")


def test_capability_with_a_goal_but_nothing_logged_counts_a_zero_pace():
    inputs = CapabilityInputs(months=3, courses=0, assessed=(), goal_progress=(D(60),), entries=0)
    assert capability_score(inputs) == D("30.00")


def test_capability_with_nothing_logged_and_no_goal_is_undefined():
    inputs = CapabilityInputs(months=3, courses=0, assessed=(), goal_progress=(), entries=0)
    assert capability_score(inputs) is None


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (datetime.date(2026, 7, 1), datetime.date(2026, 10, 1), 3),
        (datetime.date(2026, 7, 1), datetime.date(2026, 8, 15), 2),
        (datetime.date(2026, 1, 1), datetime.date(2027, 1, 1), 12),
        (datetime.date(2026, 7, 1), datetime.date(2026, 7, 1), 1),
    ],
)
def test_months_in_counts_begun_months(start, end, months):
    assert months_in(start, end) == months


def test_course_pace_is_courses_per_month():
    assert course_pace(4, 3) == D("1.33")
    assert course_pace(0, 3) == D("0.00")
