"""The hook through which a CRM write tells the KPI layer that facts changed.

CRM apps sit below the KPI layer (``performance``, ``scorecards``) and must not import it. A
service that changes a KPI fact (an order, a credit, a receivable, a payment, a lost customer,
a confirmed negotiation …) calls :func:`kpi_facts_changed` inside its own transaction; the
scorecards app connects to :data:`facts_changed` in its ``ready()`` and marks the affected
rep-periods stale in that same transaction (receivers run synchronously), so a rolled-back
write leaves no stale mark and a committed one is never missed.

The inputs of whole periods (a rep's target, a period's setting, a new weight-scheme version)
are announced with :func:`kpi_periods_changed` (signal :data:`periods_changed`) instead: they
name the periods themselves rather than a business date.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.dispatch import Signal

#: Sent with ``rep_ids`` (people whose figures changed), ``on_date`` (the business date of the
#: change) and ``customer_ids`` (customers whose order history changed).
facts_changed = Signal()


def kpi_facts_changed(
    *,
    rep_ids: Iterable[int],
    on_date: datetime.date | datetime.datetime,
    customer_ids: Iterable[int] = (),
    sender=None,
) -> None:
    """Tell the KPI layer that the figures of ``rep_ids`` (and of everyone selling to
    ``customer_ids``) changed for the periods containing ``on_date``."""
    facts_changed.send(
        sender=sender,
        rep_ids=[pk for pk in rep_ids if pk is not None],
        on_date=on_date,
        customer_ids=[pk for pk in customer_ids if pk is not None],
    )


#: Sent with ``period_keys`` (periods whose inputs changed), ``rep_ids`` (``None``: every rep
#: with a scorecard for those periods), ``period_kind`` and ``starting_on`` (also every period
#: of that kind starting on or after that date that has scorecards).
periods_changed = Signal()


def kpi_periods_changed(
    *,
    period_keys: Iterable[str] = (),
    rep_ids: Iterable[int] | None = None,
    period_kind: str | None = None,
    starting_on: datetime.date | None = None,
    sender=None,
) -> None:
    """Tell the KPI layer that the inputs of whole periods changed.

    - ``rep_ids`` given: exactly those reps for exactly ``period_keys`` (a target);
    - ``rep_ids=None``: every rep who has a scorecard for one of ``period_keys`` (a period
      setting) or, with ``period_kind`` and ``starting_on``, for a period of that kind that
      starts on or after ``starting_on`` (a new weight-scheme version)."""
    if (period_kind is None) != (starting_on is None):
        raise TypeError("period_kind and starting_on go together")
    if rep_ids is not None and period_kind is not None:
        raise TypeError("rep_ids are marked for explicit period_keys only")
    periods_changed.send(
        sender=sender,
        period_keys=sorted({str(key) for key in period_keys}),
        rep_ids=None if rep_ids is None else sorted({int(pk) for pk in rep_ids if pk is not None}),
        period_kind=period_kind,
        starting_on=starting_on,
    )
