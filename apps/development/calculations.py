"""Collaboration and capability scores (SPEC §2.3 items 7 and 8), pure Decimal functions.

Conventions: results 0–100 rounded half up to 2 decimals; ``None`` means undefined (nothing to
score) and is never 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal("100")

#: Product defaults: manager mean and peer mean weigh 50/50; ×20 maps 1–5 onto 0–100.
MANAGER_SHARE = Decimal("0.5")
PEER_SHARE = Decimal("0.5")
RATING_TO_PERCENT = Decimal("20")
#: A rated rep sees the peer mean only when at least this many peers rated them.
MIN_PEERS_SHOWN = 3


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _mean(values: Iterable[Decimal]) -> Decimal | None:
    values = [Decimal(v) for v in values]
    return sum(values) / len(values) if values else None


def rating_value(cross_department: int, knowledge_sharing: int) -> Decimal:
    """One rater's rating: the mean of its two 1–5 dimensions."""
    return (Decimal(cross_department) + Decimal(knowledge_sharing)) / 2


def collaboration_score(
    manager_ratings: Iterable[Decimal], peer_ratings: Iterable[Decimal]
) -> Decimal | None:
    """(manager mean × 50 % + peer mean × 50 %) × 20. When only one side rated, that side's
    mean alone (the weights renormalise); ``None`` when nobody rated.

    Peers count only from :data:`MIN_PEERS_SHOWN` raters on: the rated rep sees the manager
    mean and this score, so with one or two peers the score would give their ratings away.
    Below that the peers are left out (the manager mean alone, or undefined)."""
    manager_ratings = list(manager_ratings)
    peer_ratings = list(peer_ratings)
    return collaboration_score_of_means(
        _mean(manager_ratings), _mean(peer_ratings), peer_count=len(peer_ratings)
    )


def collaboration_score_of_means(
    manager_mean: Decimal | None, peer_mean: Decimal | None, *, peer_count: int
) -> Decimal | None:
    """:func:`collaboration_score` from the two means (1–5) and the number of peers who rated
    (for a database that aggregated the means already)."""
    peers = peer_mean if peer_count >= MIN_PEERS_SHOWN else None
    parts = [
        (m, s) for m, s in ((manager_mean, MANAGER_SHARE), (peers, PEER_SHARE)) if m is not None
    ]
    if not parts:
        return None
    weight = sum(share for _mean_value, share in parts)
    mean = sum(Decimal(value) * share for value, share in parts) / weight
    return _round(mean * RATING_TO_PERCENT)


def peer_mean_shown(peer_ratings: Iterable[Decimal]) -> Decimal | None:
    """The peer mean (1–5) a rated rep may see: only from at least :data:`MIN_PEERS_SHOWN`
    raters, so no single rater can be told apart."""
    ratings = list(peer_ratings)
    if len(ratings) < MIN_PEERS_SHOWN:
        return None
    return _round(_mean(ratings))


@dataclass(frozen=True)
class CapabilityInputs:
    """One rep's learning in a period: ``months`` in the period, ``courses`` completed,
    ``assessed`` scores (course exams, sandbox exercises, certifications — a certification
    without a score counts 100), ``goal_progress`` of the year's capability goals (0–100), and
    ``entries`` — how many learning-log entries of any kind."""

    months: int
    courses: int
    assessed: tuple[Decimal, ...]
    goal_progress: tuple[Decimal, ...]
    entries: int


#: Product default weights of the capability score's three parts (renormalised over the parts
#: that are defined): assessed skills 50, learning pace 25, annual goal progress 25.
SKILLS_WEIGHT = Decimal("50")
PACE_WEIGHT = Decimal("25")
GOAL_WEIGHT = Decimal("25")
#: The norm is 1–2 courses a month: one a month is full marks for the pace.
COURSES_PER_MONTH = 1


def capability_score(inputs: CapabilityInputs) -> Decimal | None:
    """Capability growth 0–100 (SPEC §2.3 item 8, product default): the weighted mean of
    - skills: the mean assessed score;
    - pace: courses ÷ (months × 1), capped at 100 %;
    - goal: the mean progress of the year's capability goals.
    Undefined (``None``) when the rep logged nothing in the period and has no goal."""
    if inputs.entries == 0 and not inputs.goal_progress:
        return None
    parts: list[tuple[Decimal, Decimal]] = []
    skills = _mean(inputs.assessed)
    if skills is not None:
        parts.append((skills, SKILLS_WEIGHT))
    expected = max(inputs.months, 1) * COURSES_PER_MONTH
    pace = min(Decimal(inputs.courses) / expected, Decimal(1)) * HUNDRED
    parts.append((pace, PACE_WEIGHT))
    goal = _mean(inputs.goal_progress)
    if goal is not None:
        parts.append((goal, GOAL_WEIGHT))
    weight = sum(w for _value, w in parts)
    return _round(sum(value * w for value, w in parts) / weight)


#: Ratings of a quarter may be given and changed during the quarter and for this many days
#: after it (the product's choice while no review locks the quarter, see services).
RATING_GRACE_DAYS = 30


def months_in(start, end) -> int:
    """Whole months from ``start`` to ``end`` (exclusive), at least 1; a part month counts
    (the pace of a running quarter is judged on the months begun so far)."""
    days = (end - start).days
    if days <= 0:
        return 1
    months = (end.year * 12 + end.month) - (start.year * 12 + start.month)
    if end.day > start.day:
        months += 1
    return max(months, 1)


def course_pace(courses: int, months: int) -> Decimal:
    """Courses per month, rounded to 2 decimals (the norm is 1–2)."""
    return _round(Decimal(courses) / max(months, 1))


def rating_mean(ratings: Iterable[Decimal]) -> Decimal | None:
    """The mean of 1–5 ratings rounded to 2 decimals (``None`` when there are none)."""
    mean = _mean(ratings)
    return None if mean is None else _round(mean)
