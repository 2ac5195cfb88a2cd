"""Pure pay arithmetic (SPEC §2.6), over ``Decimal`` only; no ORM, no Django.

A rep's monthly performance pay P splits into

- base performance pay: ``base_share`` % of P, fixed;
- performance bonus: ``performance_share`` % of P × the monthly quantitative score ÷ 100;
- capability bonus: ``capability_share`` % of P × the latest finalised quarterly (qualitative)
  score ÷ 100;

plus ``satisfaction_bonus_rate`` % of the monthly base salary when the latest quarterly customer
satisfaction is at least ``satisfaction_threshold``. Scores are clamped to 0 … ``score_cap``
(the weight schemes' cap, 120 by default); a missing score counts as 0 for its bonus. Every
component is kept exact; the sum is rounded to the cent once, at the end (half up).

This module is the reference. On PostgreSQL a pay run computes its statements in the database
with the same formula restated as SQL (:mod:`apps.pay.sql`); ``tests/pay/test_sql_compute.py``
holds the two equal field by field, so a change here is a change there too.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
ZERO = Decimal(0)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class PayTerms:
    """A pay policy's figures, in percent."""

    base_share: Decimal = Decimal("40")
    performance_share: Decimal = Decimal("50")
    capability_share: Decimal = Decimal("10")
    score_cap: Decimal = Decimal("120")
    satisfaction_threshold: Decimal = Decimal("90")
    satisfaction_bonus_rate: Decimal = Decimal("5")


@dataclass(frozen=True)
class PayInputs:
    """One rep's inputs for one month; ``None`` where there is none."""

    standard: Decimal | None
    base_salary: Decimal | None
    quantitative_score: Decimal | None
    qualitative_score: Decimal | None
    satisfaction: Decimal | None


@dataclass(frozen=True)
class PayBreakdown:
    quantitative_applied: Decimal
    qualitative_applied: Decimal
    satisfaction_met: bool
    base_pay: Decimal
    performance_bonus: Decimal
    capability_bonus: Decimal
    satisfaction_bonus: Decimal
    #: The exact sum of the four components.
    gross: Decimal
    #: ``gross`` rounded to the cent (half up), the only rounding.
    total: Decimal


def split_error(terms: PayTerms) -> str | None:
    """Why a policy's split is refused, or ``None``: the three shares must be ≥ 0 and sum to
    100; the cap at least 100; the threshold 0–100; the bonus rate ≥ 0."""
    shares = (terms.base_share, terms.performance_share, terms.capability_share)
    if any(share < 0 for share in shares):
        return "negative_share"
    if sum(shares) != HUNDRED:
        return "split_not_100"
    if terms.score_cap < HUNDRED:
        return "cap_below_100"
    if not ZERO <= terms.satisfaction_threshold <= HUNDRED:
        return "threshold_range"
    if terms.satisfaction_bonus_rate < 0:
        return "negative_rate"
    return None


def applied_score(score: Decimal | None, cap: Decimal) -> Decimal:
    """A score as pay uses it: clamped to 0 … ``cap``; missing counts as 0."""
    if score is None:
        return ZERO
    return min(max(score, ZERO), cap)


def round_cent(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def pay_breakdown(inputs: PayInputs, terms: PayTerms) -> PayBreakdown:
    standard = inputs.standard if inputs.standard is not None else ZERO
    salary = inputs.base_salary if inputs.base_salary is not None else ZERO
    quantitative = applied_score(inputs.quantitative_score, terms.score_cap)
    qualitative = applied_score(inputs.qualitative_score, terms.score_cap)
    met = inputs.satisfaction is not None and inputs.satisfaction >= terms.satisfaction_threshold

    base_pay = standard * terms.base_share / HUNDRED
    performance = standard * terms.performance_share / HUNDRED * quantitative / HUNDRED
    capability = standard * terms.capability_share / HUNDRED * qualitative / HUNDRED
    satisfaction = salary * terms.satisfaction_bonus_rate / HUNDRED if met else ZERO
    gross = base_pay + performance + capability + satisfaction
    return PayBreakdown(
        quantitative_applied=quantitative,
        qualitative_applied=qualitative,
        satisfaction_met=met,
        base_pay=base_pay,
        performance_bonus=performance,
        capability_bonus=capability,
        satisfaction_bonus=satisfaction,
        gross=gross,
        total=round_cent(gross),
    )


def adjustment_amount(
    *, paid_total: Decimal, earlier_adjustments: Decimal, corrected_total: Decimal
) -> Decimal:
    """What a correction of a closed month adds (or, negative, claws back) in the next open
    run: the corrected total less what was already paid for that month, earlier adjustments
    included."""
    return corrected_total - (paid_total + earlier_adjustments)
