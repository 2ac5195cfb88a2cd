"""ROI and weighting are pure Decimal arithmetic: no database."""

from decimal import Decimal

from apps.opportunities.calculations import roi_percent, weighted_amount


def test_roi_is_gain_minus_cost_over_cost_times_100():
    assert roi_percent(expected_gain=Decimal("150000"), cost=Decimal("100000")) == Decimal("50.00")


def test_roi_is_negative_when_the_gain_is_below_the_cost():
    assert roi_percent(expected_gain=Decimal("80"), cost=Decimal("100")) == Decimal("-20.00")


def test_roi_is_rounded_half_up_to_two_places():
    # (2 - 3) / 3 * 100 = -33.333...; (4 - 3) / 3 * 100 = 33.333...; 1/8 -> 12.5 exactly
    assert roi_percent(expected_gain=Decimal("2"), cost=Decimal("3")) == Decimal("-33.33")
    assert roi_percent(expected_gain=Decimal("4"), cost=Decimal("3")) == Decimal("33.33")
    assert roi_percent(expected_gain=Decimal("1.00125"), cost=Decimal("1")) == Decimal("0.13")


def test_roi_returns_a_decimal_with_two_places():
    value = roi_percent(expected_gain=Decimal("200"), cost=Decimal("100"))
    assert isinstance(value, Decimal)
    assert value.as_tuple().exponent == -2


def test_roi_is_undefined_when_the_cost_is_zero():
    assert roi_percent(expected_gain=Decimal("1000"), cost=Decimal("0")) is None
    assert roi_percent(expected_gain=Decimal("0"), cost=Decimal("0.00")) is None


def test_roi_is_undefined_for_a_negative_cost():
    assert roi_percent(expected_gain=Decimal("10"), cost=Decimal("-5")) is None


def test_roi_is_minus_100_when_nothing_is_gained():
    assert roi_percent(expected_gain=Decimal("0"), cost=Decimal("50")) == Decimal("-100.00")


def test_weighted_amount_applies_the_probability():
    assert weighted_amount(amount=Decimal("1000.00"), probability=Decimal("30")) == Decimal(
        "300.00"
    )
    assert weighted_amount(amount=None, probability=Decimal("60")) == Decimal("0.00")
