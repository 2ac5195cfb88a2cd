"""Conversion: a qualified lead becomes a customer and an opportunity in one transaction."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.core.models import AuditEntry
from apps.customers.models import Customer
from apps.leads import services
from apps.leads.models import LeadStatusChange
from apps.opportunities.models import Opportunity
from tests.factories import CustomerFactory, IndustryFactory, LeadFactory

pytestmark = pytest.mark.django_db


def qualified(owner, **kwargs):
    return LeadFactory(owner=owner, status="qualified", **kwargs)


def test_conversion_creates_customer_and_opportunity_keeping_the_grade(cast):
    industry = IndustryFactory(name="Logistics")
    lead = qualified(cast.rep_a, grade_a=True, industry=industry, notes="Wants WMS")
    result = services.lead_convert(
        actor=cast.rep_a,
        lead=lead,
        opportunity_name="WMS rollout",
        expected_amount=Decimal("250000.00"),
    )
    customer, opportunity = result.customer, result.opportunity
    assert result.customer_created is True
    assert customer.name == lead.company_name
    assert (customer.lead, customer.lead_grade, customer.owner) == (lead, "A", cast.rep_a)
    assert customer.industry == industry
    assert customer.phone_key == lead.phone_key
    assert (opportunity.customer, opportunity.lead, opportunity.owner) == (
        customer,
        lead,
        cast.rep_a,
    )
    assert opportunity.name == "WMS rollout"
    assert opportunity.expected_amount == Decimal("250000.00")
    lead.refresh_from_db()
    assert lead.status == "converted"
    assert lead.converted_at is not None
    change = LeadStatusChange.objects.get(lead=lead)
    assert (change.from_status, change.to_status, change.changed_by) == (
        "qualified",
        "converted",
        cast.rep_a,
    )
    entry = AuditEntry.objects.for_object(lead).get(action="lead.convert")
    assert entry.changes["customer"] == customer.pk
    assert entry.changes["opportunity"] == opportunity.pk


def test_an_overridden_grade_is_the_one_the_customer_keeps(cast):
    lead = qualified(cast.rep_a, grade_override="A")
    customer = services.lead_convert(actor=cast.rep_a, lead=lead).customer
    assert customer.lead_grade == "A"
    assert lead.rubric_grade == "B"


def test_opportunity_name_defaults_to_the_company(cast):
    lead = qualified(cast.rep_a, company_name="Default Name Ltd")
    assert services.lead_convert(actor=cast.rep_a, lead=lead).opportunity.name == (
        "Default Name Ltd"
    )


def test_a_manager_converts_a_team_lead_for_its_owner(cast):
    lead = qualified(cast.rep_a2)
    result = services.lead_convert(actor=cast.manager_a, lead=lead)
    assert result.customer.owner == cast.rep_a2
    assert result.opportunity.owner == cast.rep_a2


def test_linking_an_existing_visible_customer_takes_over_the_lead_and_grade(cast):
    customer = CustomerFactory(owner=cast.rep_a, lead_grade="")
    lead = qualified(cast.rep_a, grade_c=True)
    result = services.lead_convert(actor=cast.rep_a, lead=lead, customer=customer)
    assert result.customer_created is False
    customer.refresh_from_db()
    assert (customer.lead, customer.lead_grade) == (lead, "C")
    assert Customer.objects.count() == 1
    assert result.opportunity.customer == customer


def test_an_existing_customer_keeps_the_lead_it_came_from(cast):
    first_lead = LeadFactory(owner=cast.rep_a, status="converted", grade_a=True)
    customer = CustomerFactory(owner=cast.rep_a, lead=first_lead, lead_grade="A")
    lead = qualified(cast.rep_a, grade_c=True)
    services.lead_convert(actor=cast.rep_a, lead=lead, customer=customer)
    customer.refresh_from_db()
    assert (customer.lead, customer.lead_grade) == (first_lead, "A")
    assert Opportunity.objects.get(lead=lead).customer == customer


def test_a_customer_the_user_cannot_see_is_refused(cast):
    foreign = CustomerFactory(owner=cast.rep_b)
    lead = qualified(cast.rep_a)
    with pytest.raises(ValidationError) as excinfo:
        services.lead_convert(actor=cast.rep_a, lead=lead, customer=foreign)
    assert excinfo.value.message_dict["customer"] == ["Choose one of the customers you can see."]
    lead.refresh_from_db()
    assert lead.status == "qualified"
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize("status", ["new", "contacted", "converted", "disqualified"])
def test_only_qualified_leads_convert(cast, status):
    lead = LeadFactory(owner=cast.rep_a, status=status)
    with pytest.raises(ValidationError) as excinfo:
        services.lead_convert(actor=cast.rep_a, lead=lead)
    assert "Only a qualified lead can be converted" in excinfo.value.message_dict["status"][0]
    assert not Customer.objects.exists()
    assert not Opportunity.objects.exists()


def test_hr_may_not_convert(cast):
    lead = qualified(cast.rep_a)
    with pytest.raises(PermissionDenied):
        services.lead_convert(actor=cast.hr, lead=lead)
    assert not Customer.objects.exists()


@pytest.mark.parametrize(
    "failure", [RuntimeError("database hiccup"), ValidationError({"name": ["refused"]})]
)
def test_a_failure_after_the_customer_is_created_writes_nothing(cast, monkeypatch, failure):
    import apps.opportunities.services as opportunity_services

    def broken(**kwargs):
        raise failure

    monkeypatch.setattr(opportunity_services, "opportunity_create", broken)
    lead = qualified(cast.rep_a)
    with pytest.raises(type(failure)):
        services.lead_convert(actor=cast.rep_a, lead=lead)
    lead.refresh_from_db()
    assert lead.status == "qualified"
    assert lead.converted_at is None
    assert not Customer.objects.exists()
    assert not Opportunity.objects.exists()
    assert not LeadStatusChange.objects.filter(lead=lead).exists()
    assert not AuditEntry.objects.filter(action__in=["customer.create", "lead.convert"]).exists()


def test_a_failure_when_linking_an_existing_customer_leaves_it_untouched(cast, monkeypatch):
    import apps.opportunities.services as opportunity_services

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(opportunity_services, "opportunity_create", broken)
    customer = CustomerFactory(owner=cast.rep_a, lead_grade="")
    lead = qualified(cast.rep_a)
    with pytest.raises(RuntimeError):
        services.lead_convert(actor=cast.rep_a, lead=lead, customer=customer)
    customer.refresh_from_db()
    assert (customer.lead, customer.lead_grade) == (None, "")
