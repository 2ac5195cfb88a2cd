"""Lead grading arithmetic (SPEC §1.1): pure functions, no database.

A lead's total is the sum of the rubric's points for its company size, need match and
decision-chain complexity; the total decides the grade: at least ``a_min_total`` → A, at least
``b_min_total`` → B, anything below → C.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from apps.leads.choices import CompanySize, DecisionComplexity, Grade, NeedMatch


@dataclass(frozen=True)
class RubricPoints:
    """The numbers of a grading rubric, detached from the database row."""

    size: Mapping[str, int] = field(
        default_factory=lambda: {CompanySize.SMALL: 1, CompanySize.MEDIUM: 2, CompanySize.LARGE: 3}
    )
    need: Mapping[str, int] = field(
        default_factory=lambda: {NeedMatch.LOW: 1, NeedMatch.MEDIUM: 2, NeedMatch.HIGH: 3}
    )
    chain: Mapping[str, int] = field(
        default_factory=lambda: {
            DecisionComplexity.COMPLEX: 1,
            DecisionComplexity.MODERATE: 2,
            DecisionComplexity.SIMPLE: 3,
        }
    )
    a_min_total: int = 8
    b_min_total: int = 6

    @classmethod
    def from_rubric(cls, rubric) -> RubricPoints:
        """Read the points of a ``GradingRubric`` (or anything with the same attributes)."""
        return cls(
            size={
                CompanySize.SMALL: rubric.size_small,
                CompanySize.MEDIUM: rubric.size_medium,
                CompanySize.LARGE: rubric.size_large,
            },
            need={
                NeedMatch.LOW: rubric.need_low,
                NeedMatch.MEDIUM: rubric.need_medium,
                NeedMatch.HIGH: rubric.need_high,
            },
            chain={
                DecisionComplexity.COMPLEX: rubric.chain_complex,
                DecisionComplexity.MODERATE: rubric.chain_moderate,
                DecisionComplexity.SIMPLE: rubric.chain_simple,
            },
            a_min_total=rubric.a_min_total,
            b_min_total=rubric.b_min_total,
        )


DEFAULT_POINTS = RubricPoints()


def rubric_total(size: str, need: str, chain: str, rubric_points: RubricPoints) -> int:
    """Points of one lead. An unknown answer raises ``KeyError`` (callers validate choices)."""
    return rubric_points.size[size] + rubric_points.need[need] + rubric_points.chain[chain]


def grade_for_total(total: int, rubric_points: RubricPoints) -> str:
    if total >= rubric_points.a_min_total:
        return Grade.A.value
    if total >= rubric_points.b_min_total:
        return Grade.B.value
    return Grade.C.value


def grade_for(size: str, need: str, chain: str, rubric_points: RubricPoints) -> str:
    """The rubric grade ("A", "B" or "C") of a lead with these answers."""
    return grade_for_total(rubric_total(size, need, chain, rubric_points), rubric_points)


def highest_total(rubric_points: RubricPoints) -> int:
    return (
        max(rubric_points.size.values())
        + max(rubric_points.need.values())
        + max(rubric_points.chain.values())
    )


def grade_table(rubric_points: RubricPoints) -> dict[tuple[str, str, str], str]:
    """Every combination of answers and the grade it gets (27 rows), for set-based regrading."""
    return {
        (size, need, chain): grade_for(size, need, chain, rubric_points)
        for size in CompanySize.values
        for need in NeedMatch.values
        for chain in DecisionComplexity.values
    }
