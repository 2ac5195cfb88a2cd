"""Reads of annual grades: the set-based proposal query, the scoped list, the calibration
screen and the 9-box. Reads for people always go through ``visible_to``."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Subquery, Window
from django.db.models.functions import Rank, RowNumber
from django.utils.translation import gettext_lazy as _

from apps.grades import calculations
from apps.grades.models import AnnualGrade
from apps.reviews.choices import CalibrationScope, CycleKind
from apps.reviews.models import Review, ReviewCycle
from apps.scorecards.models import Scorecard

__all__ = [
    "COMPANY_GROUP",
    "annual_cycles",
    "calibration",
    "cycle_year",
    "default_cycle",
    "grade_list",
    "proposal_rows",
]

COMPANY_GROUP = "company"
NO_TEAM_GROUP = "team:none"

LEVEL_LABELS = {
    calculations.LOW: _("Low (below 70)"),
    calculations.MID: _("Middle (70–89)"),
    calculations.HIGH: _("High (90 and up)"),
}


def cycle_year(cycle) -> int:
    """The year of an annual cycle ("2026" → 2026)."""
    return int(str(cycle.period_key)[:4])


def annual_cycles():
    """Annual review cycles, newest year first (everyone may know that a cycle exists)."""
    return ReviewCycle.objects.filter(kind=CycleKind.YEAR).order_by("-period_key", "-pk")


def default_cycle():
    """The latest annual cycle, or ``None``."""
    return annual_cycles().first()


def group_of(cycle, team_id, team_name) -> tuple[str, str]:
    """``(group_key, group_label)`` of a person of ``cycle`` in team ``team_id``."""
    if cycle.calibration_scope != CalibrationScope.TEAM:
        return COMPANY_GROUP, str(_("Whole company"))
    if team_id is None:
        return NO_TEAM_GROUP, str(_("No team"))
    return f"team:{team_id}", team_name


def proposal_rows(cycle) -> list[dict]:
    """Everyone of an annual ``cycle`` with their rank and group size, in **one query**.

    Window functions over the cycle's annual reviews, partitioned by the calibration group (the
    whole company, or each team): ``rank`` = ``RANK()`` by annual score, highest first (ties
    share the better rank; people without a score come last and are not ranked), ``group_size``
    = ``COUNT(score)`` over the group (the people with a score), ``position`` =
    ``ROW_NUMBER()``. The quantitative score (the person's year scorecard score) comes in the
    same query; the qualitative score is the review's mean quarterly 360° score."""
    partition = [F("person__team_id")] if cycle.calibration_scope == CalibrationScope.TEAM else None
    order = [F("score").desc(nulls_last=True), F("person_id").asc()]
    year_score = Scorecard.objects.filter(
        rep=OuterRef("person_id"), period_key=cycle.period_key
    ).values("score")[:1]
    rows = (
        Review.objects.filter(cycle=cycle)
        .annotate(
            rank=Window(Rank(), partition_by=partition, order_by=F("score").desc(nulls_last=True)),
            position=Window(RowNumber(), partition_by=partition, order_by=order),
            group_size=Window(Count("score"), partition_by=partition),
            quantitative=Subquery(year_score),
        )
        .values(
            "pk",
            "person_id",
            "person__team_id",
            "person__team__name",
            "score",
            "quarterly_mean",
            "rank",
            "position",
            "group_size",
            "quantitative",
        )
        .order_by("person__team_id", "position")
    )
    out = []
    for row in rows:
        if row["score"] is None:
            row["rank"] = None
        key, label = group_of(cycle, row["person__team_id"], row["person__team__name"])
        row["group_key"], row["group_label"] = key, label
        out.append(row)
    return out


def grade_list(*, user):
    """The grades ``user`` may see (HR/admin all; managers their teams' finalised ones; reps
    their own finalised one), with person, team and calibrator joined."""
    return (
        AnnualGrade.objects.visible_to(user)
        .select_related("person", "person__team", "calibrated_by", "cycle")
        .order_by("-year", "group_key", "rank", "person__username", "pk")
    )


@dataclass
class Group:
    key: str
    label: str
    size: int
    quota: dict
    counts: dict
    grades: list = field(default_factory=list)
    unscored: int = 0

    @property
    def rows(self) -> list[dict]:
        """The grades A, B, C with the quota and the count now (for the counts table)."""
        return [
            {"grade": grade, "quota": self.quota[grade], "count": self.counts[grade]}
            for grade in calculations.GRADES
        ]


@dataclass
class Calibration:
    cycle: object
    groups: list
    grid: list
    unplaced: list
    total: int
    finalised: bool
    counts: dict


def _quota(size: int, cycle) -> dict:
    a_count, c_count = calculations.grade_counts(size, cycle.a_percent, cycle.c_percent)
    return {"A": a_count, "B": size - a_count - c_count, "C": c_count}


def nine_box(grades) -> tuple[list[list[dict]], list]:
    """The 9-box: three rows (qualitative high → low), three cells each (quantitative low →
    high), each ``{"across", "up", "people": [grade, …]}``; and the grades not placed (a score
    missing)."""
    cells = {(across, up): [] for across in calculations.LEVELS for up in calculations.LEVELS}
    unplaced = []
    for grade in grades:
        box = calculations.nine_box(grade.quantitative_score, grade.qualitative_score)
        if box is None:
            unplaced.append(grade)
        else:
            cells[box].append(grade)
    grid = [
        [
            {
                "across": across,
                "up": up,
                "across_label": LEVEL_LABELS[across],
                "up_label": LEVEL_LABELS[up],
                "people": cells[(across, up)],
            }
            for across in calculations.LEVELS
        ]
        for up in reversed(calculations.LEVELS)
    ]
    return grid, unplaced


def calibration(*, cycle) -> Calibration:
    """The calibration screen of ``cycle``: each group's ranked list with the quota and counts
    per grade, the 9-box and the totals — one query for the grades."""
    grades = list(
        AnnualGrade.objects.filter(cycle=cycle)
        .select_related("person", "person__team", "calibrated_by", "finalised_by")
        .order_by("group_key", "rank", "person__username", "pk")
    )
    groups: dict[str, Group] = {}
    for grade in grades:
        group = groups.get(grade.group_key)
        if group is None:
            size = grade.group_size
            group = groups[grade.group_key] = Group(
                key=grade.group_key,
                label=grade.group_label,
                size=size,
                quota=_quota(size, cycle),
                counts=dict.fromkeys(calculations.GRADES, 0),
            )
        group.grades.append(grade)
        if grade.has_score:
            group.counts[grade.grade] += 1
        else:
            group.unscored += 1
    # Ranked people first (by rank), the unranked after them.
    for group in groups.values():
        group.grades.sort(key=lambda g: (g.rank is None, g.rank or 0, g.person.username))
    grid, unplaced = nine_box(grades)
    return Calibration(
        cycle=cycle,
        groups=sorted(groups.values(), key=lambda g: (g.key != COMPANY_GROUP, str(g.label))),
        grid=grid,
        unplaced=unplaced,
        total=len(grades),
        finalised=bool(grades) and all(grade.finalised for grade in grades),
        counts=calculations.distribution(grade.grade for grade in grades),
    )


def distribution_summary(*, user, cycle=None) -> dict | None:
    """For a dashboard panel: the grades per letter and the 9-box counts of the latest annual
    cycle with grades ``user`` may see (two queries), or ``None``."""
    visible = AnnualGrade.objects.visible_to(user)
    if cycle is None:
        latest = visible.order_by("-year", "-cycle_id").values("cycle_id").first()
        if latest is None:
            return None
        cycle = ReviewCycle.objects.get(pk=latest["cycle_id"])
    rows = list(
        visible.filter(cycle=cycle).values("grade", "quantitative_score", "qualitative_score")
    )
    boxes: dict = {}
    for row in rows:
        box = calculations.nine_box(row["quantitative_score"], row["qualitative_score"])
        if box is not None:
            boxes[box] = boxes.get(box, 0) + 1
    return {
        "cycle": cycle,
        "counts": calculations.distribution(row["grade"] for row in rows),
        "total": len(rows),
        "grid": [
            [
                {"across": across, "up": up, "count": boxes.get((across, up), 0)}
                for across in calculations.LEVELS
            ]
            for up in reversed(calculations.LEVELS)
        ],
    }


def as_decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))
