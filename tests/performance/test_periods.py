"""Periods: pure date arithmetic (no database)."""

import datetime as dt

import pytest

from apps.performance.periods import Period, parse_period, period_containing, recent_periods

D = dt.date


@pytest.fixture
def fiscal_april(settings):
    settings.SALESPERF_FISCAL_YEAR_START_MONTH = 4


def test_month_key_round_trips_and_end_is_exclusive():
    period = parse_period("2026-10")
    assert period == Period("month", D(2026, 10, 1), D(2026, 11, 1))
    assert period.key == "2026-10"
    assert period.contains(D(2026, 10, 31))
    assert not period.contains(D(2026, 11, 1))
    assert not period.contains(D(2026, 9, 30))
    assert period.last_day == D(2026, 10, 31)


def test_december_runs_into_january_of_next_year():
    december = parse_period("2026-12")
    assert december.end == D(2027, 1, 1)
    assert december.next().key == "2027-01"
    assert parse_period("2027-01").previous().key == "2026-12"


def test_calendar_quarter_and_year_by_default():
    assert parse_period("2026-Q4") == Period("quarter", D(2026, 10, 1), D(2027, 1, 1))
    assert parse_period("2026") == Period("year", D(2026, 1, 1), D(2027, 1, 1))
    assert period_containing("quarter", D(2026, 2, 28)).key == "2026-Q1"
    assert period_containing("year", D(2026, 12, 31)).key == "2026"
    assert parse_period("2026-Q1").previous().key == "2025-Q4"


def test_period_containing_accepts_a_datetime():
    moment = dt.datetime(2026, 10, 31, 23, 59)
    assert period_containing("month", moment).key == "2026-10"
    assert parse_period("2026-10").contains(moment)


def test_fiscal_year_starting_in_april_is_named_by_the_year_it_starts(fiscal_april):
    year = parse_period("2026")
    assert (year.start, year.end) == (D(2026, 4, 1), D(2027, 4, 1))
    assert parse_period("2026-Q1") == Period("quarter", D(2026, 4, 1), D(2026, 7, 1))
    assert period_containing("year", D(2027, 3, 31)).key == "2026"
    assert period_containing("year", D(2027, 4, 1)).key == "2027"


def test_fiscal_q4_crosses_the_calendar_year(fiscal_april):
    q4 = parse_period("2026-Q4")
    assert (q4.start, q4.end) == (D(2027, 1, 1), D(2027, 4, 1))
    assert period_containing("quarter", D(2027, 2, 15)).key == "2026-Q4"
    assert period_containing("quarter", D(2026, 12, 31)).key == "2026-Q3"
    assert q4.next().key == "2027-Q1"
    assert parse_period("2027-Q1").previous().key == "2026-Q4"


def test_month_keys_stay_calendar_months_with_a_fiscal_year(fiscal_april):
    assert period_containing("month", D(2027, 1, 15)).key == "2027-01"
    assert [m.key for m in parse_period("2026-Q4").months()] == ["2027-01", "2027-02", "2027-03"]


def test_year_has_four_quarters_and_twelve_months(fiscal_april):
    year = parse_period("2026")
    assert [q.key for q in year.quarters()] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    months = year.months()
    assert len(months) == 12
    assert (months[0].key, months[-1].key) == ("2026-04", "2027-03")


def test_quarters_of_a_quarter_is_itself_and_a_month_has_none():
    quarter = parse_period("2026-Q2")
    assert quarter.quarters() == [quarter]
    with pytest.raises(ValueError, match="no quarters"):
        parse_period("2026-05").quarters()


def test_same_period_last_year_shifts_back_twelve_months(fiscal_april):
    assert parse_period("2026-02").same_period_last_year().key == "2025-02"
    assert parse_period("2026-Q4").same_period_last_year() == Period(
        "quarter", D(2026, 1, 1), D(2026, 4, 1)
    )
    assert parse_period("2026-Q4").same_period_last_year().key == "2025-Q4"
    assert parse_period("2026").same_period_last_year().key == "2025"


def test_previous_of_each_kind():
    assert parse_period("2026-03").previous().key == "2026-02"
    assert parse_period("2026-Q1").previous().key == "2025-Q4"
    assert parse_period("2026").previous().key == "2025"


def test_containing_walks_up_from_a_month():
    assert parse_period("2026-11").containing("quarter").key == "2026-Q4"
    assert parse_period("2026-11").containing("year").key == "2026"


def test_recent_periods_end_with_the_current_one_oldest_first():
    keys = [p.key for p in recent_periods("month", D(2026, 2, 10), 3)]
    assert keys == ["2025-12", "2026-01", "2026-02"]


def test_lower_case_quarter_and_surrounding_spaces_are_accepted():
    assert parse_period(" 2026-q3 ").key == "2026-Q3"


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("2026-13", "not a valid month"),
        ("2026-00", "not a valid month"),
        ("2026-Q5", "not a valid quarter"),
        ("2026-Q0", "not a valid quarter"),
        ("0000", "not a valid year"),
        ("9999", "not a valid year"),
        ("9999-12", "not a valid month"),
        ("26-10", "not a period key"),
        ("2026/10", "not a period key"),
        ("", "not a period key"),
        ("October", "not a period key"),
    ],
)
def test_bad_keys_raise_a_clear_value_error(key, message):
    with pytest.raises(ValueError, match=message):
        parse_period(key)


def test_a_non_string_key_is_refused():
    with pytest.raises(ValueError, match="written like"):
        parse_period(202610)


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="Unknown period kind"):
        period_containing("week", D(2026, 1, 1))


def test_a_period_must_be_a_whole_month_quarter_or_year():
    with pytest.raises(ValueError, match="not a whole quarter"):
        Period("quarter", D(2026, 1, 1), D(2026, 2, 1))
    with pytest.raises(ValueError, match="not a whole month"):
        Period("month", D(2026, 1, 2), D(2026, 2, 2))


def test_periods_are_hashable_and_frozen():
    period = parse_period("2026-10")
    assert {period, parse_period("2026-10")} == {period}
    with pytest.raises(AttributeError):
        period.kind = "year"
    assert str(period) == "2026-10"
