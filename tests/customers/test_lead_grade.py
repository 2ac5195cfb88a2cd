"""A customer's grade weight comes from its lead and nothing else (issue #9): the lead grade is
a copy of the linked lead's grade in force, written only by the services; nobody enters it."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.core.models import AuditEntry
from apps.customers.models import Customer
from apps.leads.services import lead_convert
from apps.sales.services import order_create
from apps.scorecards.models import Scorecard, StaleRepPeriod
from apps.scorecards.services import scorecards_recompute, scorecards_refresh_stale
from tests.factories import CustomerFactory, LeadFactory

pytestmark = pytest.mark.django_db

CUSTOMERS = "/api/v1/customers/"


def last_month() -> datetime.date:
    first = timezone.localdate().replace(day=1)
    return (first - datetime.timedelta(days=1)).replace(day=5)


def weighted_new_customers(rep, day: datetime.date) -> Decimal:
    """Recompute ``rep``'s scorecard of ``day``'s month and read its weighted count."""
    key = f"{day:%Y-%m}"
    scorecards_recompute(period_key=key, rep_ids=[rep.pk])
    return Scorecard.objects.get(rep=rep, period_key=key).new_customers_weighted


def develop(customer, day: datetime.date) -> None:
    order_create(
        actor=customer.owner,
        customer=customer,
        owner=customer.owner,
        amount="1000",
        signed_on=day,
    )


def test_api_customer_from_an_a_lead_counts_2(cast, api_as):
    lead = LeadFactory(owner=cast.rep_a, grade_a=True)
    response = api_as(cast.rep_a).post(
        CUSTOMERS, {"name": "Alpha Works", "lead": lead.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["lead_grade"] == "A"
    customer = Customer.objects.get()
    assert (customer.lead, customer.lead_grade) == (lead, "A")
    develop(customer, last_month())
    assert weighted_new_customers(cast.rep_a, last_month()) == Decimal("2.00")


def test_browser_customer_from_an_a_lead_counts_2(cast, client_as):
    lead = LeadFactory(owner=cast.rep_a, grade_a=True)
    client = client_as(cast.rep_a)
    form = client.get(reverse("customers:customer-create")).context["form"]
    assert "lead_grade" not in form.fields
    assert lead in form.fields["lead"].queryset
    response = client.post(
        reverse("customers:customer-create"), {"name": "Alpha Works", "lead": lead.pk}
    )
    assert response.status_code == 302
    customer = Customer.objects.get()
    assert (customer.lead, customer.lead_grade) == (lead, "A")
    develop(customer, last_month())
    assert weighted_new_customers(cast.rep_a, last_month()) == Decimal("2.00")
    page = client.get(reverse("customers:customer-detail", args=[customer.pk])).content.decode()
    assert "grade-A" in page


def test_an_overridden_grade_counts_by_the_override(cast, api_as):
    lead = LeadFactory(owner=cast.rep_a, grade_c=True, grade_override="B")
    assert (lead.rubric_grade, lead.grade) == ("C", "B")
    response = api_as(cast.rep_a).post(
        CUSTOMERS, {"name": "Beta Works", "lead": lead.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    customer = Customer.objects.get()
    assert customer.lead_grade == "B"
    develop(customer, last_month())
    assert weighted_new_customers(cast.rep_a, last_month()) == Decimal("1.50")


def test_a_customer_without_a_lead_counts_1(cast, api_as):
    response = api_as(cast.rep_a).post(CUSTOMERS, {"name": "Gamma Works"}, format="json")
    assert response.status_code == 201, response.content
    customer = Customer.objects.get()
    assert customer.lead_grade == ""
    develop(customer, last_month())
    assert weighted_new_customers(cast.rep_a, last_month()) == Decimal("1.00")


def test_api_create_sending_lead_grade_is_refused_and_saves_nothing(cast, api_as):
    response = api_as(cast.rep_a).post(
        CUSTOMERS, {"name": "Delta Works", "lead_grade": "A"}, format="json"
    )
    assert response.status_code == 400, response.content
    assert "lead_grade" in response.json()
    assert not Customer.objects.exists()
    assert not AuditEntry.objects.exists()


def test_api_update_sending_lead_grade_is_refused_and_changes_nothing(cast, api_as):
    customer = CustomerFactory(owner=cast.rep_a, name="Epsilon Works")
    response = api_as(cast.rep_a).patch(
        f"{CUSTOMERS}{customer.pk}/", {"lead_grade": "A", "name": "Raised"}, format="json"
    )
    assert response.status_code == 400, response.content
    assert "lead_grade" in response.json()
    customer.refresh_from_db()
    assert (customer.lead_grade, customer.name) == ("", "Epsilon Works")


def test_browser_form_ignores_a_posted_lead_grade(cast, client_as):
    customer = CustomerFactory(owner=cast.rep_a, name="Zeta Works")
    client = client_as(cast.rep_a)
    url = reverse("customers:customer-update", args=[customer.pk])
    assert "lead_grade" not in client.get(url).context["form"].fields
    response = client.post(url, {"name": "Zeta Works", "lead_grade": "A"})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.lead_grade == ""
    response = client.post(
        reverse("customers:customer-create"), {"name": "Eta Works", "lead_grade": "A"}
    )
    assert response.status_code == 302
    assert Customer.objects.get(name="Eta Works").lead_grade == ""


def test_converting_into_an_existing_customer_takes_the_grade_and_marks_stale(cast):
    day = last_month()
    customer = CustomerFactory(owner=cast.rep_a)
    develop(customer, day)
    assert weighted_new_customers(cast.rep_a, day) == Decimal("1.00")
    StaleRepPeriod.objects.all().delete()
    lead = LeadFactory(owner=cast.rep_a, grade_a=True, status="qualified")
    result = lead_convert(actor=cast.rep_a, lead=lead, customer=customer)
    customer.refresh_from_db()
    assert result.customer.lead_grade == customer.lead_grade == "A"
    assert f"{day:%Y-%m}" in set(
        StaleRepPeriod.objects.filter(rep=cast.rep_a).values_list("period_key", flat=True)
    )
    scorecards_refresh_stale()
    card = Scorecard.objects.get(rep=cast.rep_a, period_key=f"{day:%Y-%m}")
    assert (card.new_customers_weighted, card.stale) == (Decimal("2.00"), False)


def test_the_data_migration_copies_the_grade_from_the_lead_and_blanks_the_rest(cast):
    from django.apps import apps as django_apps

    migration = importlib.import_module("apps.customers.migrations.0003_lead_grade_follows_lead")
    lead = LeadFactory(owner=cast.rep_a, grade_c=True, grade_override="A")
    linked = CustomerFactory(owner=cast.rep_a, lead=lead, lead_grade="C")
    unlinked = CustomerFactory(owner=cast.rep_a, lead_grade="A")
    migration.copy_grade_from_lead(django_apps, None)
    linked.refresh_from_db()
    unlinked.refresh_from_db()
    assert (linked.lead_grade, unlinked.lead_grade) == ("A", "")
