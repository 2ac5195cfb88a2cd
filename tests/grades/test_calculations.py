"""Forced distribution (SPEC §2.6) as pure functions: counts rounded half up, ties at a
boundary take the better grade, people without a score listed but not graded by rank."""

from decimal import Decimal

import pytest

from apps.grades.calculations import (
    distribution,
    grade_counts,
    grade_for_rank,
    level,
    nine_box,
    propose_grades,
)


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (1, (0, 0)),  # 0.1 rounds to 0
        (5, (1, 1)),  # 0.5 rounds half up to 1
        (9, (1, 1)),  # 0.9 → 1
        (10, (1, 1)),
        (11, (1, 1)),  # 1.1 → 1
        (15, (2, 2)),  # 1.5 → 2
        (20, (2, 2)),
        (0, (0, 0)),
    ],
)
def test_grade_counts_round_half_up_at_ten_percent(size, expected):
    assert grade_counts(size, 10, 10) == expected


def test_grade_counts_follow_the_cycle_percentages():
    assert grade_counts(20, Decimal("20"), Decimal("5")) == (4, 1)
    assert grade_counts(10, Decimal("25"), Decimal("15")) == (3, 2)  # 2.5 → 3, 1.5 → 2


def test_grade_counts_never_overlap_a_wins():
    assert grade_counts(1, 60, 60) == (1, 0)
    assert grade_counts(3, 50, 50) == (2, 1)  # 1.5 → 2, 1.5 → 2 capped at the 1 left


def _grades(scores, a=10, c=10):
    return [proposal.grade for proposal in propose_grades(scores, a, c)]


@pytest.mark.parametrize(
    ("size", "a", "c"),
    [(1, 0, 0), (5, 1, 1), (9, 1, 1), (10, 1, 1), (11, 1, 1), (15, 2, 2), (20, 2, 2)],
)
def test_distinct_scores_give_exactly_the_quota(size, a, c):
    scores = [Decimal(100 - i) for i in range(size)]  # ranked, highest first
    grades = _grades(scores)
    assert grades == ["A"] * a + ["B"] * (size - a - c) + ["C"] * c


def test_a_single_person_is_b():
    assert _grades([Decimal("99")]) == ["B"]


def test_order_of_input_does_not_matter():
    scores = [Decimal(s) for s in (50, 90, 70, 60, 80)]
    assert _grades(scores) == ["C", "A", "B", "B", "B"]


def test_everyone_tied_with_the_last_a_is_a():
    # 10 people: one A slot; the top two tie, so both are A.
    scores = [Decimal("95"), Decimal("95")] + [Decimal(80 - i) for i in range(8)]
    grades = _grades(scores)
    assert grades[:2] == ["A", "A"]
    assert grades.count("A") == 2
    assert grades[-1] == "C"


def test_everyone_tied_with_the_first_c_is_b_so_c_may_be_fewer():
    # 10 people: one C slot; the bottom two tie, so neither is C.
    scores = [Decimal(95 - i) for i in range(8)] + [Decimal("40"), Decimal("40")]
    grades = _grades(scores)
    assert grades[-2:] == ["B", "B"]
    assert grades.count("C") == 0
    assert grades[0] == "A"


def test_ties_on_both_boundaries_at_twenty():
    # 20 people, 2 A and 2 C slots: 3 tie across the A boundary, 3 across the C boundary.
    scores = (
        [Decimal("99")]
        + [Decimal("95")] * 3
        + [Decimal(90 - i) for i in range(13)]
        + [Decimal("50")] * 3
    )
    grades = _grades(scores)
    assert grades[:4] == ["A"] * 4  # ranks 1, 2, 2, 2 ≤ 2
    assert grades[-3:] == ["B"] * 3  # rank 18 > 20 − 2 is false
    assert distribution(grades) == {"A": 4, "B": 16, "C": 0}


def test_a_tie_inside_the_c_slots_is_c():
    # 20 people, 2 C slots, the bottom two tie with each other only: both C.
    scores = [Decimal(99 - i) for i in range(18)] + [Decimal("10"), Decimal("10")]
    assert _grades(scores)[-2:] == ["C", "C"]


def test_everyone_tied_is_a_when_there_is_an_a_slot():
    assert set(_grades([Decimal("80")] * 10)) == {"A"}
    assert set(_grades([Decimal("80")] * 4)) == {"B"}  # 0.4 → no A, no C slot


def test_people_without_a_score_are_listed_b_unranked_and_not_counted():
    scores = [Decimal(100 - i) for i in range(10)] + [None, None]
    proposals = propose_grades(scores)
    assert [p.grade for p in proposals[-2:]] == ["B", "B"]
    assert [p.rank for p in proposals[-2:]] == [None, None]
    assert not proposals[-1].scored
    # The group size is 10 (not 12): one A, one C.
    assert [p.grade for p in proposals[:10]].count("A") == 1
    assert proposals[9].grade == "C"


def test_grade_for_rank_without_a_rank_is_b():
    assert grade_for_rank(None, 10, 1, 1) == "B"


@pytest.mark.parametrize(
    ("score", "expected"),
    [(None, None), (Decimal("69.99"), "low"), (70, "mid"), (Decimal("89.99"), "mid"), (90, "high")],
)
def test_nine_box_levels_at_the_thresholds(score, expected):
    assert level(score) == expected


def test_nine_box_needs_both_scores():
    assert nine_box(Decimal("95"), Decimal("60")) == ("high", "low")
    assert nine_box(None, Decimal("60")) is None
