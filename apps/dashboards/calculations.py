"""Pure arithmetic of the dashboards: conversion rates, gaps to target, rankings, flags.

No Django, no ORM (checked by import-linter): the selectors fetch rows, these functions turn
them into figures. Money and rates are ``Decimal``; rates are in percent units (85.2 = 85.2 %).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
#: A seller with no activity for this many days is flagged on the team dashboard.
INACTIVE_DAYS = 14


def as_decimal(value) -> Decimal | None:
    """A stored figure (Decimal, int, float or decimal string) as a Decimal; ``None``/"" →
    ``None``."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    return Decimal(value)


def rate(part, whole) -> Decimal | None:
    """``part / whole`` in percent, two decimals; ``None`` when ``whole`` is zero or missing."""
    part, whole = as_decimal(part), as_decimal(whole)
    if part is None or not whole:
        return None
    return (part * HUNDRED / whole).quantize(CENT, rounding=ROUND_HALF_UP)


def gap_to_target(value, target) -> Decimal | None:
    """How much is still missing to reach ``target`` (0 once reached); ``None`` without a
    target. A missing value counts as nothing achieved yet."""
    target = as_decimal(target)
    if target is None:
        return None
    value = as_decimal(value) or Decimal(0)
    return max(target - value, Decimal(0)).quantize(CENT)


def total(values: Iterable) -> Decimal | None:
    """The sum of the known values; ``None`` when none is known."""
    known = [as_decimal(value) for value in values if value is not None and value != ""]
    return sum(known, Decimal(0)) if known else None


def average(values: Iterable) -> Decimal | None:
    """The mean of the known values (two decimals); ``None`` when none is known."""
    known = [as_decimal(value) for value in values if value is not None and value != ""]
    if not known:
        return None
    return (sum(known, Decimal(0)) / len(known)).quantize(CENT, rounding=ROUND_HALF_UP)


# --- Funnel ----------------------------------------------------------------------------------


@dataclass
class Conversion:
    """Leads of one group (a grade or a source) and how many of them converted."""

    key: str
    leads: int = 0
    converted: int = 0

    @property
    def rate(self) -> Decimal | None:
        return rate(self.converted, self.leads)


def conversions(rows: Iterable[Mapping], group: str, order: Iterable[str] = ()) -> list:
    """Add up ``rows`` (``{"grade", "source", "leads", "converted"}``, one per grade × source)
    by ``group`` ("grade" or "source"): one :class:`Conversion` per value, in ``order`` first
    (every value of ``order`` appears, with zeros if it has no lead), then the others by
    name."""
    by_key: dict[str, Conversion] = {key: Conversion(key) for key in order}
    for row in rows:
        key = row[group]
        item = by_key.setdefault(key, Conversion(key))
        item.leads += row["leads"] or 0
        item.converted += row["converted"] or 0
    ordered = list(order)
    rest = sorted(key for key in by_key if key not in ordered)
    return [by_key[key] for key in [*ordered, *rest]]


# --- Ranking ---------------------------------------------------------------------------------


def ranked(items: Iterable, key) -> list[tuple[int | None, object]]:
    """``[(rank, item)]`` best first by ``key(item)`` (a Decimal or ``None``): equal values
    share a rank (1, 2, 2, 4); items without a value come last, unranked (``None``)."""
    items = list(items)
    known = sorted((item for item in items if key(item) is not None), key=key, reverse=True)
    unknown = [item for item in items if key(item) is None]
    result, previous, rank = [], object(), 0
    for position, item in enumerate(known, start=1):
        value = key(item)
        if value != previous:
            rank, previous = position, value
        result.append((rank, item))
    return result + [(None, item) for item in unknown]


# --- Flags -----------------------------------------------------------------------------------

STALE = "stale"
NO_SCORECARD = "no_scorecard"
NO_ACTIVITY = "no_activity"


def data_flags(
    *,
    has_scorecard: bool,
    stale: bool,
    last_activity: datetime.datetime | None,
    now: datetime.datetime,
    inactive_days: int = INACTIVE_DAYS,
) -> list[str]:
    """Why a seller's figures on the team dashboard need a look: :data:`NO_SCORECARD` (no
    scorecard for the month), :data:`STALE` (data changed since it was computed),
    :data:`NO_ACTIVITY` (nothing logged in the last ``inactive_days`` days)."""
    flags = []
    if not has_scorecard:
        flags.append(NO_SCORECARD)
    elif stale:
        flags.append(STALE)
    if last_activity is None or now - last_activity > datetime.timedelta(days=inactive_days):
        flags.append(NO_ACTIVITY)
    return flags


# --- Team and company totals -----------------------------------------------------------------


@dataclass
class Totals:
    """Sales against the sum of targets and collected against what was due, of some cards."""

    sales: Decimal | None = None
    sales_target: Decimal | None = None
    collected: Decimal | None = None
    receivable_due: Decimal | None = None
    people: int = 0

    @property
    def achievement(self) -> Decimal | None:
        return rate(self.sales, self.sales_target)

    @property
    def collection(self) -> Decimal | None:
        return rate(self.collected, self.receivable_due)

    @property
    def sales_gap(self) -> Decimal | None:
        return gap_to_target(self.sales, self.sales_target)


def totals(cards: Iterable) -> Totals:
    """:class:`Totals` of scorecard-like objects (``sales``, ``sales_target``, ``collected``,
    ``receivable_due`` attributes)."""
    cards = list(cards)
    return Totals(
        sales=total(card.sales for card in cards),
        sales_target=total(card.sales_target for card in cards),
        collected=total(card.collected for card in cards),
        receivable_due=total(card.receivable_due for card in cards),
        people=len(cards),
    )


@dataclass
class KpiFigure:
    """One KPI of a scorecard as the dashboard shows it."""

    kpi: str
    value: Decimal | None
    target: Decimal | None
    score: Decimal | None
    weight: Decimal | None
    extra: dict = field(default_factory=dict)


def kpi_figures(kpi_scores: Mapping, order: Iterable[str]) -> list[KpiFigure]:
    """The KPIs of a scorecard's ``kpi_scores`` (``{kpi: {value, target, score, weight}}``,
    decimal strings) in ``order`` (KPIs not in ``order`` follow in stored order)."""
    keys = [key for key in order if key in kpi_scores]
    keys += [key for key in kpi_scores if key not in keys]
    return [
        KpiFigure(
            kpi=key,
            value=as_decimal(kpi_scores[key].get("value")),
            target=as_decimal(kpi_scores[key].get("target")),
            score=as_decimal(kpi_scores[key].get("score")),
            weight=as_decimal(kpi_scores[key].get("weight")),
        )
        for key in keys
    ]


def kpi_score(kpi_scores: Mapping | None, kpi: str) -> Decimal | None:
    """The score (0-100) of ``kpi`` in a scorecard's ``kpi_scores``; ``None`` if absent."""
    entry = (kpi_scores or {}).get(kpi) or {}
    return as_decimal(entry.get("score"))
