"""The half-yearly reminder to revisit the KPI weights (SPEC §2.7): HR and admins, due on the
first day of each calendar half year (1 January, 1 July), made once per half year (also when
the first day's run was missed), never twice, never for reps or managers, linking to the
weights what-if."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.dashboards.reminder_rules import WeightsRevisit, half_year_start
from apps.reminders.choices import ReminderStatus
from apps.reminders.models import Reminder
from apps.reminders.rules import registry
from apps.reminders.services import rule_run
from tests.factories import HRFactory

pytestmark = pytest.mark.django_db

D = datetime.date
CODE = "weights_revisit"
TITLE = "Revisit the KPI weights: compare a draft scheme on last half-year's figures."


def run(day):
    return rule_run(code=CODE, today=day, send_emails=False)


def reminders(**filters):
    return Reminder.objects.filter(rule__code=CODE, **filters).order_by("recipient_id", "due_on")


def test_the_rule_is_registered_with_a_schedule():
    rule = registry[CODE]
    assert isinstance(rule, WeightsRevisit)
    assert rule.schedule
    assert rule.clean_params(rule.defaults)[1] == {}


@pytest.mark.parametrize(
    ("day", "start"),
    [
        (D(2026, 1, 1), D(2026, 1, 1)),
        (D(2026, 6, 30), D(2026, 1, 1)),
        (D(2026, 7, 1), D(2026, 7, 1)),
        (D(2026, 12, 31), D(2026, 7, 1)),
    ],
)
def test_half_years_are_calendar_half_years(day, start):
    assert half_year_start(day) == start


def test_it_fires_on_the_first_day_for_hr_and_admins_only(cast):
    run(D(2026, 7, 1))
    got = reminders()
    assert {r.recipient for r in got} == {cast.hr, cast.admin}
    for reminder in got:
        assert reminder.due_on == D(2026, 7, 1)
        assert reminder.link == reverse("dashboards:weights-whatif")
        assert reminder.title == TITLE
        assert reminder.details == {"since": "2026-01-01", "until": "2026-06-30"}
    for person in (cast.rep_a, cast.rep_a2, cast.rep_b, cast.manager_a, cast.manager_b):
        assert not reminders(recipient=person).exists()


def test_running_again_in_the_same_half_year_makes_no_second_one(cast):
    run(D(2026, 7, 1))
    run(D(2026, 7, 1))
    run(D(2026, 7, 2))
    run(D(2026, 12, 31))
    assert reminders(recipient=cast.hr).count() == 1


def test_a_missed_first_day_is_made_up_once_on_a_later_day(cast):
    run(D(2026, 1, 20))
    assert reminders(recipient=cast.hr).get().due_on == D(2026, 1, 1)
    run(D(2026, 2, 3))
    assert reminders(recipient=cast.hr).count() == 1


def test_a_reminder_marked_done_is_not_made_again_in_the_same_half_year(cast):
    run(D(2026, 1, 1))
    reminders(recipient=cast.hr).update(status=ReminderStatus.DONE, done_at=timezone.now())
    run(D(2026, 3, 1))
    assert reminders(recipient=cast.hr).count() == 1


def test_the_next_half_year_makes_a_new_one_and_closes_the_old(cast):
    run(D(2026, 1, 1))
    run(D(2026, 7, 1))
    old, new = reminders(recipient=cast.hr)
    assert (old.due_on, new.due_on) == (D(2026, 1, 1), D(2026, 7, 1))
    assert old.status == ReminderStatus.CLOSED_AUTO
    assert new.status == ReminderStatus.OPEN
    assert new.details == {"since": "2026-01-01", "until": "2026-06-30"}


def test_new_hr_people_get_it_and_inactive_ones_do_not(cast):
    HRFactory(username="hr_gone", is_active=False)
    run(D(2027, 1, 4))
    newcomer = HRFactory(username="hr_new")
    run(D(2027, 1, 5))
    assert reminders(recipient=newcomer).get().due_on == D(2027, 1, 1)
    assert not reminders(recipient__username="hr_gone").exists()
    assert reminders(recipient=cast.hr).count() == 1
