"""360° and annual arithmetic, checked against hand-computed cases."""

from decimal import Decimal as D

import pytest

from apps.reviews import calculations as calc

WEIGHTS = {"self": D("30"), "manager": D("50"), "customer": D("20")}


def test_rater_part_is_the_weighted_mean_of_the_indicator_scores():
    # (25×80 + 25×90 + 30×70 + 20×100) ÷ 100 = (2000 + 2250 + 2100 + 2000) ÷ 100 = 83.50
    assert calc.rater_part([(25, 80), (25, 90), (30, 70), (20, 100)]) == D("83.50")


def test_rater_part_with_weights_not_adding_up_to_100_is_still_a_mean():
    # (1×60 + 3×100) ÷ 4 = 90
    assert calc.rater_part([(1, 60), (3, 100)]) == D("90.00")


def test_rater_part_is_undefined_while_an_indicator_is_unscored():
    assert calc.rater_part([(50, 80), (50, None)]) is None


def test_rater_part_without_indicators_is_undefined():
    assert calc.rater_part([]) is None


def test_quarterly_score_weighs_self_30_manager_50_customer_20():
    # 0.3×80 + 0.5×70 + 0.2×90 = 24 + 35 + 18 = 77
    score, weights = calc.quarterly_score({"self": 80, "manager": 70, "customer": 90}, WEIGHTS)
    assert score == D("77.00")
    assert weights == {"self": D("30.00"), "manager": D("50.00"), "customer": D("20.00")}


def test_a_missing_part_never_counts_as_zero():
    score, _weights = calc.quarterly_score({"self": 80, "manager": 70, "customer": None}, WEIGHTS)
    assert score is None


def test_a_waived_part_drops_out_and_the_other_weights_renormalise():
    # customer waived: self 30/80 = 37.5 %, manager 50/80 = 62.5 %;
    # (30×80 + 50×70) ÷ 80 = (2400 + 3500) ÷ 80 = 73.75
    score, weights = calc.quarterly_score(
        {"self": 80, "manager": 70, "customer": None}, WEIGHTS, waived={"customer"}
    )
    assert score == D("73.75")
    assert weights == {"self": D("37.50"), "manager": D("62.50")}


def test_a_waived_part_with_a_value_is_ignored():
    score, _ = calc.quarterly_score(
        {"self": 100, "manager": 50, "customer": 0}, WEIGHTS, waived={"self"}
    )
    # (50×50 + 20×0) ÷ 70 = 35.714… → 35.71
    assert score == D("35.71")


def test_missing_parts_names_the_parts_neither_in_nor_waived_in_display_order():
    parts = {"self": None, "manager": 70, "customer": None}
    assert calc.missing_parts(parts, WEIGHTS) == ["self", "customer"]
    assert calc.missing_parts(parts, WEIGHTS, waived={"customer"}) == ["self"]


def test_annual_score_weighs_mean_quarters_growth_and_capability_60_20_20():
    # mean(80, 90, 70, 100) = 85; 0.6×85 + 0.2×110 + 0.2×60 = 51 + 22 + 12 = 85
    score, weights = calc.annual_score([80, 90, 70, 100], D("110"), D("60"))
    assert score == D("85.00")
    assert weights == {"quarterly": D("60.00"), "growth": D("20.00"), "capability": D("20.00")}


def test_annual_score_of_a_mid_year_joiner_uses_only_the_included_quarters():
    # joined in Q3: mean(80, 90) = 85; 0.6×85 + 0.2×50 + 0.2×75 = 51 + 10 + 15 = 76
    score, _ = calc.annual_score({"2026-Q3": "80", "2026-Q4": "90"}, 50, 75)
    assert score == D("76.00")


def test_annual_score_renormalises_over_the_defined_parts():
    # no capability: weights 60/80 = 75 %, 20/80 = 25 %; (60×85 + 20×45) ÷ 80 = 75
    score, weights = calc.annual_score([85], D("45"), None)
    assert score == D("75.00")
    assert weights == {"quarterly": D("75.00"), "growth": D("25.00")}


def test_annual_score_with_nothing_defined_is_undefined():
    assert calc.annual_score([], None, None) == (None, {})


def test_annual_score_with_a_custom_scheme():
    weights = {"quarterly": D("50"), "growth": D("30"), "capability": D("20")}
    # 0.5×80 + 0.3×100 + 0.2×50 = 40 + 30 + 10 = 80
    assert calc.annual_score([80], 100, 50, weights)[0] == D("80.00")


@pytest.mark.parametrize(
    ("values", "expected"), [([], None), ([D("1"), D("2")], D("1.50")), (["82.5"], D("82.50"))]
)
def test_mean(values, expected):
    assert calc.mean(values) == expected


def test_renormalise_drops_parts_and_scales_to_100():
    assert calc.renormalise({"a": 30, "b": 50, "c": 20}, drop={"a", "b"}) == {"c": D("100.00")}
    assert calc.renormalise({"a": 0, "b": 0}) == {}
