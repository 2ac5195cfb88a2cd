"""The review deadline rules: each reminds the right person from its notice (working days)
before the deadline until the step is done, then closes itself."""

import datetime
from decimal import Decimal

from django.utils import timezone

from apps.reminders.choices import LEVEL_MANAGER, LEVEL_OWNER, ReminderStatus
from apps.reminders.rules import registry
from apps.reviews.choices import CycleStatus, ReviewStatus
from apps.surveys.choices import SurveyStatus
from tests.factories import (
    HRFactory,
    QuarterReviewFactory,
    ReviewCycleFactory,
    SurveyFactory,
)
from tests.reminders.conftest import reminders_of

D = datetime.date
DUE = D(2026, 10, 23)  # a Friday
TUESDAY_BEFORE = D(2026, 10, 20)  # 3 working days before: 21, 22, 23
MONDAY_BEFORE = D(2026, 10, 19)  # 4 working days before

CODES = ("review_self_due", "review_manager_due", "review_surveys_due", "review_finalise_due")


def _cycle(**kwargs):
    values = {"self_due": DUE, "manager_due": DUE, "survey_due": DUE, "finalise_due": DUE}
    values.update(kwargs)
    return ReviewCycleFactory(**values)


def test_the_four_review_rules_are_registered_with_a_schedule():
    for code in CODES:
        rule = registry[code]
        assert rule.schedule
        assert rule.clean_params(rule.defaults)[1] == {}


def test_self_review_reminds_the_person_from_three_working_days_before(cast, run):
    review = QuarterReviewFactory(cycle=_cycle(), person=cast.rep_a, manager=cast.manager_a)
    run("review_self_due", MONDAY_BEFORE)
    assert not reminders_of("review_self_due").exists()
    run("review_self_due", TUESDAY_BEFORE)
    reminder = reminders_of("review_self_due").get()
    assert (reminder.recipient, reminder.object_id, reminder.due_on) == (cast.rep_a, review.pk, DUE)
    assert reminder.link == f"/reviews/{review.pk}/"
    run("review_self_due", D(2026, 10, 27))  # overdue: still the same one reminder
    assert reminders_of("review_self_due").count() == 1


def test_self_review_reminder_closes_once_submitted(cast, run):
    review = QuarterReviewFactory(cycle=_cycle(), person=cast.rep_a, manager=cast.manager_a)
    run("review_self_due", TUESDAY_BEFORE)
    review.self_submitted_at = timezone.now()
    review.status = ReviewStatus.SELF_SUBMITTED
    review.save()
    run("review_self_due", D(2026, 10, 21))
    assert reminders_of("review_self_due").get().status == ReminderStatus.CLOSED_AUTO


def test_no_self_reminder_without_a_deadline_in_a_closed_cycle_or_once_finalised(cast, run):
    QuarterReviewFactory(cycle=_cycle(self_due=None), person=cast.rep_a)
    QuarterReviewFactory(cycle=_cycle(status=CycleStatus.CLOSED), person=cast.rep_a2)
    QuarterReviewFactory(cycle=_cycle(), person=cast.rep_b, status=ReviewStatus.FINALISED)
    run("review_self_due", TUESDAY_BEFORE)
    assert not reminders_of("review_self_due").exists()


def test_manager_review_reminds_the_reviewing_manager_or_hr_when_there_is_none(cast, run):
    cycle = _cycle()
    with_manager = QuarterReviewFactory(cycle=cycle, person=cast.rep_a, manager=cast.manager_a)
    without = QuarterReviewFactory(cycle=cycle, person=cast.manager_b, manager=None)
    run("review_manager_due", TUESDAY_BEFORE)
    rows = {(r.object_id, r.recipient_id, r.level) for r in reminders_of("review_manager_due")}
    assert rows == {
        (with_manager.pk, cast.manager_a.pk, LEVEL_OWNER),
        (without.pk, cast.hr.pk, LEVEL_MANAGER),
    }
    with_manager.manager_submitted_at = timezone.now()
    with_manager.save()
    run("review_manager_due", D(2026, 10, 21))
    closed = reminders_of("review_manager_due", status=ReminderStatus.CLOSED_AUTO).get()
    assert closed.object_id == with_manager.pk


def test_surveys_due_tells_the_manager_and_hr_while_answers_are_missing(cast, run):
    review = QuarterReviewFactory(cycle=_cycle(), person=cast.rep_a, manager=cast.manager_a)
    waiting = SurveyFactory(rep=cast.rep_a, period_key="2026-Q3")
    SurveyFactory(rep=cast.rep_a, period_key="2026-Q3", status=SurveyStatus.ANSWERED, score=80)
    done = QuarterReviewFactory(cycle=review.cycle, person=cast.rep_a2, manager=cast.manager_a)
    SurveyFactory(rep=cast.rep_a2, period_key="2026-Q3", status=SurveyStatus.ANSWERED, score=90)
    run("review_surveys_due", MONDAY_BEFORE)
    assert not reminders_of("review_surveys_due").exists()
    run("review_surveys_due", TUESDAY_BEFORE)
    rows = list(reminders_of("review_surveys_due"))
    assert {(r.object_id, r.recipient_id, r.level) for r in rows} == {
        (review.pk, cast.manager_a.pk, LEVEL_OWNER),
        (review.pk, cast.hr.pk, LEVEL_MANAGER),
    }
    assert rows[0].details["waiting"] == 1
    assert done.pk not in {r.object_id for r in rows}
    waiting.status = SurveyStatus.ANSWERED
    waiting.score = Decimal("70")
    waiting.save()
    run("review_surveys_due", D(2026, 10, 21))
    assert not reminders_of("review_surveys_due", status=ReminderStatus.OPEN).exists()


def test_surveys_due_is_quiet_once_the_customer_part_is_waived(cast, run):
    QuarterReviewFactory(
        cycle=_cycle(),
        person=cast.rep_a,
        manager=cast.manager_a,
        waivers={"customer": {"reason": "new territory"}},
    )
    SurveyFactory(rep=cast.rep_a, period_key="2026-Q3")
    run("review_surveys_due", TUESDAY_BEFORE)
    assert not reminders_of("review_surveys_due").exists()


def test_finalisation_due_reminds_every_hr_person_once_per_cycle(cast, run):
    other_hr = HRFactory(username="hr2")
    cycle = _cycle()
    first = QuarterReviewFactory(cycle=cycle, person=cast.rep_a)
    second = QuarterReviewFactory(cycle=cycle, person=cast.rep_b)
    run("review_finalise_due", TUESDAY_BEFORE)
    rows = list(reminders_of("review_finalise_due"))
    assert {(r.object_id, r.recipient_id) for r in rows} == {
        (cycle.pk, cast.hr.pk),
        (cycle.pk, other_hr.pk),
    }
    assert rows[0].details["open"] == 2
    assert rows[0].link == f"/reviews/cycles/{cycle.pk}/"
    for review in (first, second):
        review.status = ReviewStatus.FINALISED
        review.save()
    run("review_finalise_due", D(2026, 10, 21))
    assert not reminders_of("review_finalise_due", status=ReminderStatus.OPEN).exists()


def test_titles_read_as_words(cast):
    details = {"cycle": "2026 Q3", "person": "Li Lei", "waiting": 2, "open": 3}
    assert registry["review_self_due"].title(details, 0) == "Your self-review for 2026 Q3 is due"
    assert "Li Lei" in registry["review_manager_due"].title(details, 0)
    assert "2 customer surveys" in registry["review_surveys_due"].title(details, 0)
    assert registry["review_finalise_due"].title(details, 0).startswith("3 reviews")
