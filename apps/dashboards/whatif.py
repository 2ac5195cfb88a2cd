"""The weights what-if (SPEC §2.4, §2.6, §2.7): a draft weight scheme applied to a past
period's stored scorecards, to see how each rep's score and grade would move before the draft
is published as a new scheme version.

Two layers, as everywhere in the KPI code:

- :func:`whatif_inputs` reads (a fixed number of queries, whatever the number of reps): every
  stored scorecard of the period in one query, the period's targets, its period setting, the
  scheme in force and the grade shares of the latest annual review cycle;
- :func:`rescore` and :func:`compare` are pure. A rep is re-scored from the KPI **values**
  stored on their scorecard with the same formulas the scorecards use
  (:func:`apps.performance.calculations.kpi_score`, ``weighted_score``), against the same
  targets (the rep's own new-customer and collection targets, the period's growth target, else
  the draft's: :func:`apps.performance.selectors.effective_target`). The grades before and
  after come from the same forced distribution as the annual grades
  (:func:`apps.grades.calculations.propose_grades`) applied to the whole company.

The values are those stored when the scorecards were computed: a scorecard that is stale
(its figures changed since) is compared as stored. Targets are read as they are now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from apps.grades.calculations import B, propose_grades
from apps.performance import periods
from apps.performance.calculations import (
    quantize,
    to_decimal,
)
from apps.performance.choices import CYCLE_PERIOD_KIND, Kpi
from apps.performance.selectors import effective_target, period_setting_for, scheme_for_period
from apps.performance.selectors import period_targets as _period_targets
from apps.reviews.choices import CycleKind
from apps.reviews.models import ReviewCycle
from apps.scorecards.calculations import SchemeItem, scheme_score
from apps.scorecards.models import Scorecard

#: Product default shares of the forced distribution (SPEC §2.6) when no annual review cycle
#: sets them.
DEFAULT_A_PERCENT = Decimal("10")
DEFAULT_C_PERCENT = Decimal("10")

#: Where each KPI's value is stored on a scorecard when ``kpi_scores`` does not hold it (a KPI
#: the scheme of the time did not weigh).
KPI_COLUMNS = {
    Kpi.SALES_ACHIEVEMENT_RATE: "sales_achievement_rate",
    Kpi.SALES_GROWTH_RATE: "sales_growth_rate",
    Kpi.NEW_CUSTOMERS: "new_customers_weighted",
    Kpi.RETENTION_RATE: "retention_rate",
    Kpi.COLLECTION_RATE: "collection_rate",
    Kpi.CUSTOMER_SATISFACTION: "customer_satisfaction",
    Kpi.TEAM_COLLABORATION: "team_collaboration",
    Kpi.CAPABILITY_GROWTH: "capability_growth",
}

#: Better grades first: a lower rank is a better grade.
GRADE_RANK = {"A": 0, "B": 1, "C": 2}
UP, SAME, DOWN = "up", "same", "down"


# --- pure ---------------------------------------------------------------------------------------


def scheme_items(items) -> list[SchemeItem]:
    """``items`` (model rows or ``{"kpi", "weight", "target", "cap"}`` dicts) as the
    scorecards' :class:`SchemeItem`."""
    out = []
    for item in items:
        get = item.get if isinstance(item, dict) else lambda name, item=item: getattr(item, name)
        out.append(
            SchemeItem(
                kpi=str(get("kpi")),
                weight=to_decimal(get("weight")),
                target=to_decimal(get("target")),
                cap=to_decimal(get("cap")),
            )
        )
    return out


def stored_values(card) -> dict[str, Decimal | None]:
    """The KPI values of a stored scorecard: ``kpi_scores[kpi]["value"]`` where the scheme of
    the time weighed the KPI, else the scorecard's column."""
    stored = card.kpi_scores or {}
    values = {}
    for kpi, column in KPI_COLUMNS.items():
        entry = stored.get(str(kpi))
        if isinstance(entry, dict) and "value" in entry:
            values[str(kpi)] = to_decimal(entry["value"])
        else:
            values[str(kpi)] = to_decimal(getattr(card, column, None))
    return values


