"""A lead's regrade (override, rubric change, edited answers) reaches the customer created from
it and the owner's grade-weighted new-customer KPI (issue #9)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.customers.services import customer_create
from apps.leads import services
from apps.sales.services import order_create
from apps.scorecards.models import Scorecard, StaleRepPeriod
from apps.scorecards.services import scorecards_recompute, scorecards_refresh_stale
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def last_month() -> datetime.date:
    first = timezone.localdate().replace(day=1)
    return (first - datetime.timedelta(days=1)).replace(day=5)


@pytest.fixture
def developed(cast):
    """rep_a's customer from an open B lead, developed last month, scorecard computed."""
    day = last_month()
    lead = LeadFactory(owner=cast.rep_a)
    assert lead.grade == "B"
    customer = customer_create(actor=cast.rep_a, owner=None, name="Omega Works", lead=lead)
    order_create(
        actor=cast.rep_a, customer=customer, owner=cast.rep_a, amount="1000", signed_on=day
    )
    key = f"{day:%Y-%m}"
    scorecards_recompute(period_key=key, rep_ids=[cast.rep_a.pk])
    StaleRepPeriod.objects.all().delete()
    assert card(cast.rep_a, key).new_customers_weighted == Decimal("1.50")
    return lead, customer, key


def card(rep, key):
    return Scorecard.objects.get(rep=rep, period_key=key)


def stale_keys(rep) -> set:
    return set(StaleRepPeriod.objects.filter(rep=rep).values_list("period_key", flat=True))


def test_an_override_marks_the_owner_stale_and_the_refresh_weighs_it(cast, developed):
    lead, customer, key = developed
    services.lead_override_grade(actor=cast.manager_a, lead=lead, grade="A", reason="Key account")
    customer.refresh_from_db()
    assert customer.lead_grade == "A"
    assert key in stale_keys(cast.rep_a)
    assert stale_keys(cast.rep_b) == set()
    assert card(cast.rep_a, key).stale is True
    scorecards_refresh_stale()
    assert card(cast.rep_a, key).new_customers_weighted == Decimal("2.00")
    assert card(cast.rep_a, key).stale is False

    # Clearing the override brings back the rubric's grade.
    services.lead_override_grade(actor=cast.manager_a, lead=lead, grade="", reason="Wrong call")
    customer.refresh_from_db()
    assert customer.lead_grade == "B"
    scorecards_refresh_stale()
    assert card(cast.rep_a, key).new_customers_weighted == Decimal("1.50")


def test_a_rubric_regrade_marks_the_owner_stale_and_the_refresh_weighs_it(cast, developed):
    lead, customer, key = developed
    result = services.rubric_update(actor=cast.hr, a_min_total=6, b_min_total=5)
    assert result.regraded >= 1
    lead.refresh_from_db()
    customer.refresh_from_db()
    assert lead.grade == customer.lead_grade == "A"
    assert key in stale_keys(cast.rep_a)
    scorecards_refresh_stale()
    assert card(cast.rep_a, key).new_customers_weighted == Decimal("2.00")


def test_edited_answers_regrade_the_customer_too(cast, developed):
    lead, customer, key = developed
    services.lead_update(
        actor=cast.rep_a,
        lead=lead,
        company_size="small",
        need_match="low",
        decision_complexity="complex",
    )
    customer.refresh_from_db()
    assert customer.lead_grade == "C"
    assert key in stale_keys(cast.rep_a)
    scorecards_refresh_stale()
    assert card(cast.rep_a, key).new_customers_weighted == Decimal("1.00")


def test_a_regrade_of_a_lead_without_a_customer_marks_nothing(cast):
    lead = LeadFactory(owner=cast.rep_a)
    services.lead_override_grade(actor=cast.manager_a, lead=lead, grade="A", reason="Key account")
    assert not StaleRepPeriod.objects.exists()


def test_a_refused_override_changes_neither_the_customer_nor_the_marks(cast, developed):
    lead, customer, _key = developed
    with pytest.raises(ValidationError) as exc:
        services.lead_override_grade(actor=cast.manager_a, lead=lead, grade="A", reason="")
    assert "why the grade is changed" in " ".join(exc.value.message_dict["reason"])
    customer.refresh_from_db()
    assert customer.lead_grade == "B"
    assert not StaleRepPeriod.objects.exists()
