"""From raw per-rep aggregates to a scorecard's KPI values and scores: pure, no database.

The formulas themselves live in :mod:`apps.performance.calculations`; this module only decides
which value, target and cap each KPI of a weight scheme uses (SPEC §2.2, §2.4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from apps.development.calculations import (
    CapabilityInputs,
    capability_score,
    collaboration_score,
    rating_value,
)
from apps.performance.calculations import (
    GRADE_WEIGHTS,
    growth_rate,
    kpi_score,
    money,
    quantize,
    rate,
    retention_rate,
    weighted_count,
    weighted_score,
)
from apps.performance.choices import NEGATIVE_IS_ZERO_KPIS, Kpi
from apps.surveys.calculations import satisfaction

#: Scale of a summed share: cents (×100) × hundredths of a percent (×100) ÷ 100 % = ×10⁶.
#: The selectors sum money exactly as such integers (see :mod:`apps.scorecards.selectors`).
SHARE_SCALE = Decimal(1_000_000)
#: ``{grade: column}``: the per-owner counts of customers developed, per lead grade, that the
#: selectors return beside ``new_customers`` (the customers of any other grade, blank
#: included, are ``new_customers`` minus these).
DEVELOPED_BY_GRADE = {grade: f"developed_{grade.lower()}" for grade in GRADE_WEIGHTS}


def share_to_money(value) -> Decimal:
    """The exact Decimal of an integer share sum (``None`` -> 0)."""
    if value is None:
        return Decimal(0)
    return Decimal(int(value)) / SHARE_SCALE


def new_customers_weighted(development: dict) -> Decimal:
    """Σ grade weight over the customers developed, from a development row's counts: the
    graded customers by their grade's weight, every other one (no lead grade) by the weight
    of a blank grade."""
    counts = {
        grade: int(development.get(column) or 0) for grade, column in DEVELOPED_BY_GRADE.items()
    }
    counts[""] = int(development.get("new_customers") or 0) - sum(counts.values())
    return weighted_count(counts)


@dataclass(frozen=True)
class SchemeItem:
    kpi: str
    weight: Decimal
    target: Decimal
    cap: Decimal


@dataclass(frozen=True)
class RepTargets:
    sales_target: Decimal | None = None
    new_customers_target: Decimal | None = None
    collection_rate_target: Decimal | None = None


@dataclass
class RawFigures:
    """One rep's aggregates for one period (exact Decimals)."""

    sales: Decimal = Decimal(0)
    new_customer_sales: Decimal = Decimal(0)
    sales_last_year: Decimal = Decimal(0)
    new_customers: int = 0
    new_customers_weighted: Decimal = Decimal(0)
    customers_at_start: int = 0
    customers_lost: int = 0
    receivable_due: Decimal = Decimal(0)
    collected: Decimal = Decimal(0)
    #: The qualitative KPIs (0–100, quarters and years only; ``None`` while undefined), see
    #: :func:`qualitative_figures`.
    customer_satisfaction: Decimal | None = None
    team_collaboration: Decimal | None = None
    capability_growth: Decimal | None = None
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: dict | None) -> RawFigures:
        """The figures of one rep's row of raw sums and counts (the selectors' names; a
        missing row or figure is nothing)."""
        row = row or {}
        return cls(
            sales=share_to_money(row.get("sales")),
            new_customer_sales=share_to_money(row.get("new_customer_sales")),
            sales_last_year=share_to_money(row.get("sales_last_year")),
            new_customers=int(row.get("new_customers") or 0),
            new_customers_weighted=new_customers_weighted(row),
            customers_at_start=int(row.get("customers_at_start") or 0),
            customers_lost=int(row.get("customers_lost") or 0),
            receivable_due=share_to_money(row.get("receivable_due")),
            collected=share_to_money(row.get("collected")),
        )


def _text(value) -> str | None:
    return None if value is None else str(value)


def scheme_score(
    values: dict, items: list[SchemeItem], rep_targets: dict | None = None
) -> tuple[dict, Decimal | None]:
    """Score KPI ``values`` under a scheme's ``items`` (SPEC §2.4): each KPI against its target
    (the rep-specific one in ``rep_targets`` when there is one, else the item's), then the
    weighted mean over the defined KPIs. Returns ``({kpi: (target, score, weight)}, score)``;
    the score is ``None`` without items or when no weighed KPI is defined."""
    rep_targets = rep_targets or {}
    scored, scores, weights = {}, {}, {}
    for item in items:
        target = rep_targets.get(item.kpi)
        if target is None:
            target = item.target
        score = kpi_score(
            values.get(item.kpi),
            target,
            item.cap,
            negative_is_zero=item.kpi in NEGATIVE_IS_ZERO_KPIS,
        )
        scores[item.kpi] = score
        weights[item.kpi] = item.weight
        scored[item.kpi] = (target, score, item.weight)
    return scored, (weighted_score(scores, weights) if items else None)