def rep_specific_targets(rep_target, period_setting) -> dict[str, Decimal]:
    """The targets that a rep's KPI is scored against instead of the scheme's: the rep's own
    (new customers, collection rate) and the period's growth target — by the one rule
    :func:`apps.performance.selectors.effective_target`."""
    out = {}
    for kpi in Kpi:
        target = effective_target(
            kpi, scheme_target=None, rep_target=rep_target, period_setting=period_setting
        )
        if target is not None:
            out[str(kpi)] = target
    return out


def rescore(values: dict, items: list[SchemeItem], targets: dict | None = None) -> Decimal | None:
    """The period score of one rep under the scheme ``items``: each KPI scored against its
    target (the rep-specific one of ``targets`` when there is one, else the item's) with
    :func:`kpi_score`, then the weighted mean over the defined KPIs with
    :func:`weighted_score` (undefined KPIs drop out, the other weights are renormalised).
    ``None`` when no weighed KPI is defined."""
    return scheme_score(values, items, targets)[1]


@dataclass(frozen=True)
class RepInput:
    """One rep's stored scorecard as the what-if reads it."""

    rep: object
    current: Decimal | None
    values: dict
    targets: dict = field(default_factory=dict)
    card_id: int | None = None
    stale: bool = False


@dataclass
class RepOutcome:
    rep: object
    current: Decimal | None
    whatif: Decimal | None
    delta: Decimal | None
    grade_now: str
    grade_whatif: str
    scored_now: bool
    scored_whatif: bool
    card_id: int | None = None
    stale: bool = False

    @property
    def move(self) -> str:
        """``"up"``, ``"down"`` or ``"same"``: the grade's move from now to the what-if."""
        before, after = GRADE_RANK[self.grade_now], GRADE_RANK[self.grade_whatif]
        if after < before:
            return UP
        if after > before:
            return DOWN
        return SAME


@dataclass
class KpiChange:
    kpi: str
    label: str
    weight_before: Decimal | None
    weight_after: Decimal | None
    target_before: Decimal | None
    target_after: Decimal | None
    cap_before: Decimal | None
    cap_after: Decimal | None

    @property
    def weight_changed(self) -> bool:
        return self.weight_before != self.weight_after


@dataclass
class WhatIf:
    rows: list[RepOutcome]
    changes: list[KpiChange]
    a_percent: Decimal
    c_percent: Decimal
    #: The scheme in force in the period (what the draft is compared with), when known.
    scheme: object = None

    @property
    def moved_up(self) -> list[RepOutcome]:
        return [row for row in self.rows if row.move == UP]

    @property
    def moved_down(self) -> list[RepOutcome]:
        return [row for row in self.rows if row.move == DOWN]

    @property
    def weight_changes(self) -> list[KpiChange]:
        return [change for change in self.changes if change.weight_changed]

    @property
    def mean_change(self) -> Decimal | None:
        """The mean score change over the reps scored both now and in the what-if."""
        deltas = [row.delta for row in self.rows if row.delta is not None]
        if not deltas:
            return None
        return quantize(sum(deltas, Decimal(0)) / len(deltas))

    @property
    def unscored(self) -> list[RepOutcome]:
        return [row for row in self.rows if not (row.scored_now and row.scored_whatif)]


def kpi_changes(before: list[SchemeItem], after: list[SchemeItem]) -> list[KpiChange]:
    """The KPIs whose weight, target or cap differ between two schemes (in :class:`Kpi`
    order); a KPI in only one of them has ``None`` on the other side."""
    old = {item.kpi: item for item in before}
    new = {item.kpi: item for item in after}
    changes = []
    for kpi in Kpi:
        a, b = old.get(str(kpi)), new.get(str(kpi))
        if a is None and b is None:
            continue
        pairs = [
            (getattr(a, name, None), getattr(b, name, None)) for name in ("weight", "target", "cap")
        ]
        if all(x == y for x, y in pairs):
            continue
        changes.append(
            KpiChange(
                kpi=str(kpi),
                label=str(kpi.label),
                weight_before=pairs[0][0],
                weight_after=pairs[0][1],
                target_before=pairs[1][0],
                target_after=pairs[1][1],
                cap_before=pairs[2][0],
                cap_after=pairs[2][1],
            )
        )
    return changes


def _sort_key(row: RepOutcome):
    # Biggest gain first; reps without a delta last; then by name for a stable order.
    return (row.delta is None, -(row.delta or Decimal(0)), str(row.rep))


