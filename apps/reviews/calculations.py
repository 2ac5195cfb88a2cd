"""Review arithmetic (SPEC §2.5): pure functions over Decimal, no database.

- A rater's part (self or manager) is the weighted mean of their indicator scores under the
  quarterly weight scheme; it is undefined (``None``) until every indicator is scored.
- The 360° score weighs the parts (product default self 30 / manager 50 / customers 20). A
  missing part never counts as 0: the score is undefined (and the review cannot be finalised)
  unless HR waived that part; waived parts drop out and the other weights renormalise to 100.
- The annual score weighs the mean of the included quarterly scores, the annual growth score
  and the capability score (product default 60 / 20 / 20); an undefined part (no finalised
  quarter, no year scorecard) drops out and the others renormalise.

Results are rounded to 2 places (ROUND_HALF_UP) at the end only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
ZERO = Decimal("0")

#: The parts of a quarterly 360° review, in display order.
QUARTERLY_PARTS = ("self", "manager", "customer")
#: The parts of an annual review, in display order.
ANNUAL_PARTS = ("quarterly", "growth", "capability")
DEFAULT_QUARTERLY_WEIGHTS = {
    "self": Decimal("30"),
    "manager": Decimal("50"),
    "customer": Decimal("20"),
}
DEFAULT_ANNUAL_WEIGHTS = {
    "quarterly": Decimal("60"),
    "growth": Decimal("20"),
    "capability": Decimal("20"),
}


def to_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    return Decimal(value)


def quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def clamp_score(value) -> Decimal | None:
    """A KPI score (which may exceed 100 up to its cap) as a 0–100 review score."""
    value = to_decimal(value)
    if value is None:
        return None
    return quantize(min(max(value, ZERO), HUNDRED))


def rater_part(indicators: Iterable[tuple]) -> Decimal | None:
    """The weighted mean of ``(weight, score)`` pairs; ``None`` while any score is missing or
    when the weights add up to 0 (no indicators)."""
    total_weight = ZERO
    total = ZERO
    for weight, score in indicators:
        score = to_decimal(score)
        if score is None:
            return None
        weight = to_decimal(weight) or ZERO
        total_weight += weight
        total += weight * score
    if total_weight <= 0:
        return None
    return quantize(total / total_weight)


def renormalise(weights: Mapping[str, object], drop: Iterable[str] = ()) -> dict[str, Decimal]:
    """``weights`` without the ``drop`` parts, scaled to add up to 100 (2 places). Empty when
    nothing with a positive weight remains."""
    drop = set(drop)
    kept = {part: to_decimal(w) or ZERO for part, w in weights.items() if part not in drop}
    total = sum(kept.values(), ZERO)
    if total <= 0:
        return {}
    return {part: quantize(weight / total * HUNDRED) for part, weight in kept.items()}


def weighted(parts: Mapping[str, object], weights: Mapping[str, object]) -> Decimal | None:
    """Σ part × weight ÷ Σ weight over ``weights``' parts; ``None`` when one is missing."""
    total_weight = ZERO
    total = ZERO
    for part, weight in weights.items():
        weight = to_decimal(weight) or ZERO
        value = to_decimal(parts.get(part))
        if value is None:
            if weight == 0:
                continue
            return None
        total_weight += weight
        total += weight * value
    if total_weight <= 0:
        return None
    return quantize(total / total_weight)


def quarterly_score(
    parts: Mapping[str, object], weights: Mapping[str, object], waived: Iterable[str] = ()
) -> tuple[Decimal | None, dict[str, Decimal]]:
    """(the 360° score, the weights applied). ``parts``: ``{"self"|"manager"|"customer":
    score or None}``; ``waived`` parts drop out and the other weights renormalise to 100. The
    score is ``None`` while a part that is not waived is missing (never counted as 0)."""
    waived = set(waived)
    effective = renormalise({p: weights.get(p, ZERO) for p in QUARTERLY_PARTS}, drop=waived)
    raw = {p: to_decimal(weights.get(p)) or ZERO for p in QUARTERLY_PARTS if p not in waived}
    return weighted(parts, raw), effective


def missing_parts(parts: Mapping[str, object], weights, waived: Iterable[str] = ()) -> list[str]:
    """The parts (in display order) that are neither in nor waived and carry a weight."""
    waived = set(waived)
    return [
        part
        for part in QUARTERLY_PARTS
        if part not in waived
        and to_decimal(parts.get(part)) is None
        and (to_decimal(weights.get(part)) or ZERO) > 0
    ]


def mean(values: Iterable[object]) -> Decimal | None:
    """The arithmetic mean (2 places); ``None`` for no values."""
    numbers = [to_decimal(v) for v in values if v is not None]
    if not numbers:
        return None
    return quantize(sum(numbers, ZERO) / len(numbers))


def annual_score(
    quarter_scores: Iterable[object] | Mapping[str, object],
    growth,
    capability,
    weights: Mapping[str, object] | None = None,
) -> tuple[Decimal | None, dict[str, Decimal]]:
    """(the annual score, the weights applied). ``quarter_scores``: the included quarters'
    360° scores (a list, or ``{quarter: score}``); their mean, ``growth`` (the annual growth
    KPI score as scored, i.e. capped by the scheme's cap, not at 100) and ``capability`` are
    weighed by ``weights`` (``{"quarterly", "growth",
    "capability"}``, default 60 / 20 / 20). An undefined part drops out and the rest
    renormalise; ``None`` when nothing is defined."""
    weights = weights or DEFAULT_ANNUAL_WEIGHTS
    if isinstance(quarter_scores, Mapping):
        quarter_scores = quarter_scores.values()
    parts = {
        "quarterly": mean(quarter_scores),
        "growth": to_decimal(growth),
        "capability": to_decimal(capability),
    }
    undefined = [part for part, value in parts.items() if value is None]
    effective = renormalise({p: weights.get(p, ZERO) for p in ANNUAL_PARTS}, drop=undefined)
    if not effective:
        return None, {}
    return weighted(parts, {p: weights.get(p, ZERO) for p in effective}), effective
