"""The scorecards' side of :mod:`apps.core.kpi_facts`: changed CRM facts and changed period
inputs (targets, period settings, weight schemes) mark rep-periods stale."""

from apps.scorecards.services import scorecards_mark_periods_stale, scorecards_mark_stale


def mark_stale_on_facts_changed(*, rep_ids, on_date, customer_ids=(), **kwargs) -> None:
    scorecards_mark_stale(rep_ids=rep_ids, on_date=on_date, customer_ids=customer_ids)


def mark_stale_on_periods_changed(
    *, period_keys=(), rep_ids=None, period_kind=None, starting_on=None, **kwargs
) -> None:
    scorecards_mark_periods_stale(
        period_keys=period_keys, rep_ids=rep_ids, period_kind=period_kind, starting_on=starting_on
    )
