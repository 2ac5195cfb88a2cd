"""The < 80 / ≥ 90 satisfaction rules (SPEC §1.3) are driven by the customer's survey answers
(SPEC §2.3): an answer sets the latest satisfaction and anchors the task on its date."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from apps.reminders.choices import LEVEL_MANAGER, LEVEL_OWNER
from apps.surveys import services as survey_services
from apps.surveys.models import Survey
from tests.factories import CustomerFactory, HealthReportFactory, SurveyFactory
from tests.reminders.conftest import reminders_of

D = datetime.date
SHANGHAI = ZoneInfo("Asia/Shanghai")

pytestmark = pytest.mark.django_db


def _answered(cast, customer, scores, on: D, period_key="2026-Q1"):
    survey = SurveyFactory(rep=customer.owner, customer=customer, period_key=period_key)
    survey_services.survey_record_interview(
        actor=cast.hr,
        survey=survey,
        solution_fit=scores[0],
        response_speed=scores[1],
        problem_resolution=scores[2],
    )
    answered_at = datetime.datetime(on.year, on.month, on.day, 10, tzinfo=SHANGHAI)
    Survey.objects.filter(pk=survey.pk).update(answered_at=answered_at)
    return survey


def test_a_low_survey_answer_makes_a_retention_task_anchored_on_the_answer(cast, run):
    customer = CustomerFactory(owner=cast.rep_a)
    _answered(cast, customer, (70, 75, 80), D(2026, 4, 1))  # 75.00, a Wednesday
    run("retention_plan", D(2026, 4, 10))
    rows = list(reminders_of("retention_plan"))
    assert [(r.recipient, r.level) for r in rows] == [
        (cast.rep_a, LEVEL_OWNER),
        (cast.manager_a, LEVEL_MANAGER),
    ]
    assert "75.00" in rows[0].title
    # Five working days after the answer (1 April), not after the customer's creation (today).
    assert D(2026, 4, 2) <= rows[0].due_on <= D(2026, 4, 15)


def test_the_survey_answer_outranks_an_older_health_report_reading(cast, run):
    customer = CustomerFactory(owner=cast.rep_a, latest_satisfaction=Decimal("95"))
    HealthReportFactory(customer=customer, year=2025, quarter=4, satisfaction=Decimal("95"))
    run("referral_invitation", D(2026, 4, 10))
    assert reminders_of("referral_invitation").count() == 1
    _answered(cast, customer, (60, 60, 60), D(2026, 4, 8))
    customer.refresh_from_db()
    assert customer.latest_satisfaction == Decimal("60.00")
    assert run("referral_invitation", D(2026, 4, 11)).closed == 1
    run("retention_plan", D(2026, 4, 11))
    assert reminders_of("retention_plan").count() == 2


def test_a_high_survey_answer_makes_an_invitation_for_the_owner(cast, run):
    customer = CustomerFactory(owner=cast.rep_a)
    _answered(cast, customer, (90, 95, 100), D(2026, 4, 1))
    run("referral_invitation", D(2026, 4, 10))
    reminder = reminders_of("referral_invitation").get()
    assert (reminder.recipient, reminder.object_id) == (cast.rep_a, customer.pk)


def test_a_cancelled_answer_closes_its_task(cast, run):
    customer = CustomerFactory(owner=cast.rep_a)
    survey = _answered(cast, customer, (50, 50, 50), D(2026, 4, 1))
    run("retention_plan", D(2026, 4, 10))
    assert reminders_of("retention_plan").count() == 2
    survey_services.survey_cancel(actor=cast.hr, survey=survey, reason="Wrong contact")
    customer.refresh_from_db()
    assert customer.latest_satisfaction is None
    assert run("retention_plan", D(2026, 4, 11)).closed == 2
