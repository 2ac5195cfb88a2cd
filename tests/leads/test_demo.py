"""The leads demo builder: varied, consistent with the rules, and fast."""

import random
import time

import pytest

from apps.accounts import demo as accounts_demo
from apps.customers import demo as customers_demo
from apps.customers.models import Customer
from apps.leads import demo
from apps.leads.choices import LEAD_TRANSITIONS, LeadStatus
from apps.leads.models import Lead, LeadStatusChange, NurtureTouch
from apps.leads.selectors import find_duplicates

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    rng = random.Random(11)
    context: dict = {}
    accounts_demo.build(rng, context)
    customers_demo.build(rng, context)
    started = time.monotonic()
    demo.build(rng, context)
    return context, time.monotonic() - started


def test_demo_leads_are_varied_and_fast(built):
    context, seconds = built
    assert seconds < 5, f"the leads demo took {seconds:.1f} s"
    reps = context["reps"]
    assert len(reps) >= 21
    for rep in reps:
        assert 12 <= Lead.objects.filter(owner=rep).count() <= 22
    assert set(Lead.objects.values_list("grade", flat=True)) == {"A", "B", "C"}
    assert set(Lead.objects.values_list("status", flat=True)) == set(LeadStatus.values)
    assert Lead.objects.values("source").distinct().count() == 7
    assert len(context["leads"]) == Lead.objects.count()
    assert Lead.objects.exclude(grade_override="").exists()
    # the historic timestamps of the demo do not leak into later saves
    assert Lead._meta.get_field("created_at").auto_now_add is True
    assert Lead._meta.get_field("updated_at").auto_now is True
    assert LeadStatusChange._meta.get_field("changed_at").auto_now_add is True


def test_demo_leads_follow_the_rules(built):
    for lead in Lead.objects.filter(source="customer_referral").select_related("referred_by"):
        assert lead.referred_by.owner_id == lead.owner_id
    assert not Lead.objects.exclude(source="customer_referral").exclude(referred_by=None).exists()
    for lead in Lead.objects.prefetch_related("status_changes"):
        steps = [(c.from_status, c.to_status) for c in lead.status_changes.all()]
        assert steps[0] == ("", "new")
        for before, after in steps[1:]:
            assert after in LEAD_TRANSITIONS[LeadStatus(before)]
        assert steps[-1][1] == lead.status
        assert [c.changed_at for c in lead.status_changes.all()] == sorted(
            c.changed_at for c in lead.status_changes.all()
        )
    assert LeadStatusChange.objects.filter(to_status="new").count() == Lead.objects.count()


def test_demo_converts_through_the_service_and_nurtures_c_leads(built):
    converted = Lead.objects.filter(status="converted")
    assert converted.exists()
    for lead in converted:
        customer = Customer.objects.get(lead=lead)
        assert customer.lead_grade == lead.grade
        assert lead.opportunities.exists()
        assert lead.converted_at is not None
    assert NurtureTouch.objects.filter(lead__grade="C").exists()


def test_demo_company_names_do_not_collide(built):
    sample = Lead.objects.filter(status="new")[:10]
    for lead in sample:
        assert (
            find_duplicates(
                company_name=lead.company_name,
                phone=lead.phone,
                email=lead.email,
                exclude_lead_id=lead.pk,
            )
            == []
        )


def test_demo_customers_weigh_by_their_leads_grade_only(built):
    # A customer's lead grade is its lead's grade in force; without a lead it has none.
    assert not Customer.objects.filter(lead__isnull=True).exclude(lead_grade="").exists()
    linked = Customer.objects.filter(lead__isnull=False).select_related("lead")
    assert linked.exists()
    for customer in linked:
        assert customer.lead_grade == customer.lead.grade
