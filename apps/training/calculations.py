"""The rules of training recommendations, pure functions without the database.

A person is **weak** in a skill (a capability dimension: needs discovery, negotiation, digital
tools, industry knowledge) when ANY of:

1. their skill evidence — course-exam and sandbox scores on that skill and certifications on it
  (a certification without a score counts 100, as the capability score reads it) over the last
  12 months — averages **below** the weak score (default 60; exactly 60 is not weak);
2. they have **no evidence at all** on the skill while their KPI gaps point to it.

KPI gaps → skill (a KPI scored below the KPI gap score, default 80, in the person's latest
monthly scorecard; a KPI score is value ÷ target × 100):

- customer development (new customers, grade-weighted) → needs discovery;
- sales achievement rate or collection rate → negotiation.

Digital tools and industry knowledge are read from the evidence only (the reviews' capability
score is not split by skill, so it cannot point to one).

A team gets a **workshop** for a skill when at least ``workshop_share`` % (default 50 %, "at
least": 2 of 4 proposes, 1 of 4 does not) of its active reps are weak in it, and at least two
people are; the others weak alone get individual courses and a mentor.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from apps.development.choices import Skill
from apps.training.choices import MIN_WORKSHOP_PEOPLE

HUNDRED = Decimal("100")

#: Which KPI gap points to which skill.
KPI_GAP_SKILLS: dict[str, str] = {
    "new_customers": Skill.NEEDS_DISCOVERY,
    "sales_achievement_rate": Skill.NEGOTIATION,
    "collection_rate": Skill.NEGOTIATION,
}


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def evidence_average(total, count: int) -> Decimal | None:
    """The mean evidence score from a database sum and count (``None`` without evidence)."""
    if not count:
        return None
    return Decimal(total) / Decimal(count)


def kpi_gap_skills(kpi_scores: Mapping | None, gap_score: Decimal) -> set[str]:
    """The skills a scorecard's ``kpi_scores`` (``{kpi: {"score": "61.50", …}}``) point to: each
    mapped KPI whose score is below ``gap_score``. A KPI without a score (undefined) is no
    gap."""
    skills: set[str] = set()
    for kpi, skill in KPI_GAP_SKILLS.items():
        row = (kpi_scores or {}).get(kpi)
        score = _decimal(row.get("score") if isinstance(row, Mapping) else row)
        if score is not None and score < gap_score:
            skills.add(str(skill))
    return skills


def is_weak(average: Decimal | None, *, kpi_gap: bool, weak_score: Decimal) -> bool:
    """Weak: evidence averaging below ``weak_score``, or no evidence while a KPI gap points to
    the skill."""
    if average is not None:
        return average < weak_score
    return kpi_gap


def weak_reason(average: Decimal | None, *, kpi_gap: bool, weak_score: Decimal) -> str:
    """Why a person is weak: ``"evidence"`` (a low average) or ``"kpi_gap"`` ("" if not)."""
    if not is_weak(average, kpi_gap=kpi_gap, weak_score=weak_score):
        return ""
    return "evidence" if average is not None else "kpi_gap"


def workshop_due(weak_count: int, team_size: int, share: Decimal) -> bool:
    """A team workshop: at least ``share`` % of the team is weak (exact arithmetic, "at least"),
    and at least :data:`MIN_WORKSHOP_PEOPLE` people are."""
    if team_size <= 0 or weak_count < MIN_WORKSHOP_PEOPLE:
        return False
    return Decimal(weak_count) * HUNDRED >= Decimal(share) * Decimal(team_size)


def pick_mentor(
    person_id: int, team_id: int | None, grade_a: Iterable[tuple[int, int | None]]
) -> int | None:
    """A mentor for ``person_id``: the first grade-A colleague of the same team, else the first
    grade-A person of the company (never the person themself); ``None`` when nobody is A.
    ``grade_a`` is ``(person id, team id)`` in preference order."""
    candidates = [(pk, team) for pk, team in grade_a if pk != person_id]
    for pk, team in candidates:
        if team_id is not None and team == team_id:
            return pk
    return candidates[0][0] if candidates else None


def evidence_since(today: datetime.date, months: int = 12) -> datetime.date:
    """The first day of the evidence window: the day after the same day ``months`` back
    (16 Nov 2026 → 17 Nov 2025), so the window holds exactly ``months`` months."""
    index = today.year * 12 + (today.month - 1) - months
    year, month = index // 12, index % 12 + 1
    day = min(today.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day) + datetime.timedelta(days=1)