def scorecard_figures(
    raw: RawFigures,
    *,
    targets: RepTargets,
    items: list[SchemeItem],
    growth_target: Decimal | None,
) -> dict:
    """The stored fields of one scorecard: money rounded to the cent, rates (null when
    undefined), ``kpi_scores`` for every KPI of the scheme and the weighted ``score``."""
    sales_target = targets.sales_target
    values = {
        Kpi.SALES_ACHIEVEMENT_RATE: rate(raw.sales, sales_target),
        Kpi.SALES_GROWTH_RATE: growth_rate(raw.sales, raw.sales_last_year),
        Kpi.NEW_CUSTOMERS: quantize(raw.new_customers_weighted),
        Kpi.RETENTION_RATE: retention_rate(raw.customers_at_start, raw.customers_lost),
        Kpi.COLLECTION_RATE: rate(raw.collected, raw.receivable_due),
        Kpi.CUSTOMER_SATISFACTION: raw.customer_satisfaction,
        Kpi.TEAM_COLLABORATION: raw.team_collaboration,
        Kpi.CAPABILITY_GROWTH: raw.capability_growth,
    }
    rep_specific = {
        Kpi.SALES_GROWTH_RATE: growth_target,
        Kpi.NEW_CUSTOMERS: targets.new_customers_target,
        Kpi.COLLECTION_RATE: targets.collection_rate_target,
    }
    scored, score = scheme_score(values, items, rep_specific)
    kpi_scores = {
        str(kpi): {
            "value": _text(values.get(kpi)),
            "target": _text(target),
            "score": _text(kpi_value_score),
            "weight": _text(weight),
        }
        for kpi, (target, kpi_value_score, weight) in scored.items()
    }
    return {
        "sales": money(raw.sales),
        "new_customer_sales": money(raw.new_customer_sales),
        "repeat_sales": money(raw.sales) - money(raw.new_customer_sales),
        "sales_target": None if sales_target is None else money(sales_target),
        "sales_achievement_rate": values[Kpi.SALES_ACHIEVEMENT_RATE],
        "sales_last_year": money(raw.sales_last_year),
        "sales_growth_rate": values[Kpi.SALES_GROWTH_RATE],
        "new_customers": raw.new_customers,
        "new_customers_weighted": values[Kpi.NEW_CUSTOMERS],
        "customers_at_start": raw.customers_at_start,
        "customers_lost": raw.customers_lost,
        "retention_rate": values[Kpi.RETENTION_RATE],
        "receivable_due": money(raw.receivable_due),
        "collected": money(raw.collected),
        "collection_rate": values[Kpi.COLLECTION_RATE],
        "customer_satisfaction": raw.customer_satisfaction,
        "team_collaboration": raw.team_collaboration,
        "capability_growth": raw.capability_growth,
        "kpi_scores": kpi_scores,
        "score": score,
    }


# --- The qualitative KPIs (SPEC §2.3) ------------------------------------------------------------


@dataclass(frozen=True)
class QualitativeRow:
    """One rep's qualitative inputs of a quarter or a year, as the selectors read them: the
    answered surveys' scores, the (cross-department, knowledge-sharing) pairs of the manager's
    and the peers' ratings, and the learning log and capability goals."""

    survey_scores: tuple[Decimal, ...] = ()
    manager_ratings: tuple[tuple[int, int], ...] = ()
    peer_ratings: tuple[tuple[int, int], ...] = ()
    months: int = 0
    courses: int = 0
    assessed: tuple[Decimal, ...] = ()
    goal_progress: tuple[Decimal, ...] = ()
    entries: int = 0


def qualitative_figures(row: QualitativeRow) -> dict:
    """``customer_satisfaction``, ``team_collaboration`` and ``capability_growth`` of one rep
    (``None`` while undefined), by the one formula of each: :func:`satisfaction`,
    :func:`collaboration_score` over :func:`rating_value`, :func:`capability_score`."""
    return {
        "customer_satisfaction": satisfaction(row.survey_scores),
        "team_collaboration": collaboration_score(
            [rating_value(*pair) for pair in row.manager_ratings],
            [rating_value(*pair) for pair in row.peer_ratings],
        ),
        "capability_growth": capability_score(
            CapabilityInputs(
                months=row.months,
                courses=row.courses,
                assessed=tuple(row.assessed),
                goal_progress=tuple(row.goal_progress),
                entries=row.entries,
            )
        ),
    }
