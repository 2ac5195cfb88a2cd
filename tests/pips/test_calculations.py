import datetime
from functools import partial

from apps.pips.calculations import (
    add_months,
    is_overdue,
    miss_deadline,
    weakest_kpis,
    weekly_schedule,
)
from apps.reminders.calendar import WorkingCalendar

D = datetime.date
CN = WorkingCalendar(country="CN")


def test_weekly_schedule_moves_the_national_day_week_to_the_next_working_day():
    # Mondays from 7 Sep 2026; Monday 5 Oct is in the National Day holiday (1-7 Oct).
    days = weekly_schedule(D(2026, 9, 7), D(2026, 12, 7), CN.is_working_day)
    assert days[:6] == [
        D(2026, 9, 7),
        D(2026, 9, 14),
        D(2026, 9, 21),
        D(2026, 9, 28),
        D(2026, 10, 8),  # Thursday, the first working day after the holiday
        D(2026, 10, 12),
    ]
    assert days[-1] == D(2026, 11, 30)
    assert len(days) == 13
    assert all(CN.is_working_day(day) for day in days)


def test_a_holiday_week_that_runs_into_the_next_keeps_one_session_per_week():
    # Thursdays from 24 Sep 2026: 1 Oct moves to 8 Oct, so that week's session is on 9 Oct.
    days = weekly_schedule(D(2026, 9, 24), D(2026, 11, 1), CN.is_working_day)
    assert days[:4] == [D(2026, 9, 24), D(2026, 10, 8), D(2026, 10, 9), D(2026, 10, 15)]
    assert len(days) == len(set(days))


def test_a_weekend_make_up_working_day_is_not_needed_but_a_holiday_friday_moves_to_monday():
    # Fridays from 18 Sep 2026: 25 Sep is Mid-Autumn Festival, the next working day is Mon 28.
    days = weekly_schedule(D(2026, 9, 18), D(2026, 10, 1), CN.is_working_day)
    assert days == [D(2026, 9, 18), D(2026, 9, 28)]


def test_the_schedule_ends_before_the_end_date():
    days = weekly_schedule(D(2026, 11, 2), D(2026, 11, 16), lambda d: d.weekday() < 5)
    assert days == [D(2026, 11, 2), D(2026, 11, 9)]


def test_add_months_clamps_to_the_end_of_a_shorter_month():
    assert add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)
    assert add_months(D(2026, 9, 7), 3) == D(2026, 12, 7)


def test_a_session_is_overdue_after_the_working_day_following_it():
    add = CN.add_working_days
    # Friday 11 Sep 2026: may still be logged on Monday 14 Sep, missed from Tuesday.
    assert miss_deadline(D(2026, 9, 11), add) == D(2026, 9, 14)
    assert not is_overdue(D(2026, 9, 11), D(2026, 9, 14), add)
    assert is_overdue(D(2026, 9, 11), D(2026, 9, 15), add)
    # Across National Day: Wednesday 30 Sep may be logged until Thursday 8 Oct.
    assert not is_overdue(D(2026, 9, 30), D(2026, 10, 8), partial(CN.add_working_days))
    assert is_overdue(D(2026, 9, 30), D(2026, 10, 9), add)


def test_weakest_kpis_are_the_lowest_scores_first_without_unscored_ones():
    scores = {
        "sales_achievement_rate": {"score": "90.00"},
        "collection_rate": {"score": "55.50"},
        "retention_rate": {"score": None},
        "new_customers": {"score": "61.00"},
        "customer_satisfaction": {"score": "70"},
    }
    assert weakest_kpis(scores, 3) == [
        {"kpi": "collection_rate", "score": "55.50"},
        {"kpi": "new_customers", "score": "61.00"},
        {"kpi": "customer_satisfaction", "score": "70"},
    ]
    assert weakest_kpis({}, 3) == []
