"""The pay arithmetic (SPEC §2.6), by hand-computed cases; no database."""

from decimal import Decimal as D

import pytest

from apps.pay.calculations import (
    PayInputs,
    PayTerms,
    adjustment_amount,
    applied_score,
    pay_breakdown,
    round_cent,
    split_error,
)

TERMS = PayTerms()  # 40 / 50 / 10, cap 120, threshold 90, bonus 5 %


def pay(standard="5000.00", salary="10000.00", quantitative="100", qualitative="100", sat=None):
    def d(value):
        return None if value is None else D(value)

    return pay_breakdown(
        PayInputs(d(standard), d(salary), d(quantitative), d(qualitative), d(sat)), TERMS
    )


def test_the_40_50_10_split_at_scores_of_100():
    result = pay()
    # 5000 × 40 % = 2000; 5000 × 50 % × 100/100 = 2500; 5000 × 10 % × 100/100 = 500
    assert (result.base_pay, result.performance_bonus, result.capability_bonus) == (
        D("2000"),
        D("2500"),
        D("500"),
    )
    assert result.satisfaction_bonus == 0 and not result.satisfaction_met
    assert result.total == D("5000.00")


def test_scores_below_100_scale_the_bonuses():
    # 2000 + 5000 × 0.5 × 0.8 (2000) + 5000 × 0.1 × 0.7 (350) = 4350
    result = pay(quantitative="80", qualitative="70")
    assert result.performance_bonus == D("2000")
    assert result.capability_bonus == D("350")
    assert result.total == D("4350.00")


def test_a_score_above_the_cap_counts_as_the_cap():
    result = pay(quantitative="130", qualitative="125")
    assert result.quantitative_applied == D("120")
    assert result.qualitative_applied == D("120")
    # 2000 + 5000 × 0.5 × 1.2 (3000) + 5000 × 0.1 × 1.2 (600)
    assert result.total == D("5600.00")


def test_a_negative_score_counts_as_zero():
    result = pay(quantitative="-15", qualitative="-1")
    assert result.quantitative_applied == 0 and result.qualitative_applied == 0
    assert result.performance_bonus == 0 and result.capability_bonus == 0
    assert result.total == D("2000.00")


def test_a_missing_quantitative_score_counts_as_zero():
    result = pay(quantitative=None, qualitative="100")
    assert result.quantitative_applied == 0
    assert result.performance_bonus == 0
    assert result.total == D("2500.00")  # 2000 base + 500 capability


def test_a_missing_qualitative_score_counts_as_zero():
    result = pay(quantitative="100", qualitative=None)
    assert result.capability_bonus == 0
    assert result.total == D("4500.00")  # 2000 base + 2500 performance


def test_missing_standard_and_salary_pay_nothing():
    result = pay(standard=None, salary=None, sat="99")
    assert result.satisfaction_met  # earned, but 5 % of no salary is 0
    assert result.total == D("0.00")


@pytest.mark.parametrize(
    ("satisfaction", "earned", "bonus"),
    [
        ("89.99", False, D("0")),
        ("90.00", True, D("500")),
        ("100", True, D("500")),
        (None, False, 0),
    ],
)
def test_the_satisfaction_bonus_starts_at_exactly_90(satisfaction, earned, bonus):
    result = pay(sat=satisfaction)
    assert result.satisfaction_met is earned
    assert result.satisfaction_bonus == bonus  # 10000 × 5 %
    assert result.total == D("5000.00") + bonus


def test_only_the_sum_is_rounded_once():
    # P 3333.33, scores 50.50 / 45.45, salary 10000.10, satisfaction 95:
    #   base        3333.33 × 0.40               = 1333.332
    #   performance 3333.33 × 0.50 × 0.5050     =  841.665825
    #   capability  3333.33 × 0.10 × 0.4545     =  151.4998485
    #   satisfaction 10000.10 × 0.05             =  500.005
    #   exact sum                                = 2826.5026735 → 2826.50
    # Rounding each component first would give 1333.33 + 841.67 + 151.50 + 500.01 = 2826.51.
    result = pay("3333.33", "10000.10", "50.50", "45.45", "95")
    assert result.base_pay == D("1333.332")
    assert result.performance_bonus == D("841.665825")
    assert result.capability_bonus == D("151.4998485")
    assert result.satisfaction_bonus == D("500.005")
    assert result.gross == D("2826.5026735")
    assert result.total == D("2826.50")
    each = sum(
        round_cent(c)
        for c in (
            result.base_pay,
            result.performance_bonus,
            result.capability_bonus,
            result.satisfaction_bonus,
        )
    )
    assert each == D("2826.51") != result.total


def test_round_cent_is_half_up():
    assert round_cent(D("0.005")) == D("0.01")
    assert round_cent(D("0.0049999")) == D("0.00")
    assert round_cent(D("-0.005")) == D("-0.01")


def test_applied_score_clamps():
    assert applied_score(None, D("120")) == 0
    assert applied_score(D("119.99"), D("120")) == D("119.99")
    assert applied_score(D("150"), D("130")) == D("130")


@pytest.mark.parametrize(
    ("terms", "error"),
    [
        (PayTerms(), None),
        (PayTerms(base_share=D("30"), performance_share=D("60"), capability_share=D("10")), None),
        (
            PayTerms(base_share=D("40"), performance_share=D("50"), capability_share=D("5")),
            "split_not_100",
        ),
        (
            PayTerms(base_share=D("-10"), performance_share=D("100"), capability_share=D("10")),
            "negative_share",
        ),
        (PayTerms(score_cap=D("99.99")), "cap_below_100"),
        (PayTerms(satisfaction_threshold=D("100.01")), "threshold_range"),
        (PayTerms(satisfaction_threshold=D("-1")), "threshold_range"),
        (PayTerms(satisfaction_bonus_rate=D("-0.01")), "negative_rate"),
    ],
)
def test_split_error(terms, error):
    assert split_error(terms) == error


def test_adjustment_amount_is_the_corrected_total_less_what_was_paid():
    assert adjustment_amount(
        paid_total=D("4350.00"), earlier_adjustments=D("0"), corrected_total=D("4600.00")
    ) == D("250.00")
    # an earlier correction already paid 250: a second correction to 4500 claws back 100
    assert adjustment_amount(
        paid_total=D("4350.00"), earlier_adjustments=D("250.00"), corrected_total=D("4500.00")
    ) == D("-100.00")
    assert (
        adjustment_amount(
            paid_total=D("4350.00"), earlier_adjustments=D("250.00"), corrected_total=D("4600.00")
        )
        == 0
    )
