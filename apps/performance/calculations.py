"""KPI and score formulas (SPEC §2.2-§2.4): pure functions over Decimal, no database.

Conventions shared by every function here:

- Inputs may be ``Decimal``, ``int`` or decimal strings (floats are converted through ``str`` so
  no binary noise leaks in); money and rates are never floats.
- Results are rounded to 2 places with ``ROUND_HALF_UP`` at the END of the computation only.
- A rate whose denominator is zero or missing is **undefined** and returned as ``None`` -- never
  0, never infinity, never an exception (SPEC §2.2). A missing numerator (e.g. an aggregate
  ``Sum`` over no rows) counts as 0: no sales is a defined 0%, no target is undefined.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
ZERO = Decimal("0")

#: Customer development weight by the grade of the lead the customer came from (SPEC §2.2.3).
GRADE_WEIGHTS = {"A": Decimal("2"), "B": Decimal("1.5"), "C": Decimal("1")}
#: Weight of a customer without a lead (or without a grade).
DEFAULT_GRADE_WEIGHT = Decimal("1")
#: Default cap of a KPI score, in percent of the target (SPEC §2.4).
DEFAULT_CAP = Decimal("120")


def to_decimal(value) -> Decimal | None:
    """``value`` as a Decimal (``None`` stays ``None``)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    return Decimal(value)


def quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value) -> Decimal:
    """An amount rounded to the cent (ROUND_HALF_UP); ``None`` (an empty sum) is 0.00."""
    return quantize(to_decimal(value) if value is not None else ZERO)


def rate(numerator, denominator) -> Decimal | None:
    """``numerator ÷ denominator × 100`` to 2 places; ``None`` when the denominator is 0/None."""
    denominator = to_decimal(denominator)
    if denominator is None or denominator == 0:
        return None
    numerator = to_decimal(numerator) or ZERO
    return quantize(numerator / denominator * HUNDRED)


def growth_rate(current, previous) -> Decimal | None:
    """``(current − previous) ÷ previous × 100``; ``None`` without sales in the earlier period."""
    previous = to_decimal(previous)
    if previous is None or previous == 0:
        return None
    current = to_decimal(current) or ZERO
    return quantize((current - previous) / previous * HUNDRED)


def retention_rate(at_start, lost) -> Decimal | None:
    """``(at_start − lost) ÷ at_start × 100``; ``None`` when the rep had no customers at start."""
    at_start = to_decimal(at_start)
    if at_start is None or at_start == 0:
        return None
    lost = to_decimal(lost) or ZERO
    return quantize((at_start - lost) / at_start * HUNDRED)


def grade_weight(grade) -> Decimal:
    """The development weight of a lead grade: A 2, B 1.5, C 1; blank or ``None`` 1."""
    if grade is None or str(grade).strip() == "":
        return DEFAULT_GRADE_WEIGHT
    key = str(grade).strip().upper()
    if key not in GRADE_WEIGHTS:
        raise ValueError(f"Unknown lead grade {grade!r}: expected A, B or C.")
    return GRADE_WEIGHTS[key]


def weighted_count(counts_by_grade) -> Decimal:
    """``Σ grade_weight(grade) × count`` over ``{grade: count}`` (SPEC §2.2.3), exact: the
    weighted number of customers developed, from the number developed per lead grade (blank
    for customers without a lead grade)."""
    total = ZERO
    for grade, count in counts_by_grade.items():
        if count:
            total += grade_weight(grade) * int(count)
    return total


def growth_target(industry_growth_rate, challenge_margin) -> Decimal | None:
    """The growth rate a period's sales growth is scored against: the industry's growth plus
    the challenge margin (``None`` without a period setting)."""
    if industry_growth_rate is None:
        return None
    return to_decimal(industry_growth_rate) + to_decimal(challenge_margin)


def kpi_score(value, target, cap=DEFAULT_CAP, *, negative_is_zero: bool = False) -> Decimal | None:
    """SPEC §2.4: ``clamp(value ÷ target, 0, cap ÷ 100) × 100`` to 2 places.

    ``None`` (undefined, left out of the weighted score) when the value is undefined or the
    target is missing, zero or negative *(product default: a ratio to a non-positive target
    means nothing)*. With ``negative_is_zero`` (the growth rate) a negative value scores 0.
    """
    value, target = to_decimal(value), to_decimal(target)
    if value is None or target is None or target <= 0:
        return None
    if negative_is_zero and value < 0:
        return quantize(ZERO)
    cap = to_decimal(cap) if cap is not None else DEFAULT_CAP
    ratio = min(max(value / target, ZERO), cap / HUNDRED)
    return quantize(ratio * HUNDRED)


def weighted_score(scores: dict, weights: dict) -> Decimal | None:
    """``Σ wₖ·sₖ ÷ Σ wₖ`` over the KPIs of ``weights`` whose score is defined, to 2 places.

    The weights of undefined KPIs drop out, so the others are renormalised (SPEC §2.2); a KPI
    with a score but no weight does not count. ``None`` when no weighted KPI is defined.
    """
    total_weight = ZERO
    total = ZERO
    for kpi, weight in weights.items():
        score = scores.get(kpi)
        weight = to_decimal(weight)
        if score is None or not weight:
            continue
        total_weight += weight
        total += weight * to_decimal(score)
    if total_weight == 0:
        return None
    return quantize(total / total_weight)


def split_evenly(total, parts: int) -> list[Decimal]:
    """``total`` split into ``parts`` amounts to the cent that sum EXACTLY to ``total``.

    The leftover cents go one each to the first parts (100.00 / 3 -> 33.34, 33.33, 33.33).
    """
    if parts <= 0:
        return []
    total = money(total)
    cents = int(total * 100)
    sign = -1 if cents < 0 else 1
    base, leftover = divmod(abs(cents), parts)
    return [Decimal(sign * (base + (1 if i < leftover else 0))).scaleb(-2) for i in range(parts)]
