"""Evaluation periods: calendar months, fiscal quarters and fiscal years (SPEC §2.1).

Pure date arithmetic, no database. A :class:`Period` is a half-open range ``[start, end)``:
``start`` is its first day and ``end`` the first day AFTER it, so ``period.contains(day)`` is
``start <= day < end`` and an order signed on the last day of a month belongs to that month.

Keys (what the database, the URLs and the API use):

- month: ``"2026-10"`` -- always a calendar month;
- quarter: ``"2026-Q4"`` -- a fiscal quarter;
- year: ``"2026"`` -- a fiscal year.

Fiscal year *(product default)*: quarters and years start in the month
``settings.SALESPERF_FISCAL_YEAR_START_MONTH`` (default 1 = January, i.e. calendar quarters and
years), read at call time. A fiscal year is named by the calendar year in which it STARTS:
with start month 4, ``"2026"`` is 2026-04-01 .. 2027-04-01 (exclusive), ``"2026-Q1"`` is April to
June 2026 and ``"2026-Q4"`` is January to March 2027.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTH = "month"
QUARTER = "quarter"
YEAR = "year"
KINDS = (MONTH, QUARTER, YEAR)
_SPAN_MONTHS = {MONTH: 1, QUARTER: 3, YEAR: 12}

_MONTH_KEY = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER_KEY = re.compile(r"^(\d{4})-Q(\d)$")
_YEAR_KEY = re.compile(r"^(\d{4})$")
#: Years a key may name (the last one still has a following year for ``end``).
_YEARS = (1, 9998)


def fiscal_start_month() -> int:
    """The month (1-12) in which fiscal quarters and years start, from the settings."""
    from django.conf import settings

    month = int(getattr(settings, "SALESPERF_FISCAL_YEAR_START_MONTH", 1) or 1)
    if not 1 <= month <= 12:
        raise ValueError(f"SALESPERF_FISCAL_YEAR_START_MONTH must be 1-12, not {month}.")
    return month


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after (or before) the month of ``day``."""
    index = day.year * 12 + (day.month - 1) + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _as_date(day) -> dt.date:
    if isinstance(day, dt.datetime):
        return day.date()
    if isinstance(day, dt.date):
        return day
    raise TypeError(f"Expected a date, got {type(day).__name__}.")


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"Unknown period kind {kind!r}: expected one of {', '.join(KINDS)}.")
    return kind


@dataclass(frozen=True)
class Period:
    """A month, fiscal quarter or fiscal year: ``[start, end)``, ``end`` exclusive."""

    kind: str
    start: dt.date
    end: dt.date

    def __post_init__(self):
        _check_kind(self.kind)
        if not isinstance(self.start, dt.date) or not isinstance(self.end, dt.date):
            raise TypeError("A period's start and end are dates.")
        if self.start.day != 1 or add_months(self.start, _SPAN_MONTHS[self.kind]) != self.end:
            raise ValueError(
                f"{self.start}..{self.end} is not a whole {self.kind} (end is exclusive)."
            )

    def __str__(self) -> str:
        return self.key

    # -- naming --------------------------------------------------------------------------

    @property
    def fiscal_year(self) -> int:
        """The fiscal year this period lies in, named by the calendar year it starts in."""
        start_month = fiscal_start_month()
        return self.start.year if self.start.month >= start_month else self.start.year - 1

    @property
    def key(self) -> str:
        if self.kind == MONTH:
            return f"{self.start.year:04d}-{self.start.month:02d}"
        if self.kind == YEAR:
            return f"{self.fiscal_year:04d}"
        quarter = (self.start.month - fiscal_start_month()) % 12 // 3 + 1
        return f"{self.fiscal_year:04d}-Q{quarter}"

    @property
    def last_day(self) -> dt.date:
        """The last day inside the period (``end`` minus one day)."""
        return self.end - dt.timedelta(days=1)

    # -- navigation ----------------------------------------------------------------------

    def contains(self, day) -> bool:
        return self.start <= _as_date(day) < self.end

    def shifted(self, months: int) -> Period:
        """The period of the same kind ``months`` later (negative: earlier)."""
        return Period(self.kind, add_months(self.start, months), add_months(self.end, months))

    def same_period_last_year(self) -> Period:
        """SPEC §2.1: the period shifted back 12 months (same kind)."""
        return self.shifted(-12)

    def previous(self) -> Period:
        return self.shifted(-_SPAN_MONTHS[self.kind])

    def next(self) -> Period:
        return self.shifted(_SPAN_MONTHS[self.kind])

    def months(self) -> list[Period]:
        """The calendar months inside the period, in order."""
        return [
            Period(MONTH, add_months(self.start, i), add_months(self.start, i + 1))
            for i in range(_SPAN_MONTHS[self.kind])
        ]

    def quarters(self) -> list[Period]:
        """The four quarters of a year (a quarter returns itself; a month has none)."""
        if self.kind == MONTH:
            raise ValueError("A month has no quarters.")
        count = _SPAN_MONTHS[self.kind] // 3
        return [
            Period(QUARTER, add_months(self.start, 3 * i), add_months(self.start, 3 * i + 3))
            for i in range(count)
        ]

    def containing(self, kind: str) -> Period:
        """The period of ``kind`` that contains this one's start (e.g. a month's quarter)."""
        return period_containing(kind, self.start)


