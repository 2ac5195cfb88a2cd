"""Working-day arithmetic (SPEC §1.3): weekends and the public holidays of a country, corrected
by an editable table of extra holidays and make-up working days.

The functions here are pure: they take the exceptions as sets of dates, so they are tested
without a database. :func:`load_calendar` builds a :class:`WorkingCalendar` with ONE query for
the exceptions, and rules reuse it for every record of a run.

For China the ``holidays`` package already knows the official rest days moved around public
holidays (``休息日（由 … 调休）``) and the make-up working days (``weekend_workdays``); the table
adds whatever the package does not know yet (a year not published, a company rule).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import holidays
from django.conf import settings

MAX_SCAN_DAYS = 3660


@lru_cache(maxsize=64)
def _country_calendar(country: str, year: int, language: str | None = None):
    return holidays.country_holidays(country, years=year, language=language)


def holiday_language(django_language: str | None, country: str) -> str | None:
    """The ``holidays`` package's language code closest to a Django one (``zh-hans`` ->
    ``zh_CN``, ``en`` -> ``en_US``), or ``None`` for the country's default."""
    if not django_language or not country:
        return None
    try:
        supported = holidays.country_holidays(country, years=2000).supported_languages
    except NotImplementedError:
        return None
    wanted = django_language.lower().replace("-", "_")
    aliases = {"zh_hans": "zh_CN", "zh_hant": "zh_TW", "en": "en_US"}
    candidate = aliases.get(wanted, wanted)
    for code in supported:
        if code.lower() == candidate.lower():
            return code
    return None


def public_holiday(day: datetime.date, country: str, language: str | None = None) -> str | None:
    """The name of the public holiday on ``day`` in ``country`` (in ``language``, one of the
    package's codes such as ``en_US``), or ``None``."""
    if not country:
        return None
    return _country_calendar(country, day.year, language).get(day)


def official_workday(day: datetime.date, country: str) -> bool:
    """A weekend day that the country's official calendar makes a working day."""
    if not country:
        return False
    calendar = _country_calendar(country, day.year)
    return day in getattr(calendar, "weekend_workdays", ())


def is_working_day(
    day: datetime.date,
    extra_holidays: Iterable[datetime.date] = (),
    makeup_days: Iterable[datetime.date] = (),
    country: str | None = None,
) -> bool:
    """Whether ``day`` is a working day.

    Order of precedence: the editable table first (a make-up day works, an extra holiday does
    not), then the country's make-up working days, then public holidays and weekends.
    """
    country = settings.SALESPERF_HOLIDAY_COUNTRY if country is None else country
    if day in makeup_days:
        return True
    if day in extra_holidays:
        return False
    if official_workday(day, country):
        return True
    if day.weekday() >= 5:
        return False
    return public_holiday(day, country) is None


def add_working_days(
    day: datetime.date,
    n: int,
    extra_holidays: Iterable[datetime.date] = (),
    makeup_days: Iterable[datetime.date] = (),
    country: str | None = None,
) -> datetime.date:
    """The ``n``-th working day after ``day`` (``n`` ≥ 0; ``n == 0`` is ``day`` itself, moved
    forward to the next working day when ``day`` is not one)."""
    if n < 0:
        raise ValueError("n must not be negative")
    extra, makeup = frozenset(extra_holidays), frozenset(makeup_days)

    def works(d):
        return is_working_day(d, extra, makeup, country)

    current = day
    if n == 0:
        for _ in range(MAX_SCAN_DAYS):
            if works(current):
                return current
            current += datetime.timedelta(days=1)
        raise ValueError("no working day found")
    remaining = n
    for _ in range(MAX_SCAN_DAYS):
        current += datetime.timedelta(days=1)
        if works(current):
            remaining -= 1
            if remaining == 0:
                return current
    raise ValueError("no working day found")


def working_days_between(
    start: datetime.date,
    end: datetime.date,
    extra_holidays: Iterable[datetime.date] = (),
    makeup_days: Iterable[datetime.date] = (),
    country: str | None = None,
) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is
    before ``start``); ``add_working_days(start, k) == end`` gives ``k`` for a working ``end``."""
    extra, makeup = frozenset(extra_holidays), frozenset(makeup_days)
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    count = 0
    current = start
    while current < end:
        current += datetime.timedelta(days=1)
        if is_working_day(current, extra, makeup, country):
            count += 1
    return sign * count


@dataclass(frozen=True)
class WorkingCalendar:
    """The calendar of one run: country plus the table's exceptions, loaded once."""

    country: str
    extra_holidays: frozenset = field(default_factory=frozenset)
    makeup_days: frozenset = field(default_factory=frozenset)

    def is_working_day(self, day: datetime.date) -> bool:
        return is_working_day(day, self.extra_holidays, self.makeup_days, self.country)

    def add_working_days(self, day: datetime.date, n: int) -> datetime.date:
        return add_working_days(day, n, self.extra_holidays, self.makeup_days, self.country)

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        return working_days_between(start, end, self.extra_holidays, self.makeup_days, self.country)

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """``day`` itself when it is a working day, else the next one."""
        return self.add_working_days(day, 0)

    def last_working_day_on_or_before(self, day: datetime.date) -> datetime.date:
        current = day
        for _ in range(MAX_SCAN_DAYS):
            if self.is_working_day(current):
                return current
            current -= datetime.timedelta(days=1)
        raise ValueError("no working day found")


def load_calendar(country: str | None = None) -> WorkingCalendar:
    """The configured country's calendar with the exceptions table (one query)."""
    from apps.reminders.choices import ExceptionKind
    from apps.reminders.models import CalendarException

    extra, makeup = set(), set()
    for day, kind in CalendarException.objects.values_list("date", "kind"):
        (makeup if kind == ExceptionKind.WORKDAY else extra).add(day)
    return WorkingCalendar(
        country=settings.SALESPERF_HOLIDAY_COUNTRY if country is None else country,
        extra_holidays=frozenset(extra),
        makeup_days=frozenset(makeup),
    )
