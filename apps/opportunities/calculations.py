"""Pure pipeline arithmetic over Decimals: no database, no Django settings."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def roi_percent(*, expected_gain: Decimal, cost: Decimal) -> Decimal | None:
    """ROI % = (expected gain − cost) ÷ cost × 100, rounded half up to 2 places (SPEC §1.2).

    Undefined (``None``) when the cost is zero or negative: a return on nothing spent is not
    a number, and a negative cost is not a cost.
    """
    if cost is None or expected_gain is None:
        return None
    cost = Decimal(cost)
    if cost <= 0:
        return None
    value = (Decimal(expected_gain) - cost) / cost * 100
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def weighted_amount(*, amount: Decimal | None, probability: Decimal) -> Decimal:
    """Expected amount weighted by the win probability (%), rounded to cents; none counts 0."""
    if amount is None:
        return Decimal("0.00")
    return (Decimal(amount) * Decimal(probability) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
