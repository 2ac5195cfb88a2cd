"""Calendar quarters (``(year, quarter)`` pairs), the vocabulary of customer health reports.

Scorecard periods follow the fiscal year and live in :mod:`apps.performance.periods`; health
reports and their reminders follow the calendar, through these functions only.
"""

from __future__ import annotations

import datetime

Quarter = tuple[int, int]


def quarter_of(day: datetime.date) -> Quarter:
    """The calendar quarter ``day`` falls in."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_start(year: int, quarter: int) -> datetime.date:
    return datetime.date(year, (quarter - 1) * 3 + 1, 1)


def quarter_after_end(year: int, quarter: int) -> datetime.date:
    """The first day after the quarter (its exclusive end)."""
    return datetime.date(year + 1, 1, 1) if quarter == 4 else quarter_start(year, quarter + 1)


def quarter_end(year: int, quarter: int) -> datetime.date:
    """The quarter's last day."""
    return quarter_after_end(year, quarter) - datetime.timedelta(days=1)


def previous_quarter(year: int, quarter: int) -> Quarter:
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def quarters_before(day: datetime.date, count: int) -> list[Quarter]:
    """The ``count`` quarters before the one ``day`` falls in, latest first."""
    result, current = [], quarter_of(day)
    for _ in range(count):
        current = previous_quarter(*current)
        result.append(current)
    return result
