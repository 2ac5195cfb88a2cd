"""KPI and score formulas: pure Decimal arithmetic (no database)."""

from decimal import Decimal

import pytest

from apps.performance.calculations import (
    GRADE_WEIGHTS,
    grade_weight,
    growth_rate,
    kpi_score,
    money,
    rate,
    retention_rate,
    weighted_score,
)

D = Decimal


# -- rate -------------------------------------------------------------------------------------


def test_rate_is_a_percentage_rounded_half_up_to_two_places():
    assert rate(D("1"), D("3")) == D("33.33")
    assert rate(D("2"), D("3")) == D("66.67")
    assert rate(D("0.0125"), D("1")) == D("1.25")
    assert rate(D("0.000125"), D("0.01")) == D("1.25")  # 1.25 exactly
    assert rate(D("0.00125"), D("0.1")) == D("1.25")


def test_rate_rounds_half_up_not_to_even():
    assert rate(D("0.00005"), D("0.001")) == D("5.00")
    assert rate(D("1.0005"), D("100")) == D("1.00")  # 1.0005 -> 1.00
    assert rate(D("1.005"), D("100")) == D("1.01")  # banker's rounding would give 1.00


def test_rate_above_one_hundred_is_kept():
    assert rate(D("150000"), D("100000")) == D("150.00")


def test_rate_with_zero_or_missing_denominator_is_undefined():
    assert rate(D("10"), D("0")) is None
    assert rate(D("10"), None) is None
    assert rate(None, None) is None


def test_rate_with_missing_numerator_counts_as_zero():
    assert rate(None, D("100")) == D("0.00")


def test_rate_accepts_ints_and_strings_and_returns_decimal():
    result = rate(1, "4")
    assert isinstance(result, Decimal)
    assert result == D("25.00")


def test_rate_converts_floats_through_their_text():
    assert rate(0.1, 0.3) == D("33.33")


# -- growth -----------------------------------------------------------------------------------


def test_growth_rate_positive_and_negative():
    assert growth_rate(D("115"), D("100")) == D("15.00")
    assert growth_rate(D("80"), D("100")) == D("-20.00")
    assert growth_rate(D("100"), D("100")) == D("0.00")


def test_growth_rate_without_sales_last_year_is_undefined():
    assert growth_rate(D("500"), D("0")) is None
    assert growth_rate(D("500"), None) is None


def test_growth_rate_without_sales_now_is_minus_one_hundred():
    assert growth_rate(None, D("200")) == D("-100.00")
    assert growth_rate(D("0"), D("200")) == D("-100.00")


# -- retention --------------------------------------------------------------------------------


def test_retention_rate():
    assert retention_rate(10, 1) == D("90.00")
    assert retention_rate(3, 1) == D("66.67")
    assert retention_rate(5, 0) == D("100.00")
    assert retention_rate(5, None) == D("100.00")


def test_retention_rate_without_customers_at_start_is_undefined():
    assert retention_rate(0, 0) is None
    assert retention_rate(None, 0) is None


# -- grade weights ----------------------------------------------------------------------------


def test_grade_weights_are_the_source_defaults():
    assert {"A": D("2"), "B": D("1.5"), "C": D("1")} == GRADE_WEIGHTS
    assert grade_weight("A") == D("2")
    assert grade_weight("B") == D("1.5")
    assert grade_weight("c") == D("1")


@pytest.mark.parametrize("grade", [None, "", "  "])
def test_customer_without_a_graded_lead_weighs_one(grade):
    assert grade_weight(grade) == D("1")


def test_unknown_grade_is_refused():
    with pytest.raises(ValueError, match="Unknown lead grade"):
        grade_weight("D")


# -- KPI score --------------------------------------------------------------------------------


def test_kpi_score_is_value_over_target_as_a_percentage():
    assert kpi_score(D("90"), D("100")) == D("90.00")
    assert kpi_score(D("2"), D("3")) == D("66.67")
    assert kpi_score(D("95"), D("95")) == D("100.00")


def test_kpi_score_is_capped_at_the_default_120():
    assert kpi_score(D("300"), D("100")) == D("120.00")
    assert kpi_score(D("119.99"), D("100")) == D("119.99")


