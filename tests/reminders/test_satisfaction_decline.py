"""The two-quarter customer satisfaction decline alert (SPEC §2.7): a rep's or a team's
quarterly satisfaction falling twice in a row reminds the managers and HR once per quarter."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.performance.periods import parse_period
from apps.reminders.choices import LEVEL_MANAGER, ReminderStatus
from apps.reminders.rules import registry
from apps.reminders.rules.satisfaction_decline import falls_twice
from tests.factories import ScorecardFactory
from tests.reminders.conftest import reminders_of

pytestmark = pytest.mark.django_db

REP = "satisfaction_decline_rep"
TEAM = "satisfaction_decline_team"
TODAY = datetime.date(2026, 10, 15)  # Q3 2026 is the last complete quarter
NEXT_QUARTER = datetime.date(2027, 1, 12)
QUARTERS = ("2026-Q1", "2026-Q2", "2026-Q3")


def quarter_card(rep, key, satisfaction):
    period = parse_period(key, business_range=False)
    return ScorecardFactory(
        rep=rep,
        period_key=key,
        period_kind="quarter",
        period_start=period.start,
        period_end=period.end,
        customer_satisfaction=None if satisfaction is None else Decimal(satisfaction),
    )


def readings(rep, *values, keys=QUARTERS):
    for key, value in zip(keys, values, strict=True):
        quarter_card(rep, key, value)


def test_both_rules_are_registered_with_a_schedule():
    for code in (REP, TEAM):
        assert registry[code].schedule
        assert registry[code].clean_params(registry[code].defaults)[1] == {}


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["88", "84", "79"], True),
        (["88", "88", "79"], False),
        (["79", "84", "88"], False),
        (["88", "84", "84"], False),
        (["88", None, "79"], False),
        (["88", "84"], False),
    ],
)
def test_falls_twice_needs_three_strictly_falling_readings(values, expected):
    assert falls_twice([None if v is None else Decimal(v) for v in values]) is expected


def test_a_rep_falling_twice_reminds_the_manager_and_hr_once_across_runs(cast, run):
    readings(cast.rep_a, "88", "84", "79")
    readings(cast.rep_a2, "70", "75", "80")

    run(REP, TODAY)
    run(REP, TODAY + datetime.timedelta(days=1))
    run(REP, TODAY + datetime.timedelta(days=30))

    reminders = list(reminders_of(REP))
    assert sorted(r.recipient_id for r in reminders) == sorted([cast.manager_a.pk, cast.hr.pk])
    assert {r.object_id for r in reminders} == {cast.rep_a.pk}
    assert {r.level for r in reminders} == {LEVEL_MANAGER}
    assert {r.due_on for r in reminders} == {datetime.date(2026, 10, 1)}
    reminder = reminders[0]
    assert reminder.link == reverse("opportunities:pipeline-settings")
    title = registry[REP].title(reminder.details, reminder.level)
    assert "rep_a" in title or cast.rep_a.first_name in title
    assert "(88.0 → 84.0 → 79.0)" in title
    assert "solution pre-review" in title


@pytest.mark.parametrize(
    "values",
    [("79", "84", "88"), ("84", "84", "84"), ("88", "84", "84"), ("84", "84", "79")],
    ids=["rises", "flat", "one fall then flat", "flat then one fall"],
)
def test_no_reminder_without_two_falls_in_a_row(cast, run, values):
    readings(cast.rep_a, *values)
    run(REP, TODAY)
    assert not reminders_of(REP).exists()


def test_a_missing_quarter_makes_no_reminder(cast, run):
    readings(cast.rep_a, "88", "79", keys=("2026-Q1", "2026-Q3"))
    readings(cast.rep_a2, "90", None, "70")
    run(REP, TODAY)
    run(TEAM, TODAY)
    assert not reminders_of(REP).exists()
    assert not reminders_of(TEAM).exists()


def test_the_running_quarter_does_not_count(cast, run):
    readings(cast.rep_a, "88", "84", "79", keys=("2026-Q2", "2026-Q3", "2026-Q4"))
    run(REP, datetime.date(2026, 12, 20))
    assert not reminders_of(REP).exists()


def test_a_team_whose_mean_falls_twice_reminds_its_managers_and_hr(cast, run):
    # Neither rep falls twice, but the team's mean does: 85 → 82.5 → 80.
    readings(cast.rep_a, "90", "80", "85")
    readings(cast.rep_a2, "80", "85", "75")
    readings(cast.rep_b, "70", "80", "90")

    run(TEAM, TODAY)
    run(TEAM, TODAY)
    run(REP, TODAY)

    reminders = list(reminders_of(TEAM))
    assert {r.object_id for r in reminders} == {cast.team_a.pk}
    assert sorted(r.recipient_id for r in reminders) == sorted([cast.manager_a.pk, cast.hr.pk])
    title = registry[TEAM].title(reminders[0].details, reminders[0].level)
    assert "Alpha" in title and "(85.0 → 82.5 → 80.0)" in title
    assert not reminders_of(REP).exists()


def test_the_next_quarter_closes_the_old_reminder_and_may_raise_a_new_one(cast, run):
    readings(cast.rep_a, "90", "88", "84", "79", keys=("2025-Q4", *QUARTERS))
    run(REP, TODAY)
    quarter_card(cast.rep_a, "2026-Q4", "75")

    run(REP, NEXT_QUARTER)

    old = reminders_of(REP, due_on=datetime.date(2026, 10, 1))
    new = reminders_of(REP, due_on=datetime.date(2027, 1, 1))
    assert {r.status for r in old} == {ReminderStatus.CLOSED_AUTO}
    assert new.count() == 2 and {r.status for r in new} == {ReminderStatus.OPEN}


def test_the_scorecards_are_read_in_one_query_whatever_the_number_of_reps(
    cast, django_assert_num_queries
):
    from tests.factories import RepFactory

    rule = registry[REP]
    from apps.reminders.calendar import load_calendar
    from apps.reminders.rules.base import RunContext

    ctx = RunContext(today=TODAY, calendar=load_calendar(), params={})

    def count_for(extra):
        for _ in range(extra):
            readings(RepFactory(team=cast.team_b), "88", "84", "79")
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            list(rule.candidates(ctx))
        return len(captured)

    assert count_for(1) == count_for(5)
