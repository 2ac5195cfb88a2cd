"""Pure rules of improvement plans (no ORM): the weekly coaching schedule on working days, the
end of a plan, when a session counts as missed, and the weak KPIs a plan starts from."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Callable
from decimal import Decimal, InvalidOperation


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by ``months``, clamped to the end of a shorter month (31 Jan + 1 → 28/29
    Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def weekly_schedule(
    start: datetime.date,
    end: datetime.date,
    is_working_day: Callable[[datetime.date], bool],
) -> list[datetime.date]:
    """One session a week from ``start`` (the plan's first day) until before ``end``, on the
    start's weekday; a week whose day is not a working day (a public holiday, a weekend) takes
    the next working day instead. A week whose day falls on or before the previous
    (moved) session's day, after a week-long holiday, takes the next working day after it: every
    week keeps its session, never two on one day."""
    days: list[datetime.date] = []
    nominal = start
    while nominal < end:
        day = nominal if not days else max(nominal, days[-1] + datetime.timedelta(days=1))
        for _ in range(60):
            if is_working_day(day):
                break
            day += datetime.timedelta(days=1)
        if day < end:
            days.append(day)
        nominal += datetime.timedelta(days=7)
    return days


def miss_deadline(
    scheduled_on: datetime.date, add_working_days: Callable[[datetime.date, int], datetime.date]
) -> datetime.date:
    """The last day a session may still be logged: the working day after its day."""
    return add_working_days(scheduled_on, 1)


def is_overdue(
    scheduled_on: datetime.date,
    today: datetime.date,
    add_working_days: Callable[[datetime.date, int], datetime.date],
) -> bool:
    """A session not logged by the end of the working day after its day is missed."""
    return today > miss_deadline(scheduled_on, add_working_days)


def _score(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def weakest_kpis(kpi_scores: dict, count: int = 3) -> list[dict]:
    """The ``count`` lowest-scored KPIs of a scorecard's ``kpi_scores`` (``{kpi: {"score": …}}``),
    weakest first, as ``[{"kpi": code, "score": "61.50"}]``; KPIs without a score are left out,
    ties go by KPI code so the result is stable."""
    scored = []
    for kpi, row in (kpi_scores or {}).items():
        score = _score((row or {}).get("score") if isinstance(row, dict) else row)
        if score is not None:
            scored.append((score, kpi))
    scored.sort()
    return [{"kpi": kpi, "score": str(score)} for score, kpi in scored[:count]]