def period_containing(kind: str, day) -> Period:
    """The month, fiscal quarter or fiscal year that contains ``day``."""
    _check_kind(kind)
    day = _as_date(day)
    if kind == MONTH:
        start = dt.date(day.year, day.month, 1)
    else:
        # Months since the fiscal year started; step back to the start of the span.
        since_year_start = (day.month - fiscal_start_month()) % 12
        start = add_months(
            dt.date(day.year, day.month, 1), -(since_year_start % _SPAN_MONTHS[kind])
        )
    return Period(kind, start, add_months(start, _SPAN_MONTHS[kind]))


def business_period_error(period: Period) -> str | None:
    """Why ``period`` cannot be used (it lies wholly outside the business date range of
    :mod:`apps.core.dates`), or ``None`` when it overlaps that range."""
    from django.utils.translation import gettext as _

    from apps.core.dates import business_date_range

    earliest, latest = business_date_range()
    if period.end > earliest and period.start <= latest:
        return None
    message = _("%(key)s is outside the business dates: use a period from %(first)s to %(last)s.")
    return message % {
        "key": period.key,
        "first": period_containing(period.kind, earliest).key,
        "last": period_containing(period.kind, latest).key,
    }


def parse_period(key: str, *, business_range: bool = True) -> Period:
    """The period named by ``key`` ("2026-10", "2026-Q4" or "2026"); ``ValueError`` otherwise,
    also (unless ``business_range`` is false) for a period wholly outside the business date
    range (:func:`business_period_error`), e.g. "0001-01".

    The error messages are shown to users (forms, API), so they are translated.
    """
    period = _parse_period(key)
    if business_range and (message := business_period_error(period)):
        raise ValueError(message)
    return period


def _parse_period(key: str) -> Period:
    from django.utils.translation import gettext as _

    if not isinstance(key, str):
        raise ValueError(
            _("A period is written like 2026-10, 2026-Q4 or 2026, not %(key)s.") % {"key": key}
        )
    text = key.strip().upper()
    if match := _MONTH_KEY.match(text):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12 or not _YEARS[0] <= year <= _YEARS[1]:
            raise ValueError(
                _("“%(key)s” is not a valid month: use YYYY-MM with MM 01-12.") % {"key": key}
            )
        start = dt.date(year, month, 1)
        return Period(MONTH, start, add_months(start, 1))
    if match := _QUARTER_KEY.match(text):
        year, quarter = int(match[1]), int(match[2])
        if not 1 <= quarter <= 4 or not _YEARS[0] <= year <= _YEARS[1]:
            raise ValueError(
                _("“%(key)s” is not a valid quarter: use YYYY-Q1 to YYYY-Q4.") % {"key": key}
            )
        start = add_months(dt.date(year, fiscal_start_month(), 1), 3 * (quarter - 1))
        return Period(QUARTER, start, add_months(start, 3))
    if match := _YEAR_KEY.match(text):
        year = int(match[1])
        if not _YEARS[0] <= year <= _YEARS[1]:
            raise ValueError(_("“%(key)s” is not a valid year.") % {"key": key})
        start = dt.date(year, fiscal_start_month(), 1)
        return Period(YEAR, start, add_months(start, 12))
    raise ValueError(
        _(
            "“%(key)s” is not a period key: use YYYY-MM for a month (2026-10), YYYY-Qn for a "
            "quarter (2026-Q4) or YYYY for a year (2026)."
        )
        % {"key": key}
    )


def recent_periods(kind: str, day, count: int) -> list[Period]:
    """The ``count`` periods of ``kind`` ending with the one that contains ``day``, oldest first."""
    current = period_containing(kind, day)
    periods = [current]
    for _ in range(count - 1):
        periods.append(periods[-1].previous())
    return list(reversed(periods))
