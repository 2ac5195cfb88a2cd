"""Answers by phone interview, cancelling, and what an answer changes: the customer's health
report satisfaction of the quarter, its latest satisfaction, and the reviews' signal."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.core.models import AuditEntry
from apps.core.versions import StaleVersionError
from apps.customers import services as customer_services
from apps.surveys import services
from apps.surveys.signals import survey_changed
from tests.factories import (
    AnsweredSurveyFactory,
    CustomerFactory,
    HealthReportFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db

SCORES = {"solution_fit": 60, "response_speed": 70, "problem_resolution": 80}


@pytest.fixture
def survey(cast):
    return SurveyFactory(rep=cast.rep_a, period_key="2026-Q3")


def _interview(actor, survey, **extra):
    return services.survey_record_interview(actor=actor, survey=survey, **SCORES, **extra)


def test_hr_or_the_manager_records_a_phone_interview(cast, survey):
    _interview(cast.manager_a, survey, respondent="Mr Wang", comment="Slow replies")
    survey.refresh_from_db()
    assert (survey.status, survey.channel, survey.recorded_by) == (
        "answered",
        "phone",
        cast.manager_a,
    )
    assert survey.score == Decimal("70.00")
    entry = AuditEntry.objects.get(action="survey.answer")
    assert entry.actor == cast.manager_a and entry.changes["channel"] == [None, "phone"]


def test_a_rep_never_records_their_own_customers_answers(cast, survey):
    with pytest.raises(PermissionDenied) as exc:
        _interview(cast.rep_a, survey)
    assert "your own customer" in str(exc.value)
    for user in (cast.rep_a2, cast.manager_b):
        with pytest.raises(PermissionDenied):
            _interview(user, survey)
    survey.refresh_from_db()
    assert survey.status == "pending" and survey.score is None


def test_a_manager_never_records_the_survey_of_their_own_customer(cast):
    survey = SurveyFactory(rep=cast.manager_a)
    with pytest.raises(PermissionDenied):
        _interview(cast.manager_a, survey)
    assert _interview(cast.hr, survey).status == "answered"


def test_an_answered_survey_is_not_answered_again(cast, survey):
    _interview(cast.hr, survey)
    with pytest.raises(ValidationError) as exc:
        services.survey_record_interview(
            actor=cast.hr, survey=survey, solution_fit=0, response_speed=0, problem_resolution=0
        )
    assert "status" in exc.value.message_dict
    survey.refresh_from_db()
    assert survey.score == Decimal("70.00")


def test_a_stale_version_is_refused(cast, survey):
    opened = survey.version
    services.survey_issue_link(survey=survey, actor=cast.hr)
    with pytest.raises(StaleVersionError):
        _interview(cast.manager_a, survey, expected_version=opened)
    survey.refresh_from_db()
    assert survey.status == "pending"


def test_bad_interview_answers_name_the_field(cast, survey):
    with pytest.raises(ValidationError) as exc:
        services.survey_record_interview(
            actor=cast.hr,
            survey=survey,
            solution_fit=101,
            response_speed=None,
            problem_resolution=5,
        )
    assert {"solution_fit", "response_speed"} <= set(exc.value.message_dict)
    survey.refresh_from_db()
    assert survey.status == "pending"


def test_only_hr_cancels_and_must_say_why(cast, survey):
    for user in (cast.rep_a, cast.manager_a):
        with pytest.raises(PermissionDenied):
            services.survey_cancel(actor=user, survey=survey, reason="x")
    with pytest.raises(ValidationError) as exc:
        services.survey_cancel(actor=cast.hr, survey=survey, reason="  ")
    assert "reason" in exc.value.message_dict
    services.survey_cancel(actor=cast.hr, survey=survey, reason="Customer refused")
    survey.refresh_from_db()
    assert (survey.status, survey.cancel_reason) == ("cancelled", "Customer refused")
    assert AuditEntry.objects.get(action="survey.cancel").reason == "Customer refused"


# --- the customer's health follows the survey ---------------------------------------------------


def test_an_answer_sets_the_quarters_health_report_and_latest_satisfaction(cast, survey):
    report = HealthReportFactory(customer=survey.customer, year=2026, quarter=3, satisfaction=None)
    other = HealthReportFactory(customer=survey.customer, year=2026, quarter=2, satisfaction=None)
    _interview(cast.hr, survey)
    report.refresh_from_db()
    other.refresh_from_db()
    survey.customer.refresh_from_db()
    assert report.satisfaction == Decimal("70.00")
    assert other.satisfaction is None
    assert survey.customer.latest_satisfaction == Decimal("70.00")
    assert survey.customer.is_high_risk


def test_a_report_filed_after_the_answer_takes_the_quarters_survey(cast, survey):
    _interview(cast.hr, survey)
    report = customer_services.health_report_create(
        actor=cast.rep_a,
        customer=survey.customer,
        year=2026,
        quarter=3,
        usage_frequency="weekly",
        new_demand_intent="medium",
    )
    assert report.satisfaction == Decimal("70.00")
    earlier = customer_services.health_report_create(
        actor=cast.rep_a,
        customer=survey.customer,
        year=2026,
        quarter=1,
        usage_frequency="weekly",
        new_demand_intent="medium",
    )
    assert earlier.satisfaction is None


def test_an_older_quarters_answer_does_not_replace_the_latest_satisfaction(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    AnsweredSurveyFactory(rep=cast.rep_a, customer=customer, period_key="2026-Q3")
    customer.latest_satisfaction = Decimal("90.00")
    customer.save()
    older = SurveyFactory(rep=cast.rep_a, customer=customer, period_key="2026-Q2")
    _interview(cast.hr, older)
    customer.refresh_from_db()
    assert customer.latest_satisfaction == Decimal("90.00")


def test_cancelling_an_answered_survey_takes_its_score_back(cast, survey):
    report = HealthReportFactory(customer=survey.customer, year=2026, quarter=3, satisfaction=None)
    HealthReportFactory(customer=survey.customer, year=2026, quarter=2, satisfaction=Decimal("91"))
    _interview(cast.hr, survey)
    services.survey_cancel(actor=cast.hr, survey=survey, reason="Answered by the rep's friend")
    report.refresh_from_db()
    survey.customer.refresh_from_db()
    assert report.satisfaction is None
    assert survey.customer.latest_satisfaction == Decimal("91")


def test_answers_and_cancellations_tell_the_reviews(cast, survey):
    heard = []

    def receiver(sender, **kwargs):
        heard.append((kwargs["rep_id"], kwargs["period_key"]))

    survey_changed.connect(receiver)
    try:
        _interview(cast.hr, survey)
        services.survey_cancel(actor=cast.hr, survey=survey, reason="Duplicate")
    finally:
        survey_changed.disconnect(receiver)
    assert heard == [(cast.rep_a.pk, "2026-Q3")] * 2
