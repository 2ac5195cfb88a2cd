"""Fiscal quarters for collaboration ratings, named exactly as the scorecards name them
("2026-Q3"; see :mod:`apps.performance.periods`, which this app may not import).

The fiscal year starts in ``settings.SALESPERF_FISCAL_YEAR_START_MONTH`` (default 1 = January)
and is named by the calendar year it starts in. Pure date arithmetic, no database.
"""

from __future__ import annotations

import datetime
import re

from django.conf import settings

_QUARTER_KEY = re.compile(r"^(\d{4})-Q([1-4])$")


def _start_month() -> int:
    return int(getattr(settings, "SALESPERF_FISCAL_YEAR_START_MONTH", 1) or 1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` after (or before) the month of ``day``."""
    index = day.year * 12 + (day.month - 1) + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def quarter_key(day: datetime.date) -> str:
    """The key of the fiscal quarter ``day`` falls in."""
    offset = (day.month - _start_month()) % 12
    fiscal_year = day.year if day.month >= _start_month() else day.year - 1
    return f"{fiscal_year:04d}-Q{offset // 3 + 1}"


def is_quarter_key(key: str) -> bool:
    return bool(_QUARTER_KEY.match(key or ""))


def quarter_bounds(key: str) -> tuple[datetime.date, datetime.date]:
    """``(first day, first day after)`` of the fiscal quarter ``key``; ``ValueError`` when
    ``key`` is not a quarter key."""
    match = _QUARTER_KEY.match(key or "")
    if not match:
        raise ValueError(key)
    year, quarter = int(match[1]), int(match[2])
    start = add_months(datetime.date(year, _start_month(), 1), (quarter - 1) * 3)
    return start, add_months(start, 3)


def fiscal_year_of(day: datetime.date) -> int:
    return day.year if day.month >= _start_month() else day.year - 1


def fiscal_year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, _start_month(), 1)
    return start, add_months(start, 12)


def quarter_keys_of_year(year: int) -> list[str]:
    return [f"{year:04d}-Q{quarter}" for quarter in range(1, 5)]


def previous_quarter_key(key: str) -> str:
    start, _end = quarter_bounds(key)
    return quarter_key(start - datetime.timedelta(days=1))


def recent_quarter_keys(day: datetime.date, count: int) -> list[str]:
    """The quarter of ``day`` and the ``count - 1`` before it, latest first."""
    keys = [quarter_key(day)]
    while len(keys) < count:
        keys.append(previous_quarter_key(keys[-1]))
    return keys
