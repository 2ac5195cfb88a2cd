"""The hook through which a CRM write tells the KPI layer that facts changed.

CRM apps sit below the KPI layer (``performance``, ``scorecards``) and must not import it. A
service that changes a KPI fact (an order, a credit, a receivable, a payment, a lost customer,
a confirmed negotiation …) calls :func:`kpi_facts_changed` inside its own transaction; the
scorecards app connects to :data:`facts_changed` in its ``ready()`` and marks the affected
rep-periods stale in that same transaction (receivers run synchronously), so a rolled-back
write leaves no stale mark and a committed one is never missed.
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
