"""Survey arithmetic (SPEC §2.3 item 6), pure Decimal functions.

Conventions: results are rounded half up to 2 decimals; ``None`` means undefined (nothing
answered) and is never 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def survey_score(answers: Mapping[str, int | None], weights: Mapping[str, int]) -> Decimal | None:
    """The weighted mean of the three dimensions (each 0–100). Every dimension must be
    answered; weights default to equal. ``None`` when a dimension is missing or all weights
    are 0."""
    if any(answers.get(dimension) is None for dimension in weights):
        return None
    total_weight = sum(Decimal(w) for w in weights.values())
    if total_weight <= 0:
        return None
    total = sum(Decimal(answers[d]) * Decimal(w) for d, w in weights.items())
    return (total / total_weight).quantize(CENT, rounding=ROUND_HALF_UP)


def satisfaction(scores: Iterable[Decimal | None]) -> Decimal | None:
    """A rep's satisfaction: the mean over their answered surveys (``None`` if none)."""
    answered = [Decimal(score) for score in scores if score is not None]
    if not answered:
        return None
    return (sum(answered) / len(answered)).quantize(CENT, rounding=ROUND_HALF_UP)
