"""Activity pages: the prefilled "log a visit" form, list filters, detail and edit per role."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.activities.models import Activity
from apps.leads.choices import LeadStatus
from tests.factories import ActivityFactory, CustomerFactory, LeadFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

CREATE = reverse("activities:activity-create")
LIST = reverse("activities:activity-list")


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_log_visit_form_is_prefilled_and_hides_the_fixed_fields(cast, client_as):
    customer = CustomerFactory(owner=cast.rep_a)
    response = client_as(cast.rep_a).get(CREATE, {"customer": customer.pk, "kind": "visit"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["customer"] == customer.pk and form.initial["kind"] == "visit"
    assert form.fields["customer"].widget.is_hidden and form.fields["kind"].widget.is_hidden
    assert "lead" not in form.fields
    assert not form.fields["subject"].widget.is_hidden
    occurred = form.initial["occurred_at"]
    assert abs((timezone.now() - occurred).total_seconds()) < 120
    page = response.content.decode()
    assert "Log a Visit" in page and customer.name in page


def test_log_visit_in_a_few_clicks_goes_back_to_the_customer(cast, client_as):
    customer = CustomerFactory(owner=cast.rep_a)
    client = client_as(cast.rep_a)
    url = f"{CREATE}?customer={customer.pk}&kind=visit"
    form = client.get(url).context["form"]
    response = client.post(
        url,
        {
            "customer": customer.pk,
            "kind": "visit",
            "occurred_at": _local(form.initial["occurred_at"]),
            "subject": "On-site review",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:customer-detail", args=[customer.pk])
    activity = Activity.objects.get()
    assert (activity.kind, activity.owner, activity.customer) == ("visit", cast.rep_a, customer)


def test_opportunity_prefill_fixes_its_customer_too(cast, client_as):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    form = client_as(cast.rep_a).get(CREATE, {"opportunity": opportunity.pk}).context["form"]
    assert form.initial["opportunity"] == opportunity.pk
    assert form.initial["customer"] == opportunity.customer_id
    assert form.fields["opportunity"].widget.is_hidden and form.fields["customer"].widget.is_hidden


def test_lead_prefill_offers_no_customer_and_records_the_contact(cast, client_as):
    lead = LeadFactory(owner=cast.rep_a, status=LeadStatus.NEW)
    client = client_as(cast.rep_a)
    url = f"{CREATE}?lead={lead.pk}&kind=call"
    form = client.get(url).context["form"]
    assert "customer" not in form.fields and form.fields["lead"].widget.is_hidden
    at = timezone.now() - datetime.timedelta(hours=1)
    response = client.post(
        url, {"lead": lead.pk, "kind": "call", "occurred_at": _local(at), "subject": "Intro"}
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONTACTED


def test_prefill_with_a_record_out_of_scope_is_not_found(cast, client_as):
    foreign = CustomerFactory(owner=cast.rep_b)
    assert client_as(cast.rep_a).get(CREATE, {"customer": foreign.pk}).status_code == 404
    assert client_as(cast.manager_a).get(CREATE, {"customer": foreign.pk}).status_code == 404


def test_form_shows_the_service_errors_and_saves_nothing(cast, client_as):
    customer = CustomerFactory(owner=cast.rep_a)
    future = timezone.now() + datetime.timedelta(days=3)
    response = client_as(cast.rep_a).post(
        CREATE,
        {"customer": customer.pk, "kind": "visit", "occurred_at": _local(future), "subject": "x"},
    )
    assert response.status_code == 200
    assert "more than one day ahead" in response.content.decode()
    empty = client_as(cast.rep_a).post(
        CREATE, {"kind": "visit", "occurred_at": _local(timezone.now()), "subject": "x"}
    )
    assert "against a lead, a customer or an opportunity" in empty.content.decode()
    assert not Activity.objects.exists()


def test_free_form_does_not_offer_records_out_of_scope(cast, client_as):
    mine = CustomerFactory(owner=cast.rep_a)
    CustomerFactory(owner=cast.rep_b)
    form = client_as(cast.rep_a).get(CREATE).context["form"]
    assert set(form.fields["customer"].queryset) == {mine}


def test_hr_cannot_log_activities(cast, client_as):
    customer = CustomerFactory(owner=cast.rep_a)
    client = client_as(cast.hr)
    assert client.get(CREATE).status_code == 403
    response = client.post(
        CREATE,
        {"customer": customer.pk, "kind": "visit", "occurred_at": _local(timezone.now())},
    )
    assert response.status_code == 403
    assert not Activity.objects.exists()


# --- list, detail, edit ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("rep_a", {"rep_a visit"}),
        ("manager_a", {"rep_a visit", "rep_a2 visit"}),
        ("hr", {"rep_a visit", "rep_a2 visit", "rep_b visit"}),
        ("admin", {"rep_a visit", "rep_a2 visit", "rep_b visit"}),
    ],
)
def test_activity_list_is_scoped(cast, client_as, role, expected):
    for rep in (cast.rep_a, cast.rep_a2, cast.rep_b):
        ActivityFactory(customer=CustomerFactory(owner=rep), subject=f"{rep.username} visit")
    response = client_as(getattr(cast, role)).get(LIST)
    assert {a.subject for a in response.context["activities"]} == expected


def test_list_filters_by_kind_customer_lead_owner_team_and_date(cast, client_as):
    customer = CustomerFactory(owner=cast.rep_a)
    lead = LeadFactory(owner=cast.rep_b)
    opportunity = OpportunityFactory(owner=cast.rep_a2)
    ActivityFactory(customer=customer, kind="visit", subject="v")
    ActivityFactory(customer=customer, kind="call", subject="c")
    ActivityFactory(customer=None, lead=lead, kind="demo", subject="d")
    ActivityFactory(
        customer=opportunity.customer,
        opportunity=opportunity,
        kind="meeting",
        subject="m",
        occurred_at=timezone.now() - datetime.timedelta(days=40),
    )
    client = client_as(cast.admin)

    def subjects(**params):
        return {a.subject for a in client.get(LIST, params).context["activities"]}

    assert subjects(kind="call") == {"c"}
    assert subjects(customer=customer.pk) == {"v", "c"}
    assert subjects(lead=lead.pk) == {"d"}
    assert subjects(opportunity=opportunity.pk) == {"m"}
    assert subjects(owner=cast.rep_b.pk) == {"d"}
    assert subjects(team=cast.team_a.pk) == {"v", "c", "m"}
    cutoff = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    assert subjects(date_before=cutoff) == {"m"}
    assert subjects(date_after=cutoff) == {"v", "c", "d"}


def test_list_query_count_does_not_grow_with_rows(cast, client_as):
    client = client_as(cast.manager_a)
    for _ in range(2):
        ActivityFactory(customer=CustomerFactory(owner=cast.rep_a))
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for _ in range(6):
        opportunity = OpportunityFactory(owner=cast.rep_a2)
        ActivityFactory(customer=opportunity.customer, opportunity=opportunity)
        ActivityFactory(customer=None, lead=LeadFactory(owner=cast.rep_a2))
    with CaptureQueriesContext(connection) as many:
        client.get(LIST)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_detail_and_edit_of_another_teams_activity_are_not_found(cast, client_as):
    activity = ActivityFactory(customer=CustomerFactory(owner=cast.rep_b))
    for user in (cast.rep_a, cast.manager_a):
        client = client_as(user)
        assert (
            client.get(reverse("activities:activity-detail", args=[activity.pk])).status_code == 404
        )
        assert (
            client.get(reverse("activities:activity-update", args=[activity.pk])).status_code == 404
        )
    assert (
        client_as(cast.hr)
        .get(reverse("activities:activity-detail", args=[activity.pk]))
        .status_code
        == 200
    )


def test_manager_edits_a_reps_activity(cast, client_as):
    activity = ActivityFactory(customer=CustomerFactory(owner=cast.rep_a))
    url = reverse("activities:activity-update", args=[activity.pk])
    client = client_as(cast.manager_a)
    form = client.get(url).context["form"]
    response = client.post(
        url,
        {
            "kind": "call",
            "occurred_at": _local(form.initial["occurred_at"]),
            "subject": "Changed",
            "customer": activity.customer_id,
            "next_step": "Send contract",
            "next_step_on": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.kind, activity.subject, activity.owner) == ("call", "Changed", cast.rep_a)


def test_rep_sees_but_cannot_edit_a_managers_activity_on_their_customer(cast, client_as):
    activity = ActivityFactory(customer=CustomerFactory(owner=cast.rep_a), owner=cast.manager_a)
    client = client_as(cast.rep_a)
    detail = client.get(reverse("activities:activity-detail", args=[activity.pk]))
    assert detail.status_code == 200 and detail.context["can_edit"] is False
    assert client.get(reverse("activities:activity-update", args=[activity.pk])).status_code == 403