def test_kpi_score_uses_a_custom_cap():
    assert kpi_score(D("300"), D("100"), D("150")) == D("150.00")
    assert kpi_score(D("300"), D("100"), cap=D("100")) == D("100.00")


def test_kpi_score_never_goes_below_zero():
    assert kpi_score(D("-5"), D("10")) == D("0.00")


def test_negative_growth_scores_zero_even_against_a_negative_target():
    assert kpi_score(D("-5"), D("15"), negative_is_zero=True) == D("0.00")
    assert kpi_score(D("-5"), D("-10"), negative_is_zero=True) is None  # target not positive
    assert kpi_score(D("30"), D("15"), negative_is_zero=True) == D("120.00")
    assert kpi_score(D("7.5"), D("15"), negative_is_zero=True) == D("50.00")


@pytest.mark.parametrize(
    ("value", "target"),
    [(None, D("100")), (D("50"), None), (D("50"), D("0")), (D("50"), D("-10"))],
)
def test_kpi_score_is_undefined_without_value_or_positive_target(value, target):
    assert kpi_score(value, target) is None


def test_kpi_score_of_zero_value_is_zero_not_undefined():
    assert kpi_score(D("0"), D("100")) == D("0.00")


# -- weighted score ---------------------------------------------------------------------------


def test_weighted_score_with_every_kpi_defined():
    scores = {"sales": D("100"), "new": D("50"), "collection": D("120")}
    weights = {"sales": D("40"), "new": D("40"), "collection": D("20")}
    # (4000 + 2000 + 2400) / 100
    assert weighted_score(scores, weights) == D("84.00")


def test_weighted_score_renormalises_over_defined_kpis():
    scores = {"sales": D("100"), "new": None, "collection": D("50")}
    weights = {"sales": D("40"), "new": D("40"), "collection": D("20")}
    # (4000 + 1000) / 60 = 83.333...
    assert weighted_score(scores, weights) == D("83.33")


def test_weighted_score_ignores_kpis_missing_from_scores_and_scores_without_weight():
    scores = {"sales": D("80"), "extra": D("0")}
    weights = {"sales": D("40"), "collection": D("60")}
    assert weighted_score(scores, weights) == D("80.00")


def test_weighted_score_is_undefined_when_no_kpi_is_defined():
    assert weighted_score({"sales": None}, {"sales": D("100")}) is None
    assert weighted_score({}, {"sales": D("100")}) is None
    assert weighted_score({"sales": D("80")}, {}) is None


def test_weighted_score_rounds_half_up_at_the_end():
    scores = {"a": D("0.01"), "b": D("0")}
    weights = {"a": D("50"), "b": D("50")}
    assert weighted_score(scores, weights) == D("0.01")  # 0.005 -> 0.01


def test_a_zero_score_counts_in_the_weighted_score():
    assert weighted_score({"a": D("0"), "b": D("100")}, {"a": D("50"), "b": D("50")}) == D("50.00")


# -- money ------------------------------------------------------------------------------------


def test_money_rounds_half_up_to_the_cent():
    assert money(D("10.005")) == D("10.01")
    assert money(D("10.004")) == D("10.00")
    assert money(D("-10.005")) == D("-10.01")
    assert money(3) == D("3.00")
    assert money("2.5") == D("2.50")


def test_money_of_an_empty_sum_is_zero():
    assert money(None) == D("0.00")


# -- even split -------------------------------------------------------------------------------


def test_split_evenly_sums_exactly_to_the_total():
    from apps.performance.calculations import split_evenly

    assert split_evenly(D("100"), 3) == [D("33.34"), D("33.33"), D("33.33")]
    assert sum(split_evenly(D("1000000.01"), 7)) == D("1000000.01")
    assert split_evenly(D("90"), 2) == [D("45.00"), D("45.00")]
    assert split_evenly(D("0.01"), 2) == [D("0.01"), D("0.00")]


def test_split_evenly_into_no_parts_is_empty():
    from apps.performance.calculations import split_evenly

    assert split_evenly(D("100"), 0) == []
