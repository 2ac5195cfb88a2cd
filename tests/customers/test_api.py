"""REST API of customers, contacts, industries, health reports, insights and feedback."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.customers.models import Customer, HealthReport, Industry, MarketInsight, ProductFeedback
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    HealthReportFactory,
    IndustryFactory,
    LeadFactory,
    MarketInsightFactory,
    ProductFeedbackFactory,
)

pytestmark = pytest.mark.django_db

CUSTOMERS = "/api/v1/customers/"


def _names(response):
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


# --- customers: scoping ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("rep_a", {"rep_a customer"}),
        ("manager_a", {"rep_a customer", "rep_a2 customer"}),
        ("hr", {"rep_a customer", "rep_a2 customer", "rep_b customer"}),
        ("admin", {"rep_a customer", "rep_a2 customer", "rep_b customer"}),
    ],
)
def test_customer_list_is_scoped_for_every_role(cast, api_as, records, role, expected):
    assert _names(api_as(getattr(cast, role)).get(CUSTOMERS)) == expected


def test_anonymous_gets_no_customers(api_client, records):
    assert api_client.get(CUSTOMERS).status_code in (401, 403)
    assert api_client.post(CUSTOMERS, {"name": "x"}).status_code in (401, 403)


@pytest.mark.parametrize(("role", "status"), [("rep_a", 404), ("manager_a", 404), ("hr", 200)])
def test_customer_detail_of_another_team(cast, api_as, records, role, status):
    response = api_as(getattr(cast, role)).get(f"{CUSTOMERS}{records['rep_b'].pk}/")
    assert response.status_code == status


def test_customer_payload_has_the_documented_fields(cast, api_as):
    lead = LeadFactory(owner=cast.rep_a)
    customer = CustomerFactory(
        owner=cast.rep_a, lead=lead, lead_grade="B", latest_satisfaction=Decimal("79.99")
    )
    data = api_as(cast.rep_a).get(f"{CUSTOMERS}{customer.pk}/").json()
    for field in (
        "id",
        "name",
        "owner",
        "industry",
        "company_size",
        "lead",
        "lead_grade",
        "referred_by",
        "status",
        "lost_on",
        "lost_reason",
        "latest_satisfaction",
        "is_high_risk",
        "phone",
        "email",
        "notes",
        "created_at",
    ):
        assert field in data, field
    assert data["latest_satisfaction"] == "79.99"
    assert data["is_high_risk"] is True and data["invite_to_co_creation"] is False
    assert data["lead"] == lead.pk and data["owner"] == cast.rep_a.pk


def test_customer_filters_in_the_api(cast, api_as):
    CustomerFactory(owner=cast.rep_a, name="Risky", latest_satisfaction=Decimal("70"))
    CustomerFactory(owner=cast.rep_b, name="Happy", latest_satisfaction=Decimal("95"))
    CustomerFactory(owner=cast.rep_b, name="Gone", lost=True)
    client = api_as(cast.admin)
    assert _names(client.get(CUSTOMERS, {"high_risk": "true"})) == {"Risky"}
    assert _names(client.get(CUSTOMERS, {"status": "lost"})) == {"Gone"}
    assert _names(client.get(CUSTOMERS, {"team": cast.team_a.pk})) == {"Risky"}
    assert _names(client.get(CUSTOMERS, {"owner": cast.rep_b.pk})) == {"Happy", "Gone"}
    assert _names(client.get(CUSTOMERS, {"q": "hap"})) == {"Happy"}
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert _names(client.get(CUSTOMERS, {"date_after": tomorrow})) == set()


def test_rep_cannot_filter_on_someone_elses_owner_id(cast, api_as, records):
    response = api_as(cast.rep_a).get(CUSTOMERS, {"owner": cast.rep_b.pk})
    assert response.status_code == 400


# --- customers: writes -------------------------------------------------------------------------


def test_rep_creates_a_customer_owned_by_themselves(cast, api_as):
    # Issue #9: another owner was silently replaced by the rep (201); now a 403 naming it.
    response = api_as(cast.rep_a).post(
        CUSTOMERS, {"name": "Omega Ltd", "owner": cast.rep_b.pk, "email": "a@omega.example"}
    )
    assert response.status_code == 403
    assert list(response.json()) == ["owner"]
    assert not Customer.objects.exists()
    response = api_as(cast.rep_a).post(CUSTOMERS, {"name": "Omega Ltd", "email": "a@omega.example"})
    assert response.status_code == 201, response.content
    assert response.json()["owner"] == cast.rep_a.pk
    assert Customer.objects.get().email_key == "a@omega.example"


def test_manager_assigning_another_team_gets_a_field_error(cast, api_as):
    response = api_as(cast.manager_a).post(CUSTOMERS, {"name": "X", "owner": cast.rep_b.pk})
    assert response.status_code == 400
    assert "not in a team you manage" in response.json()["owner"][0]
    assert not Customer.objects.exists()


def test_hr_writes_are_forbidden(cast, api_as, records):
    client = api_as(cast.hr)
    customer = records["rep_a"]
    assert client.post(CUSTOMERS, {"name": "X"}).status_code == 403
    assert client.patch(f"{CUSTOMERS}{customer.pk}/", {"name": "Y"}).status_code == 403
    response = client.post(
        f"{CUSTOMERS}{customer.pk}/mark-lost/",
        {"lost_on": timezone.localdate().isoformat(), "reason": "x"},
    )
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.status == "active" and customer.name == "rep_a customer"


def test_referrer_out_of_scope_is_answered_like_a_missing_one(cast, api_as, records):
    response = api_as(cast.rep_a).post(CUSTOMERS, {"name": "X", "referred_by": records["rep_b"].pk})
    assert response.status_code == 400
    assert response.json()["referred_by"] == [
        f'Invalid pk "{records["rep_b"].pk}" - object does not exist.'
    ]
    assert Customer.objects.count() == 3


def test_manager_reassigns_with_patch(cast, api_as, records):
    customer = records["rep_a"]
    response = api_as(cast.manager_a).patch(
        f"{CUSTOMERS}{customer.pk}/", {"owner": cast.rep_a2.pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["owner"] == cast.rep_a2.pk


def test_rep_cannot_patch_another_teams_customer(cast, api_as, records):
    response = api_as(cast.rep_a).patch(f"{CUSTOMERS}{records['rep_b'].pk}/", {"name": "Y"})
    assert response.status_code == 404


def test_mark_lost_and_reactivate_endpoints(cast, api_as, records):
    customer = records["rep_a"]
    client = api_as(cast.rep_a)
    url = f"{CUSTOMERS}{customer.pk}/"
    bad = client.post(f"{url}mark-lost/", {"lost_on": timezone.localdate(), "reason": " "})
    assert bad.status_code == 400 and "Say why" in bad.json()["reason"][0]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    future = client.post(f"{url}mark-lost/", {"lost_on": tomorrow, "reason": "Gone"})
    assert future.status_code == 400 and "future" in future.json()["lost_on"][0]
    customer.refresh_from_db()
    assert customer.status == "active"
    lost = client.post(f"{url}mark-lost/", {"lost_on": timezone.localdate(), "reason": "Gone"})
    assert lost.status_code == 200
    assert lost.json()["status"] == "lost" and lost.json()["lost_reason"] == "Gone"
    back = client.post(f"{url}reactivate/", {})
    assert back.status_code == 200
    assert back.json()["status"] == "active" and back.json()["lost_on"] is None
    again = client.post(f"{url}reactivate/", {})
    assert again.status_code == 400 and "Only a lost customer" in again.json()["status"][0]


# --- query counts ------------------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _make_insight(rep):
    insight = MarketInsightFactory(author=rep)
    insight.customers.add(CustomerFactory(owner=rep))
    insight.leads.add(LeadFactory(owner=rep))
    return insight


@pytest.mark.parametrize(
    ("url", "make"),
    [
        (CUSTOMERS, lambda rep: CustomerFactory(owner=rep)),
        ("/api/v1/contacts/", lambda rep: ContactFactory(customer=CustomerFactory(owner=rep))),
        (
            "/api/v1/health-reports/",
            lambda rep: HealthReportFactory(customer=CustomerFactory(owner=rep)),
        ),
        ("/api/v1/market-insights/", _make_insight),
        (
            "/api/v1/product-feedback/",
            lambda rep: ProductFeedbackFactory(customer=CustomerFactory(owner=rep)),
        ),
        ("/api/v1/industries/", lambda rep: IndustryFactory()),
    ],
)
def test_api_lists_make_the_same_number_of_queries_for_3x_rows(cast, api_as, url, make):
    client = api_as(cast.manager_a)
    for _ in range(2):
        make(cast.rep_a)
    few = _queries(client, url)
    for _ in range(4):
        make(cast.rep_a2)
    assert _queries(client, url) == few


# --- contacts ----------------------------------------------------------------------------------


def test_contacts_are_scoped_and_created_for_visible_customers_only(cast, api_as, records):
    ContactFactory(customer=records["rep_a"], name="Mine")
    ContactFactory(customer=records["rep_b"], name="Theirs")
    client = api_as(cast.rep_a)
    assert _names(client.get("/api/v1/contacts/")) == {"Mine"}
    refused = client.post("/api/v1/contacts/", {"customer": records["rep_b"].pk, "name": "X"})
    assert refused.status_code == 400 and "customer" in refused.json()
    created = client.post("/api/v1/contacts/", {"customer": records["rep_a"].pk, "name": "Li"})
    assert created.status_code == 201


# --- industries --------------------------------------------------------------------------------


def test_everyone_lists_industries_only_managers_hr_admin_add(cast, api_as):
    IndustryFactory(name="Retail")
    assert api_as(cast.rep_a).get("/api/v1/industries/").json()[0]["name"] == "Retail"
    assert api_as(cast.rep_a).post("/api/v1/industries/", {"name": "Mining"}).status_code == 403
    assert api_as(cast.hr).post("/api/v1/industries/", {"name": "Mining"}).status_code == 201
    dup = api_as(cast.manager_a).post("/api/v1/industries/", {"name": "MINING"})
    assert dup.status_code == 400 and "already exists" in dup.json()["name"][0]
    assert Industry.objects.count() == 2


# --- health reports ----------------------------------------------------------------------------


def test_health_report_api_creates_and_updates_but_never_takes_a_satisfaction(
    cast, api_as, records
):
    customer = records["rep_a"]
    client = api_as(cast.rep_a)
    payload = {
        "customer": customer.pk,
        "year": 2024,
        "quarter": 2,
        "usage_frequency": "daily",
        "new_demand_intent": "high",
    }
    typed = client.post("/api/v1/health-reports/", {**payload, "satisfaction": "79.99"})
    assert typed.status_code == 403
    assert "survey answers" in typed.json()["satisfaction"][0]
    assert not HealthReport.objects.exists()
    created = client.post("/api/v1/health-reports/", payload)
    assert created.status_code == 201, created.content
    assert created.json()["satisfaction"] is None and created.json()["is_high_risk"] is False
    dup = client.post("/api/v1/health-reports/", payload)
    assert dup.status_code == 400 and "already has a health report" in dup.json()["quarter"][0]
    bad = client.post("/api/v1/health-reports/", {**payload, "quarter": 5})
    assert bad.status_code == 400
    assert "1, 2, 3 or 4" in bad.json()["quarter"][0]
    assert HealthReport.objects.count() == 1
    url = f"/api/v1/health-reports/{created.json()['id']}/"
    refused = client.patch(url, {"satisfaction": "80"})
    assert refused.status_code == 403 and "satisfaction" in refused.json()
    patched = client.patch(url, {"notes": "Usage up."})
    assert patched.status_code == 200 and patched.json()["notes"] == "Usage up."
    customer.refresh_from_db()
    assert customer.latest_satisfaction is None


def test_health_reports_are_scoped(cast, api_as, records):
    HealthReportFactory(customer=records["rep_b"])
    assert api_as(cast.rep_a).get("/api/v1/health-reports/").json()["count"] == 0
    assert api_as(cast.hr).get("/api/v1/health-reports/").json()["count"] == 1
    refused = api_as(cast.rep_a).post(
        "/api/v1/health-reports/",
        {
            "customer": records["rep_b"].pk,
            "year": 2024,
            "quarter": 1,
            "usage_frequency": "daily",
            "new_demand_intent": "high",
        },
    )
    assert refused.status_code == 400 and "customer" in refused.json()


# --- insights and feedback ---------------------------------------------------------------------


def test_insight_api_is_scoped_by_author_and_hides_links_out_of_scope(cast, api_as):
    mine = MarketInsightFactory(author=cast.rep_a)
    MarketInsightFactory(author=cast.rep_b)
    theirs = CustomerFactory(owner=cast.rep_b)
    own_customer = CustomerFactory(owner=cast.rep_a)
    mine.customers.add(theirs, own_customer)
    rows = api_as(cast.rep_a).get("/api/v1/market-insights/").json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]
    assert rows[0]["customers"] == [own_customer.pk]
    assert api_as(cast.manager_b).get(f"/api/v1/market-insights/{mine.pk}/").status_code == 404


def test_insight_api_create_checks_links(cast, api_as):
    industry = IndustryFactory()
    client = api_as(cast.rep_a)
    payload = {
        "title": "Cost",
        "kind": "trend",
        "source": "report",
        "industry": industry.pk,
        "body": "Text",
    }
    foreign = CustomerFactory(owner=cast.rep_b)
    refused = client.post(
        "/api/v1/market-insights/", {**payload, "customers": [foreign.pk]}, format="json"
    )
    assert refused.status_code == 400 and "customers" in refused.json()
    assert not MarketInsight.objects.exists()
    created = client.post("/api/v1/market-insights/", payload, format="json")
    assert created.status_code == 201 and created.json()["author"] == cast.rep_a.pk


def test_feedback_api_scoping_and_status_update(cast, api_as, records):
    mine = ProductFeedbackFactory(customer=records["rep_a"])
    ProductFeedbackFactory(customer=records["rep_b"])
    client = api_as(cast.rep_a)
    assert [r["id"] for r in client.get("/api/v1/product-feedback/").json()["results"]] == [mine.pk]
    response = client.patch(f"/api/v1/product-feedback/{mine.pk}/", {"status": "sent"})
    assert response.status_code == 200 and response.json()["status"] == "sent"
    refused = client.post(
        "/api/v1/product-feedback/", {"customer": records["rep_b"].pk, "summary": "x"}
    )
    assert refused.status_code == 400
    assert ProductFeedback.objects.count() == 2
    assert (
        api_as(cast.hr)
        .patch(f"/api/v1/product-feedback/{mine.pk}/", {"status": "closed"})
        .status_code
        == 403
    )
