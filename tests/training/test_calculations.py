"""The training rules without a database: the weak threshold and the workshop share at their
boundaries, the KPI gap → skill mapping and the mentor choice."""

from decimal import Decimal

import pytest

from apps.training import calculations

D = Decimal


@pytest.mark.parametrize(
    ("average", "weak"),
    [(D("59.99"), True), (D("60"), False), (D("60.01"), False), (D("0"), True)],
)
def test_evidence_below_the_threshold_is_weak_exactly_at_it_is_not(average, weak):
    assert calculations.is_weak(average, kpi_gap=False, weak_score=D("60")) is weak


def test_good_evidence_outweighs_a_kpi_gap():
    assert calculations.is_weak(D("75"), kpi_gap=True, weak_score=D("60")) is False


def test_no_evidence_is_weak_only_when_a_kpi_gap_points_to_the_skill():
    assert calculations.is_weak(None, kpi_gap=True, weak_score=D("60")) is True
    assert calculations.is_weak(None, kpi_gap=False, weak_score=D("60")) is False
    assert calculations.weak_reason(None, kpi_gap=True, weak_score=D("60")) == "kpi_gap"
    assert calculations.weak_reason(D("40"), kpi_gap=False, weak_score=D("60")) == "evidence"
    assert calculations.weak_reason(D("90"), kpi_gap=False, weak_score=D("60")) == ""


@pytest.mark.parametrize(
    ("weak", "size", "due"),
    [(2, 4, True), (1, 4, False), (3, 5, True), (2, 5, False), (4, 4, True), (1, 1, False)],
)
def test_workshop_share_is_at_least_fifty_percent_and_two_people(weak, size, due):
    assert calculations.workshop_due(weak, size, D("50")) is due


def test_workshop_share_boundary_is_exact():
    # 1 of 3 is 33.33…%: at least 33.33 proposes, 33.34 does not (no float rounding).
    assert calculations.workshop_due(2, 6, D("33.33")) is True
    assert calculations.workshop_due(2, 6, D("33.34")) is False
    assert calculations.workshop_due(0, 0, D("50")) is False


def test_kpi_gaps_map_to_skills():
    scores = {
        "new_customers": {"score": "79.99"},
        "sales_achievement_rate": {"score": "80.00"},
        "collection_rate": {"score": "95"},
        "retention_rate": {"score": "10"},
    }
    assert calculations.kpi_gap_skills(scores, D("80")) == {"needs_discovery"}
    scores["collection_rate"] = {"score": "40"}
    assert calculations.kpi_gap_skills(scores, D("80")) == {"needs_discovery", "negotiation"}


def test_an_undefined_kpi_is_no_gap():
    scores = {"new_customers": {"score": None}, "collection_rate": {"score": ""}}
    assert calculations.kpi_gap_skills(scores, D("80")) == set()
    assert calculations.kpi_gap_skills(None, D("80")) == set()


def test_mentor_is_a_grade_a_teammate_else_anyone_a_never_oneself():
    grade_a = [(10, 2), (11, 1), (12, 1)]
    assert calculations.pick_mentor(5, 1, grade_a) == 11
    assert calculations.pick_mentor(11, 1, grade_a) == 12
    assert calculations.pick_mentor(5, 3, grade_a) == 10
    assert calculations.pick_mentor(10, 2, [(10, 2)]) is None
    assert calculations.pick_mentor(5, 1, []) is None


def test_evidence_average():
    assert calculations.evidence_average(D("150"), 3) == D("50")
    assert calculations.evidence_average(None, 0) is None


def test_evidence_window_is_twelve_months():
    import datetime

    assert calculations.evidence_since(datetime.date(2026, 11, 16)) == datetime.date(2025, 11, 17)
    assert calculations.evidence_since(datetime.date(2028, 2, 29)) == datetime.date(2027, 3, 1)