def compare(
    inputs: list[RepInput],
    *,
    draft: list[SchemeItem],
    current_items: list[SchemeItem] | None = None,
    a_percent=DEFAULT_A_PERCENT,
    c_percent=DEFAULT_C_PERCENT,
) -> WhatIf:
    """Each rep's stored score, their score under ``draft`` and the change; the grade of each
    by the forced distribution over all of ``inputs`` (the calibration group) before and
    after. Rows sorted by the change, biggest gain first."""
    whatif_scores = [rescore(entry.values, draft, entry.targets) for entry in inputs]
    current_scores = [entry.current for entry in inputs]
    now = propose_grades(current_scores, a_percent, c_percent)
    after = propose_grades(whatif_scores, a_percent, c_percent)
    rows = []
    for entry, score, before_grade, after_grade in zip(
        inputs, whatif_scores, now, after, strict=True
    ):
        delta = None
        if entry.current is not None and score is not None:
            delta = quantize(score - entry.current)
        rows.append(
            RepOutcome(
                rep=entry.rep,
                current=entry.current,
                whatif=score,
                delta=delta,
                grade_now=before_grade.grade if before_grade.scored else B,
                grade_whatif=after_grade.grade if after_grade.scored else B,
                scored_now=before_grade.scored,
                scored_whatif=after_grade.scored,
                card_id=entry.card_id,
                stale=entry.stale,
            )
        )
    rows.sort(key=_sort_key)
    return WhatIf(
        rows=rows,
        changes=kpi_changes(current_items or [], draft),
        a_percent=to_decimal(a_percent),
        c_percent=to_decimal(c_percent),
    )


# --- periods ------------------------------------------------------------------------------------


def last_complete_period(cycle: str, today: dt.date) -> periods.Period:
    """The last period of ``cycle`` that has ended by ``today`` (the what-if's default)."""
    return periods.period_containing(CYCLE_PERIOD_KIND[cycle], today).previous()


# --- reads --------------------------------------------------------------------------------------


def grade_shares() -> tuple[Decimal, Decimal]:
    """The A and C shares of the latest annual review cycle, else the product default 10/10."""
    cycle = (
        ReviewCycle.objects.filter(kind=CycleKind.YEAR)
        .order_by("-period_key", "-pk")
        .values("a_percent", "c_percent")
        .first()
    )
    if cycle is None:
        return DEFAULT_A_PERCENT, DEFAULT_C_PERCENT
    return cycle["a_percent"], cycle["c_percent"]


def period_scorecards(*, user, period: periods.Period):
    """Every stored scorecard of ``period`` that ``user`` may see, with its rep (one query)."""
    return (
        Scorecard.objects.visible_to(user)
        .filter(period_key=period.key, period_kind=period.kind)
        .select_related("rep")
        .order_by("rep__last_name", "rep__first_name", "rep__username")
    )


def whatif_inputs(*, user, period: periods.Period) -> list[RepInput]:
    """The stored scorecards of ``period`` as :class:`RepInput` (three queries: the
    scorecards, the period's targets and its period setting)."""
    cards = list(period_scorecards(user=user, period=period))
    if not cards:
        return []
    targets = {target.rep_id: target for target in _period_targets(period)}
    setting = period_setting_for(period)
    return [
        RepInput(
            rep=card.rep,
            current=card.score,
            values=stored_values(card),
            targets=rep_specific_targets(targets.get(card.rep_id), setting),
            card_id=card.pk,
            stale=card.stale,
        )
        for card in cards
    ]


def scheme_in_force_items(cycle: str, period: periods.Period):
    """``(scheme, items)``: the scheme of ``cycle`` in force at the start of ``period`` (or
    ``None``) and its items as :class:`SchemeItem` (two queries)."""
    scheme = scheme_for_period(cycle, period)
    if scheme is None:
        return None, []
    return scheme, scheme_items(scheme.items.all())


def whatif_for_period(*, user, cycle: str, period: periods.Period, draft) -> WhatIf:
    """The what-if of ``draft`` (scheme items) on ``period``'s stored scorecards, compared with
    the scheme in force then. A fixed number of queries whatever the number of reps."""
    scheme, current_items = scheme_in_force_items(cycle, period)
    a_percent, c_percent = grade_shares()
    result = compare(
        whatif_inputs(user=user, period=period),
        draft=scheme_items(draft),
        current_items=current_items,
        a_percent=a_percent,
        c_percent=c_percent,
    )
    result.scheme = scheme
    return result
