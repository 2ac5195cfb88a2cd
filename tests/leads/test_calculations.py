"""The grading arithmetic, without a database (SPEC §1.1 product default rubric)."""

import pytest

from apps.leads.calculations import (
    DEFAULT_POINTS,
    RubricPoints,
    grade_for,
    grade_for_total,
    grade_table,
    highest_total,
    rubric_total,
)


@pytest.mark.parametrize(
    ("size", "need", "chain", "total", "grade"),
    [
        ("small", "low", "complex", 3, "C"),
        ("small", "medium", "moderate", 5, "C"),  # highest C
        ("medium", "medium", "moderate", 6, "B"),  # lowest B
        ("small", "high", "simple", 7, "B"),  # highest B
        ("large", "medium", "moderate", 7, "B"),
        ("large", "high", "complex", 7, "B"),
        ("large", "high", "moderate", 8, "A"),  # lowest A
        ("medium", "high", "simple", 8, "A"),
        ("large", "high", "simple", 9, "A"),
    ],
)
def test_default_rubric_grades_at_every_boundary(size, need, chain, total, grade):
    assert rubric_total(size, need, chain, DEFAULT_POINTS) == total
    assert grade_for(size, need, chain, DEFAULT_POINTS) == grade


@pytest.mark.parametrize(
    ("total", "grade"), [(0, "C"), (5, "C"), (6, "B"), (7, "B"), (8, "A"), (9, "A")]
)
def test_totals_five_six_seven_eight_split_c_b_a(total, grade):
    assert grade_for_total(total, DEFAULT_POINTS) == grade


def test_custom_thresholds_move_the_boundaries():
    strict = RubricPoints(a_min_total=9, b_min_total=7)
    assert grade_for("large", "high", "moderate", strict) == "B"  # 8 is no longer A
    assert grade_for("medium", "medium", "moderate", strict) == "C"  # 6 is no longer B
    assert grade_for("large", "high", "simple", strict) == "A"


def test_custom_points_change_the_total():
    heavy_need = RubricPoints(need={"low": 0, "medium": 3, "high": 6})
    assert rubric_total("small", "high", "complex", heavy_need) == 8
    assert grade_for("small", "high", "complex", heavy_need) == "A"
    assert grade_for("large", "low", "simple", heavy_need) == "B"


def test_points_can_be_read_from_any_rubric_like_object():
    class Row:
        size_small, size_medium, size_large = 0, 1, 2
        need_low, need_medium, need_high = 0, 1, 2
        chain_complex, chain_moderate, chain_simple = 0, 1, 2
        a_min_total, b_min_total = 5, 3

    points = RubricPoints.from_rubric(Row())
    assert highest_total(points) == 6
    assert grade_for("large", "high", "moderate", points) == "A"
    assert grade_for("medium", "medium", "moderate", points) == "B"
    assert grade_for("small", "medium", "moderate", points) == "C"


def test_grade_table_covers_all_27_combinations():
    table = grade_table(DEFAULT_POINTS)
    assert len(table) == 27
    assert table[("large", "high", "simple")] == "A"
    assert table[("small", "low", "complex")] == "C"
    assert sorted(set(table.values())) == ["A", "B", "C"]


def test_unknown_answer_is_a_key_error_not_a_silent_grade():
    with pytest.raises(KeyError):
        grade_for("huge", "high", "simple", DEFAULT_POINTS)
