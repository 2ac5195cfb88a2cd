"""Browser pages of customers, contacts, industries, insights and feedback, per role."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.customers.models import Contact, Customer, Industry, MarketInsight, ProductFeedback
from tests.factories import (
    ActivityFactory,
    ContactFactory,
    CustomerFactory,
    HealthReportFactory,
    IndustryFactory,
    LeadFactory,
    MarketInsightFactory,
    ProductFeedbackFactory,
)

pytestmark = pytest.mark.django_db


def _names(response, key="customers"):
    return {str(obj) for obj in response.context[key]}


# --- scoping -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("rep_a", {"rep_a customer"}),
        ("manager_a", {"rep_a customer", "rep_a2 customer"}),
        ("hr", {"rep_a customer", "rep_a2 customer", "rep_b customer"}),
        ("admin", {"rep_a customer", "rep_a2 customer", "rep_b customer"}),
    ],
)
def test_customer_list_shows_what_each_role_may_see(cast, client_as, records, role, expected):
    response = client_as(getattr(cast, role)).get(reverse("customers:customer-list"))
    assert response.status_code == 200
    assert _names(response) == expected


def test_anonymous_is_sent_to_sign_in(client, records):
    for url in (
        reverse("customers:customer-list"),
        reverse("customers:customer-detail", args=[records["rep_a"].pk]),
        reverse("customers:customer-create"),
        reverse("customers:insight-list"),
        reverse("customers:feedback-list"),
        reverse("customers:industry-list"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize(("role", "status"), [("rep_a", 404), ("manager_a", 404), ("hr", 200)])
def test_detail_of_another_teams_customer(cast, client_as, records, role, status):
    url = reverse("customers:customer-detail", args=[records["rep_b"].pk])
    assert client_as(getattr(cast, role)).get(url).status_code == status


def test_manager_sees_the_detail_of_a_team_members_customer(cast, client_as, records):
    url = reverse("customers:customer-detail", args=[records["rep_a2"].pk])
    assert client_as(cast.manager_a).get(url).status_code == 200


@pytest.mark.parametrize(
    "route",
    [
        "customers:customer-update",
        "customers:customer-mark-lost",
        "customers:customer-reactivate",
        "customers:contact-create",
        "customers:health-report-create",
    ],
)
def test_hr_reads_but_every_customer_write_page_is_forbidden(cast, client_as, records, route):
    client = client_as(cast.hr)
    url = reverse(route, args=[records["rep_a"].pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "x", "reason": "x"}).status_code == 403
    assert client.get(reverse("customers:customer-create")).status_code == 403


def test_hr_detail_page_has_no_write_buttons(cast, client_as, records):
    page = (
        client_as(cast.hr)
        .get(reverse("customers:customer-detail", args=[records["rep_a"].pk]))
        .content.decode()
    )
    assert reverse("customers:customer-update", args=[records["rep_a"].pk]) not in page
    assert "Log visit" not in page


# --- detail ------------------------------------------------------------------------------------


def test_detail_shows_contacts_reports_activities_and_referrals(cast, client_as):
    customer = CustomerFactory(owner=cast.rep_a, latest_satisfaction=Decimal("95"))
    ContactFactory(customer=customer, name="Zhang Wei")
    HealthReportFactory(customer=customer, year=2024, quarter=2, satisfaction=Decimal("95"))
    ActivityFactory(customer=customer, subject="Quarterly business review")
    LeadFactory(owner=cast.rep_a, referred_by=customer, company_name="Referred Prospect")
    CustomerFactory(owner=cast.rep_a, referred_by=customer, name="Referred Customer")
    ProductFeedbackFactory(customer=customer, summary="Bulk export")
    MarketInsightFactory(author=cast.rep_a, title="Cost pressure").customers.add(customer)
    page = (
        client_as(cast.rep_a)
        .get(reverse("customers:customer-detail", args=[customer.pk]))
        .content.decode()
    )
    for text in (
        "Zhang Wei",
        "2024 Q2",
        "Quarterly business review",
        "Referred Prospect",
        "Referred Customer",
        "Bulk export",
        "Cost pressure",
        "Log visit",
        "Log call",
        f"{reverse('activities:activity-create')}?customer={customer.pk}&amp;kind=visit",
    ):
        assert text in page, text


def test_detail_hides_linked_records_the_viewer_cannot_see(cast, client_as):
    customer = CustomerFactory(owner=cast.rep_a)
    LeadFactory(owner=cast.rep_b, referred_by=customer, company_name="Bravo Prospect")
    page = (
        client_as(cast.rep_a)
        .get(reverse("customers:customer-detail", args=[customer.pk]))
        .content.decode()
    )
    assert "Bravo Prospect" not in page


# --- create and edit ---------------------------------------------------------------------------


def test_rep_creates_a_customer_without_an_owner_field(cast, client_as):
    client = client_as(cast.rep_a)
    url = reverse("customers:customer-create")
    form = client.get(url).context["form"]
    assert "owner" not in form.fields
    response = client.post(url, {"name": "Omega Ltd", "phone": "138 0000 2222"})
    customer = Customer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:customer-detail", args=[customer.pk])
    assert customer.owner == cast.rep_a


def test_manager_form_offers_only_themselves_and_their_team(cast, client_as):
    form = client_as(cast.manager_a).get(reverse("customers:customer-create")).context["form"]
    assert set(form.fields["owner"].queryset) == {cast.manager_a, cast.rep_a, cast.rep_a2}


def test_manager_posting_an_owner_of_another_team_sees_an_error(cast, client_as):
    response = client_as(cast.manager_a).post(
        reverse("customers:customer-create"), {"name": "Omega Ltd", "owner": cast.rep_b.pk}
    )
    assert response.status_code == 200
    assert "owner" in response.context["form"].errors
    assert not Customer.objects.exists()


def test_create_form_shows_service_errors(cast, client_as):
    response = client_as(cast.rep_a).post(
        reverse("customers:customer-create"), {"name": "   ", "email": "bad"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "name" in errors and "email" in errors
    assert not Customer.objects.exists()


def test_manager_reassigns_from_the_edit_page(cast, client_as, records):
    customer = records["rep_a"]
    client = client_as(cast.manager_a)
    url = reverse("customers:customer-update", args=[customer.pk])
    assert client.get(url).context["form"].initial["owner"] == cast.rep_a.pk
    response = client.post(url, {"name": customer.name, "owner": cast.rep_a2.pk})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.owner == cast.rep_a2


def test_rep_cannot_edit_a_customer_of_another_team(cast, client_as, records):
    url = reverse("customers:customer-update", args=[records["rep_b"].pk])
    assert client_as(cast.rep_a).post(url, {"name": "Hijack"}).status_code == 404
    records["rep_b"].refresh_from_db()
    assert records["rep_b"].name == "rep_b customer"


# --- lost / reactivate -------------------------------------------------------------------------


def test_mark_lost_page_requires_a_reason_then_marks_lost(cast, client_as, records):
    customer = records["rep_a"]
    client = client_as(cast.rep_a)
    url = reverse("customers:customer-mark-lost", args=[customer.pk])
    today = timezone.localdate()
    response = client.post(url, {"lost_on": today.isoformat(), "reason": ""})
    assert response.status_code == 200
    assert "Say why the customer was lost." in response.content.decode()
    future = client.post(url, {"lost_on": (today + datetime.timedelta(days=2)), "reason": "x"})
    assert "cannot be in the future" in future.content.decode()
    customer.refresh_from_db()
    assert customer.status == "active"
    response = client.post(url, {"lost_on": today.isoformat(), "reason": "Budget cut"})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.status == "lost" and customer.lost_reason == "Budget cut"


def test_reactivate_page_brings_the_customer_back(cast, client_as):
    customer = CustomerFactory(owner=cast.rep_a, lost=True)
    client = client_as(cast.rep_a)
    url = reverse("customers:customer-reactivate", args=[customer.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "New contract"}).status_code == 302
    customer.refresh_from_db()
    assert customer.status == "active" and customer.lost_on is None


# --- contacts ----------------------------------------------------------------------------------


def test_contact_is_added_from_the_customer_page(cast, client_as, records):
    url = reverse("customers:contact-create", args=[records["rep_a"].pk])
    response = client_as(cast.rep_a).post(url, {"name": "Li Na", "is_primary": "on"})
    assert response.status_code == 302
    assert Contact.objects.get().is_primary


def test_contact_cannot_be_added_to_another_teams_customer(cast, client_as, records):
    url = reverse("customers:contact-create", args=[records["rep_b"].pk])
    assert client_as(cast.manager_a).post(url, {"name": "Li Na"}).status_code == 404
    assert not Contact.objects.exists()


# --- filters and search ------------------------------------------------------------------------


def test_list_filters_by_search_status_industry_grade_owner_team_and_date(cast, client_as):
    retail = IndustryFactory(name="Retail")
    CustomerFactory(owner=cast.rep_a, name="Alpha Retail", industry=retail, lead_grade="A")
    CustomerFactory(owner=cast.rep_a2, name="Beta Lost", lost=True, phone="13912345678")
    old = CustomerFactory(owner=cast.rep_b, name="Old Bravo")
    Customer.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )
    client = client_as(cast.admin)
    url = reverse("customers:customer-list")

    def names(**params):
        return _names(client.get(url, params))

    assert names(q="alpha") == {"Alpha Retail"}
    assert names(q="1391234") == {"Beta Lost"}
    assert names(status="lost") == {"Beta Lost"}
    assert names(industry=retail.pk) == {"Alpha Retail"}
    assert names(lead_grade="A") == {"Alpha Retail"}
    assert names(owner=cast.rep_a2.pk) == {"Beta Lost"}
    assert names(team=cast.team_b.pk) == {"Old Bravo"}
    since = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    assert names(date_after=since) == {"Alpha Retail", "Beta Lost"}
    assert names(date_before=since) == {"Old Bravo"}


def test_list_shows_an_empty_state(cast, client_as):
    page = client_as(cast.rep_a).get(reverse("customers:customer-list")).content.decode()
    assert "No customers match these filters." in page


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("route", "make"),
    [
        ("customers:customer-list", lambda rep: CustomerFactory(owner=rep)),
        (
            "customers:feedback-list",
            lambda rep: ProductFeedbackFactory(customer=CustomerFactory(owner=rep)),
        ),
        ("customers:insight-list", lambda rep: MarketInsightFactory(author=rep)),
    ],
)
def test_list_pages_make_the_same_number_of_queries_for_more_rows(cast, client_as, route, make):
    client = client_as(cast.manager_a)
    url = reverse(route)
    for _ in range(2):
        make(cast.rep_a)
    few = _count_queries(client, url)
    for _ in range(6):
        make(cast.rep_a2)
    assert _count_queries(client, url) == few


# --- industries --------------------------------------------------------------------------------


def test_reps_see_industries_but_cannot_add(cast, client_as):
    IndustryFactory(name="Retail")
    client = client_as(cast.rep_a)
    response = client.get(reverse("customers:industry-list"))
    assert response.status_code == 200 and "Retail" in response.content.decode()
    assert response.context.get("form") is None
    assert client.post(reverse("customers:industry-list"), {"name": "Mining"}).status_code == 403
    assert not Industry.objects.filter(name="Mining").exists()


def test_manager_adds_an_industry_and_sees_duplicate_errors(cast, client_as):
    client = client_as(cast.manager_a)
    url = reverse("customers:industry-list")
    assert client.post(url, {"name": "Mining"}).status_code == 302
    again = client.post(url, {"name": "mining"})
    assert again.status_code == 400
    assert "already exists" in again.content.decode()
    assert Industry.objects.count() == 1


# --- insights and feedback ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("rep_a", {"by rep_a"}),
        ("manager_a", {"by rep_a", "by rep_a2"}),
        ("hr", {"by rep_a", "by rep_a2", "by rep_b"}),
    ],
)
def test_insight_list_is_scoped_by_author(cast, client_as, role, expected):
    for rep in (cast.rep_a, cast.rep_a2, cast.rep_b):
        MarketInsightFactory(author=rep, title=f"by {rep.username}")
    response = client_as(getattr(cast, role)).get(reverse("customers:insight-list"))
    assert _names(response, "insights") == expected


def test_insight_detail_of_another_team_is_not_found(cast, client_as):
    insight = MarketInsightFactory(author=cast.rep_b)
    url = reverse("customers:insight-detail", args=[insight.pk])
    assert client_as(cast.rep_a).get(url).status_code == 404
    assert client_as(cast.hr).get(url).status_code == 200


def test_insight_is_created_from_the_form_prefilled_with_the_customer(cast, client_as, records):
    customer = records["rep_a"]
    client = client_as(cast.rep_a)
    url = reverse("customers:insight-create")
    form = client.get(url, {"customer": customer.pk}).context["form"]
    assert form.initial["customers"] == [customer.pk]
    assert set(form.fields["customers"].queryset) == {customer}
    response = client.post(
        url,
        {
            "title": "Cost pressure",
            "kind": "pain_point",
            "source": "interview",
            "industry": IndustryFactory().pk,
            "body": "Manufacturing clients care about cost-cutting.",
            "customers": [customer.pk],
        },
    )
    insight = MarketInsight.objects.get()
    assert response["Location"] == reverse("customers:insight-detail", args=[insight.pk])
    assert list(insight.customers.all()) == [customer]


def test_insight_form_refuses_a_customer_out_of_scope(cast, client_as, records):
    response = client_as(cast.rep_a).post(
        reverse("customers:insight-create"),
        {
            "title": "Cost pressure",
            "kind": "trend",
            "source": "report",
            "industry": IndustryFactory().pk,
            "body": "Text",
            "customers": [records["rep_b"].pk],
        },
    )
    assert response.status_code == 200
    assert "customers" in response.context["form"].errors
    assert not MarketInsight.objects.exists()


def test_feedback_is_recorded_from_the_customer_page(cast, client_as, records):
    customer = records["rep_a"]
    client = client_as(cast.rep_a)
    url = f"{reverse('customers:feedback-create')}?customer={customer.pk}"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"customer": customer.pk, "summary": "Bulk export", "status": "open"}
    )
    assert response.status_code == 302
    assert ProductFeedback.objects.get().customer == customer


def test_feedback_create_for_a_hidden_customer_is_not_found(cast, client_as, records):
    url = f"{reverse('customers:feedback-create')}?customer={records['rep_b'].pk}"
    assert client_as(cast.rep_a).get(url).status_code == 404


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("rep_a", {"from rep_a"}),
        ("manager_a", {"from rep_a", "from rep_a2"}),
        ("admin", {"from rep_a", "from rep_a2", "from rep_b"}),
    ],
)
def test_feedback_list_is_scoped_by_customer_owner(cast, client_as, role, expected):
    for rep in (cast.rep_a, cast.rep_a2, cast.rep_b):
        ProductFeedbackFactory(customer=CustomerFactory(owner=rep), summary=f"from {rep.username}")
    response = client_as(getattr(cast, role)).get(reverse("customers:feedback-list"))
    assert _names(response, "feedback_list") == expected


def test_feedback_status_is_changed_on_the_edit_page(cast, client_as):
    feedback = ProductFeedbackFactory(customer=CustomerFactory(owner=cast.rep_a))
    url = reverse("customers:feedback-update", args=[feedback.pk])
    response = client_as(cast.manager_a).post(
        url, {"summary": feedback.summary, "detail": "", "status": "sent"}
    )
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == "sent"
    assert client_as(cast.hr).post(url, {"summary": "x", "status": "closed"}).status_code == 403
