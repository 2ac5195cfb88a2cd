"""The scorecards' side of :mod:`apps.core.kpi_facts`: changed CRM facts mark rep-periods stale."""

from apps.scorecards.services import scorecards_mark_stale


def mark_stale_on_facts_changed(*, rep_ids, on_date, customer_ids=(), **kwargs) -> None:
    scorecards_mark_stale(rep_ids=rep_ids, on_date=on_date, customer_ids=customer_ids)
