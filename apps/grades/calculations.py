"""Forced distribution and the 9-box (SPEC §2.6), as pure functions (no Django, no ORM).

Within a calibration group ranked by annual score (highest first) the top ``a_percent`` get A,
the bottom ``c_percent`` get C and the rest B:

- counts = group size × percentage ÷ 100, **rounded half up** (5 people × 10 % = 0.5 → 1);
- **ties at a boundary take the better grade**: everyone tied with the last A is A, everyone
  tied with the first C is B (so there may be more A and fewer C than the counts);
- a person **without a score** is listed but not ranked: not counted in the group size, proposed
  B (the grade field needs a value) and flagged "no score" so HR decides by hand.

The rank is the competition rank ("1, 2, 2, 4"): one more than the number of people with a
strictly better score, which is what SQL's ``RANK()`` gives. With it the rule is one test per
person, the same in Python and on the database's window-function path
(:func:`apps.grades.services.grades_propose`):

    A when rank ≤ a_count;  else C when rank > size − c_count;  else B.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

A, B, C = "A", "B", "C"
GRADES = (A, B, C)

#: Product defaults of the 9-box thresholds: below 70 low, 70–89.99 mid, 90 and up high.
BOX_LOW_BELOW = Decimal("70")
BOX_HIGH_FROM = Decimal("90")
LOW, MID, HIGH = "low", "mid", "high"
LEVELS = (LOW, MID, HIGH)


def share_count(size: int, percent) -> int:
    """``size`` × ``percent`` ÷ 100 rounded half up (never negative, never above ``size``)."""
    if size <= 0:
        return 0
    exact = Decimal(size) * Decimal(str(percent)) / Decimal(100)
    count = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return max(0, min(size, count))


def grade_counts(size: int, a_percent, c_percent) -> tuple[int, int]:
    """The quota of A and C grades of a group of ``size`` ranked people: ``(a_count,
    c_count)``. When the two overlap (shares adding up to more than 100 %) A wins."""
    a_count = share_count(size, a_percent)
    c_count = min(share_count(size, c_percent), size - a_count)
    return a_count, c_count


def grade_for_rank(rank: int | None, size: int, a_count: int, c_count: int) -> str:
    """The proposed grade of the person at competition ``rank`` (1 = best) in a group of
    ``size`` ranked people; ``None`` (no score) is B."""
    if rank is None:
        return B
    if rank <= a_count:
        return A
    if rank > size - c_count:
        return C
    return B


def competition_ranks(scores) -> list[int | None]:
    """Each score's competition rank among the scores (highest first; ``None`` unranked)."""
    ranked = sorted((score for score in scores if score is not None), reverse=True)
    first_position: dict = {}
    for position, score in enumerate(ranked, start=1):
        first_position.setdefault(score, position)
    return [None if score is None else first_position[score] for score in scores]


@dataclass(frozen=True)
class Proposal:
    score: Decimal | None
    rank: int | None
    grade: str

    @property
    def scored(self) -> bool:
        return self.score is not None


def propose_grades(scores, a_percent=10, c_percent=10) -> list[Proposal]:
    """The proposal for one calibration group: one :class:`Proposal` per score, in the order
    given (usually ranked, highest first). ``None`` scores are proposed B, unranked, and not
    counted in the group size."""
    scores = list(scores)
    size = sum(1 for score in scores if score is not None)
    a_count, c_count = grade_counts(size, a_percent, c_percent)
    return [
        Proposal(score=score, rank=rank, grade=grade_for_rank(rank, size, a_count, c_count))
        for score, rank in zip(scores, competition_ranks(scores), strict=True)
    ]


def distribution(grades) -> dict[str, int]:
    """How many of each grade: ``{"A": n, "B": n, "C": n}``."""
    counts = dict.fromkeys(GRADES, 0)
    for grade in grades:
        if grade in counts:
            counts[grade] += 1
    return counts


def level(score, *, low_below=BOX_LOW_BELOW, high_from=BOX_HIGH_FROM) -> str | None:
    """A score's row or column of the 9-box: ``"low"`` (< 70), ``"mid"`` (70–89.99),
    ``"high"`` (≥ 90); ``None`` without a score."""
    if score is None:
        return None
    score = Decimal(str(score))
    if score < low_below:
        return LOW
    if score >= high_from:
        return HIGH
    return MID


def nine_box(quantitative, qualitative, **thresholds) -> tuple[str, str] | None:
    """The box of a person: ``(quantitative level, qualitative level)``, or ``None`` when
    either score is missing (listed beside the grid as "not placed")."""
    across, up = level(quantitative, **thresholds), level(qualitative, **thresholds)
    if across is None or up is None:
        return None
    return across, up
