"""REST API of activities: scoping per role, validation, filters and query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.activities.models import Activity
from tests.factories import ActivityFactory, CustomerFactory, LeadFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/activities/"


def _payload(**kwargs):
    return {
        "kind": "visit",
        "occurred_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
        "subject": "Review",
        **kwargs,
    }


@pytest.mark.parametrize(("role", "count"), [("rep_a", 1), ("manager_a", 2), ("hr", 3)])
def test_list_is_scoped(cast, api_as, role, count):
    for rep in (cast.rep_a, cast.rep_a2, cast.rep_b):
        ActivityFactory(customer=CustomerFactory(owner=rep))
    assert api_as(getattr(cast, role)).get(URL).json()["count"] == count


def test_anonymous_is_refused(api_client):
    assert api_client.get(URL).status_code in (401, 403)


def test_rep_logs_a_visit(cast, api_as):
    customer = CustomerFactory(owner=cast.rep_a)
    response = api_as(cast.rep_a).post(URL, _payload(customer=customer.pk))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner"] == cast.rep_a.pk and body["customer"] == customer.pk


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"subject": ""}, "subject", "Say what the activity was about."),
        (
            {"occurred_at": (timezone.now() + datetime.timedelta(days=2)).isoformat()},
            "occurred_at",
            "more than one day ahead",
        ),
    ],
)
def test_bad_input_gets_a_field_error_and_nothing_is_saved(cast, api_as, payload, field, message):
    customer = CustomerFactory(owner=cast.rep_a)
    response = api_as(cast.rep_a).post(URL, _payload(customer=customer.pk, **payload))
    assert response.status_code == 400
    assert message in response.json()[field][0]
    assert not Activity.objects.exists()


def test_records_out_of_scope_are_refused(cast, api_as):
    client = api_as(cast.rep_a)
    for field, record in (
        ("customer", CustomerFactory(owner=cast.rep_b)),
        ("lead", LeadFactory(owner=cast.rep_b)),
        ("opportunity", OpportunityFactory(owner=cast.rep_b)),
    ):
        response = client.post(URL, _payload(**{field: record.pk}))
        assert response.status_code == 400 and field in response.json()
    assert not Activity.objects.exists()


def test_mismatched_customer_and_opportunity_is_refused(cast, api_as):
    customer = CustomerFactory(owner=cast.rep_a)
    opportunity = OpportunityFactory(owner=cast.rep_a)
    response = api_as(cast.rep_a).post(
        URL, _payload(customer=customer.pk, opportunity=opportunity.pk)
    )
    assert response.status_code == 400
    assert "belongs to another customer" in response.json()["opportunity"][0]
    assert not Activity.objects.exists()


def test_hr_cannot_write(cast, api_as):
    customer = CustomerFactory(owner=cast.rep_a)
    activity = ActivityFactory(customer=customer)
    client = api_as(cast.hr)
    assert client.post(URL, _payload(customer=customer.pk)).status_code == 403
    assert client.patch(f"{URL}{activity.pk}/", {"subject": "x"}).status_code == 403


def test_patch_by_manager_and_refusal_for_reps_of_other_records(cast, api_as):
    activity = ActivityFactory(customer=CustomerFactory(owner=cast.rep_a))
    response = api_as(cast.manager_a).patch(f"{URL}{activity.pk}/", {"subject": "Renamed"})
    assert response.status_code == 200 and response.json()["subject"] == "Renamed"
    assert api_as(cast.rep_b).patch(f"{URL}{activity.pk}/", {"subject": "x"}).status_code == 404
    by_manager = ActivityFactory(customer=activity.customer, owner=cast.manager_a)
    refused = api_as(cast.rep_a).patch(f"{URL}{by_manager.pk}/", {"subject": "x"})
    assert refused.status_code == 403


def test_filters(cast, api_as):
    customer = CustomerFactory(owner=cast.rep_a)
    ActivityFactory(customer=customer, kind="call")
    ActivityFactory(
        customer=customer,
        kind="visit",
        occurred_at=timezone.now() - datetime.timedelta(days=30),
    )
    ActivityFactory(customer=CustomerFactory(owner=cast.rep_b), kind="visit")
    client = api_as(cast.admin)

    def count(**params):
        return client.get(URL, params).json()["count"]

    assert count(kind="visit") == 2
    assert count(customer=customer.pk) == 2
    assert count(team=cast.team_b.pk) == 1
    assert count(owner=cast.rep_a.pk) == 2
    cutoff = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    assert count(date_after=cutoff) == 2
    assert count(date_before=cutoff) == 1


def test_query_count_is_constant(cast, api_as):
    client = api_as(cast.manager_a)
    for _ in range(2):
        ActivityFactory(customer=CustomerFactory(owner=cast.rep_a))
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for _ in range(4):
        ActivityFactory(customer=CustomerFactory(owner=cast.rep_a2))
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
