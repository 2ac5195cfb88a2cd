"""Issue #9, "writes that answer 200 and change nothing": on the one API write path
(:mod:`apps.core.api.field_rules`) every body key either counts or is refused naming the field —
a key the request does not accept is a 400 (pointing to the action route that changes it), a
field the caller may not set is a 403 — and nothing is written."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.core.api.views import ServiceViewSet
from apps.customers.models import Contact, Customer
from apps.leads.models import Lead
from apps.opportunities.models import Opportunity
from apps.sales.models import Delivery, Order
from salesperf.api_urls import router
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    DeliveryFactory,
    LeadFactory,
    OpportunityFactory,
    OrderFactory,
)

pytestmark = pytest.mark.django_db

OWNER_FORBIDDEN = "Only a manager of the owner's team or an admin can change the owner."
REP_OWNS_OWN = "A rep owns what they create: leave the owner out or name yourself."


def snapshot(obj):
    """Every concrete column of ``obj`` as stored."""
    obj = type(obj).objects.get(pk=obj.pk)
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


# --- the cases named in the issue -------------------------------------------------------------


def test_rep_changing_a_leads_owner_is_403_naming_owner(cast, api_as):
    lead = LeadFactory(owner=cast.rep_a)
    before = snapshot(lead)
    response = api_as(cast.rep_a).patch(
        f"/api/v1/leads/{lead.pk}/", {"owner": cast.rep_a2.pk, "notes": "x"}, format="json"
    )
    assert response.status_code == 403
    assert response.json() == {"owner": [OWNER_FORBIDDEN]}
    assert snapshot(lead) == before


def test_rep_setting_a_leads_grade_is_400_pointing_to_override_grade(cast, api_as):
    lead = LeadFactory(owner=cast.rep_a)
    before = snapshot(lead)
    response = api_as(cast.rep_a).patch(f"/api/v1/leads/{lead.pk}/", {"grade": "A"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "grade": [
            f"grade cannot be changed here. Use POST /api/v1/leads/{lead.pk}/override-grade/ "
            "to change it."
        ]
    }
    assert snapshot(lead) == before


def test_moving_a_contact_to_another_customer_is_400_naming_customer(cast, api_as):
    contact = ContactFactory(customer=CustomerFactory(owner=cast.rep_a))
    other = CustomerFactory(owner=cast.rep_a)
    before = snapshot(contact)
    response = api_as(cast.rep_a).patch(
        f"/api/v1/contacts/{contact.pk}/", {"customer": other.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"customer": ["customer is read-only: it cannot be set here."]}
    assert snapshot(contact) == before
    assert Contact.objects.filter(customer=other).count() == 0


def test_losing_a_customer_by_patch_is_400_pointing_to_mark_lost(cast, api_as):
    customer = CustomerFactory(owner=cast.rep_a)
    before = snapshot(customer)
    lost_on = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = api_as(cast.rep_a).patch(
        f"/api/v1/customers/{customer.pk}/",
        {"status": "lost", "lost_on": lost_on},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"status", "lost_on"}
    base = f"/api/v1/customers/{customer.pk}"
    assert body["lost_on"] == [
        f"lost_on cannot be changed here. Use POST {base}/mark-lost/ to change it."
    ]
    assert body["status"] == [
        f"status cannot be changed here. Use POST {base}/mark-lost/ or POST {base}/reactivate/ "
        "to change it."
    ]
    assert snapshot(customer) == before
    # The route named works.
    response = api_as(cast.rep_a).post(
        f"{base}/mark-lost/", {"lost_on": lost_on, "reason": "Moved abroad"}, format="json"
    )
    assert response.status_code == 200
    assert Customer.objects.get(pk=customer.pk).status == "lost"


@pytest.mark.parametrize(
    ("url", "factory", "model"),
    [
        ("/api/v1/customers/", CustomerFactory, Customer),
        ("/api/v1/opportunities/", OpportunityFactory, Opportunity),
        ("/api/v1/orders/", OrderFactory, Order),
    ],
)
def test_rep_handing_a_record_over_is_403_naming_owner(cast, api_as, url, factory, model):
    record = factory(owner=cast.rep_a)
    before = snapshot(record)
    response = api_as(cast.rep_a).patch(
        f"{url}{record.pk}/", {"owner": cast.rep_a2.pk}, format="json"
    )
    assert response.status_code == 403
    assert response.json() == {"owner": [OWNER_FORBIDDEN]}
    assert snapshot(record) == before
    # Naming the current owner changes nothing and is fine.
    response = api_as(cast.rep_a).patch(
        f"{url}{record.pk}/", {"owner": cast.rep_a.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    assert model.objects.get(pk=record.pk).owner == cast.rep_a


def test_manager_still_reassigns_within_the_team(cast, api_as):
    lead = LeadFactory(owner=cast.rep_a)
    response = api_as(cast.manager_a).patch(
        f"/api/v1/leads/{lead.pk}/", {"owner": cast.rep_a2.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    assert Lead.objects.get(pk=lead.pk).owner == cast.rep_a2


def test_rep_creating_for_someone_else_is_403_and_creates_nothing(cast, api_as):
    customer = CustomerFactory(owner=cast.rep_a)
    response = api_as(cast.rep_a).post(
        "/api/v1/activities/",
        {
            "kind": "call",
            "occurred_at": timezone.now().isoformat(),
            "subject": "Follow-up",
            "customer": customer.pk,
            "owner": cast.rep_a2.pk,
        },
        format="json",
    )
    assert response.status_code == 403
    assert response.json() == {"owner": [REP_OWNS_OWN]}
    assert not customer.activities.exists()


def test_stage_by_patch_points_to_move_and_credits_to_their_put(cast, api_as):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    before = snapshot(opportunity)
    response = api_as(cast.rep_a).patch(
        f"/api/v1/opportunities/{opportunity.pk}/",
        {"stage": "won", "credits": []},
        format="json",
    )
    assert response.status_code == 400
    base = f"/api/v1/opportunities/{opportunity.pk}"
    assert response.json() == {
        "stage": [f"stage cannot be changed here. Use POST {base}/move/ to change it."],
        "credits": [f"credits cannot be changed here. Use PUT {base}/credits/ to change it."],
    }
    assert snapshot(opportunity) == before


def test_a_route_named_on_a_create_has_an_id_placeholder(cast, api_as):
    response = api_as(cast.rep_a).post(
        "/api/v1/customers/", {"name": "Omega Ltd", "status": "lost"}, format="json"
    )
    assert response.status_code == 400
    assert "POST /api/v1/customers/{id}/mark-lost/" in response.json()["status"][0]
    assert not Customer.objects.exists()


def test_unknown_fields_are_named_with_what_the_request_accepts(cast, api_as):
    contact = ContactFactory(customer=CustomerFactory(owner=cast.rep_a))
    before = snapshot(contact)
    response = api_as(cast.rep_a).patch(
        f"/api/v1/contacts/{contact.pk}/", {"name": "New", "mobile": "138"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "mobile": [
            "Unknown field mobile. This request accepts: email, is_primary, name, phone, title."
        ]
    }
    assert snapshot(contact) == before


def test_unknown_keys_inside_nested_rows_are_named(cast, api_as):
    order = OrderFactory(owner=cast.rep_a)
    before = snapshot(order)
    response = api_as(cast.rep_a).patch(
        f"/api/v1/orders/{order.pk}/",
        {"credits": [{"rep": cast.rep_a.pk, "percent": "100", "share": "all"}]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["credits"][0]) == ["share"]
    assert snapshot(order) == before


def test_clearing_the_actual_date_of_a_delivered_delivery_is_refused(cast, api_as):
    delivery = DeliveryFactory(order=OrderFactory(owner=cast.rep_a), delivered=True)
    before = snapshot(delivery)
    response = api_as(cast.rep_a).patch(
        f"/api/v1/deliveries/{delivery.pk}/", {"delivered_on": None}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"delivered_on": ["A delivered delivery needs its actual date."]}
    assert snapshot(delivery) == before
    assert Delivery.objects.get(pk=delivery.pk).delivered_on is not None


def test_messages_follow_the_callers_language(cast, api_as):
    lead = LeadFactory(owner=cast.rep_a)
    client = api_as(cast.rep_a)
    response = client.patch(
        f"/api/v1/leads/{lead.pk}/",
        {"owner": cast.rep_a2.pk},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 403
    message = response.json()["owner"][0]
    assert message != OWNER_FORBIDDEN and "负责人" in message
    response = client.patch(
        f"/api/v1/leads/{lead.pk}/", {"grade": "A"}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    assert f"/api/v1/leads/{lead.pk}/override-grade/" in response.json()["grade"][0]
    assert "cannot be changed" not in response.json()["grade"][0]


# --- every write viewset -----------------------------------------------------------------------


def _write_routes():
    """(prefix, viewset) of every router viewset on the shared write path that creates."""
    for prefix, viewset, _basename in router.registry:
        if issubclass(viewset, ServiceViewSet) and viewset.create_serializer_class:
            yield prefix, viewset


@pytest.mark.parametrize(("prefix", "viewset"), list(_write_routes()), ids=lambda v: str(v))
def test_every_create_refuses_an_unknown_key_before_writing(cast, prefix, viewset):
    model = viewset.queryset.model if viewset.queryset is not None else None
    count = model.objects.count() if model is not None else None
    client = APIClient()
    client.force_authenticate(cast.admin)
    response = client.post(f"/api/v1/{prefix}/", {"no_such_field": 1}, format="json")
    assert response.status_code == 400, (prefix, response.content)
    assert "no_such_field" in response.json()["no_such_field"][0]
    if model is not None:
        assert model.objects.count() == count


def test_every_write_documents_its_400_and_403(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path, method in [
        ("/api/v1/leads/{id}/", "patch"),
        ("/api/v1/customers/", "post"),
        ("/api/v1/contacts/{id}/", "patch"),
        ("/api/v1/orders/{id}/", "patch"),
        ("/api/v1/customers/{id}/mark-lost/", "post"),
    ]:
        responses = schema["paths"][path][method]["responses"]
        assert {"400", "403"} <= set(responses), (path, method, sorted(responses))
    forbidden = schema["paths"]["/api/v1/customers/{id}/"]["patch"]["responses"]["403"]
    assert forbidden["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Forbidden"
    }


@pytest.mark.parametrize(
    ("prefix", "make", "body"),
    [
        ("health-reports", "HealthReportFactory", lambda cast: {"customer": "other"}),
        ("market-insights", "MarketInsightFactory", lambda cast: {"author": cast.rep_a.pk}),
        ("product-feedback", "ProductFeedbackFactory", lambda cast: {"customer": "other"}),
        ("spin-notes", "SpinNoteFactory", lambda cast: {"opportunity": "other"}),
        ("risks", "RiskFactory", lambda cast: {"opportunity": "other"}),
        ("activities", "ActivityFactory", lambda cast: {"owner": cast.rep_a2.pk}),
        ("deliveries", "DeliveryFactory", lambda cast: {"order": "other"}),
        ("targets", "TargetFactory", lambda cast: {"rep": cast.rep_a2.pk}),
        ("period-settings", "PeriodSettingFactory", lambda cast: {"period": "2020-01"}),
        ("users", None, lambda cast: {"username": "renamed"}),
        ("teams", None, lambda cast: {"members": [cast.rep_b.pk]}),
    ],
)
def test_every_update_refuses_a_read_only_field_and_changes_nothing(
    cast, api_as, prefix, make, body
):
    from tests import factories

    if make is not None:
        record = getattr(factories, make)()
    else:
        record = {"users": cast.rep_a, "teams": cast.team_a}[prefix]
    body = body(cast)
    field = next(iter(body))
    before = snapshot(record)
    members = set(cast.team_a.members.all()) if prefix == "teams" else None
    response = api_as(cast.admin).patch(f"/api/v1/{prefix}/{record.pk}/", body, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert field in response.json()[field][0]
    assert snapshot(record) == before
    if members is not None:
        assert set(cast.team_a.members.all()) == members


def test_reminder_preferences_name_an_unknown_key_in_a_rule_row(cast, api_as):
    response = api_as(cast.rep_a).post(
        "/api/v1/reminder-preferences/",
        {"rules": [{"code": "stale_lead", "inbox": False, "email": False, "sms": True}]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["rules"][0]) == ["sms"]
