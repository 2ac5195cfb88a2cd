"""Working-day arithmetic over weekends, Chinese public holidays (Spring Festival 2026) and
make-up working days, official and from the editable table."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.reminders.calendar import (
    WorkingCalendar,
    add_working_days,
    is_working_day,
    load_calendar,
    working_days_between,
)
from apps.reminders.choices import ExceptionKind
from tests.factories import CalendarExceptionFactory

D = datetime.date


def test_it_skips_the_weekend():
    assert add_working_days(D(2026, 3, 6), 1, country="CN") == D(2026, 3, 9)  # Fri -> Mon
    assert add_working_days(D(2026, 3, 6), 3, country="CN") == D(2026, 3, 11)
    assert not is_working_day(D(2026, 3, 7), country="CN")
    assert not is_working_day(D(2026, 3, 8), country="CN")


def test_it_skips_a_chinese_public_holiday_and_its_moved_rest_days():
    # Spring Festival 2026: 16–20 Feb off, 21–22 weekend, 23 Feb a moved rest day.
    for day in (16, 17, 18, 19, 20, 23):
        assert not is_working_day(D(2026, 2, day), country="CN"), day
    assert add_working_days(D(2026, 2, 13), 2, country="CN") == D(2026, 2, 24)


def test_an_official_make_up_working_day_on_a_saturday_counts():
    assert is_working_day(D(2026, 2, 14), country="CN")  # Saturday, worked before the festival
    assert add_working_days(D(2026, 2, 13), 1, country="CN") == D(2026, 2, 14)
    assert is_working_day(D(2026, 2, 28), country="CN")


def test_the_table_adds_holidays_and_make_up_days_over_the_country():
    assert add_working_days(D(2026, 3, 6), 1, extra_holidays={D(2026, 3, 9)}, country="CN") == D(
        2026, 3, 10
    )
    assert add_working_days(D(2026, 3, 6), 1, makeup_days={D(2026, 3, 7)}, country="CN") == D(
        2026, 3, 7
    )
    # The table wins over the country: a make-up day inside the festival works.
    assert is_working_day(D(2026, 2, 17), makeup_days={D(2026, 2, 17)}, country="CN")
    assert not is_working_day(D(2026, 2, 14), extra_holidays={D(2026, 2, 14)}, country="CN")


def test_national_day_week_is_skipped():
    assert add_working_days(D(2026, 9, 30), 1, country="CN") == D(2026, 10, 8)


def test_without_a_country_only_weekends_are_off():
    assert is_working_day(D(2026, 2, 17), country="")
    assert not is_working_day(D(2026, 2, 14), country="")


def test_zero_working_days_moves_a_day_off_to_the_next_working_day():
    assert add_working_days(D(2026, 2, 15), 0, country="CN") == D(2026, 2, 24)
    assert add_working_days(D(2026, 3, 9), 0, country="CN") == D(2026, 3, 9)


def test_negative_working_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(D(2026, 3, 9), -1, country="CN")


def test_working_days_between_counts_across_weekend_holiday_and_make_up_day():
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 24), country="CN") == 2
    assert working_days_between(D(2026, 3, 6), D(2026, 3, 9), country="CN") == 1
    assert working_days_between(D(2026, 3, 9), D(2026, 3, 6), country="CN") == -1
    assert working_days_between(D(2026, 3, 9), D(2026, 3, 9), country="CN") == 0


def test_the_country_comes_from_settings_by_default(settings):
    settings.SALESPERF_HOLIDAY_COUNTRY = ""
    assert is_working_day(D(2026, 2, 17))
    settings.SALESPERF_HOLIDAY_COUNTRY = "CN"
    assert not is_working_day(D(2026, 2, 17))


def test_working_calendar_helpers():
    cal = WorkingCalendar(country="CN")
    assert cal.next_working_day(D(2026, 2, 21)) == D(2026, 2, 24)
    assert cal.last_working_day_on_or_before(D(2026, 2, 23)) == D(
        2026, 2, 14
    )  # the make-up Saturday
    assert cal.working_days_between(D(2026, 2, 13), D(2026, 2, 24)) == 2


@pytest.mark.django_db
def test_load_calendar_reads_the_table_in_one_query():
    CalendarExceptionFactory(date=D(2026, 3, 9), kind=ExceptionKind.HOLIDAY)
    CalendarExceptionFactory(date=D(2026, 3, 14), kind=ExceptionKind.WORKDAY)
    with CaptureQueriesContext(connection) as queries:
        cal = load_calendar(country="CN")
        assert cal.add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 10)
        assert cal.is_working_day(D(2026, 3, 14))
    assert len(queries) == 1


def test_holiday_names_follow_the_readers_language():
    from apps.reminders.calendar import holiday_language, public_holiday

    assert holiday_language("zh-hans", "CN") == "zh_CN"
    assert holiday_language("en", "CN") == "en_US"
    assert holiday_language("fr", "CN") is None
    assert holiday_language("en", "") is None
    assert "Spring Festival" in public_holiday(D(2026, 2, 17), "CN", "en_US")
    assert public_holiday(D(2026, 2, 17), "CN", "zh_CN") == "春节"
    assert public_holiday(D(2026, 3, 9), "CN") is None
