"""Activity dates outside the business range (issue #9): a 400 naming the field, not a 500."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.activities import services
from apps.activities.models import Activity
from apps.core.dates import business_date_range
from tests.factories import ActivityFactory, CustomerFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/activities/"


def range_message(label: str) -> str:
    earliest, latest = business_date_range()
    return f"{label} must be between {earliest.isoformat()} and {latest.isoformat()}."


def field_message() -> str:
    """What the API's date-time field says (it refuses before the time zone is applied)."""
    earliest, latest = business_date_range()
    return f"Enter a date between {earliest.isoformat()} and {latest.isoformat()}."


def payload(**kwargs):
    return {
        "kind": "visit",
        "occurred_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
        "subject": "Review",
        **kwargs,
    }


@pytest.mark.parametrize("occurred_at", ["0001-01-01", "0001-01-01T00:00:00Z", "1999-12-31"])
def test_activity_dated_before_the_business_dates_is_a_400(cast, api_as, occurred_at):
    customer = CustomerFactory(owner=cast.rep_a)
    response = api_as(cast.rep_a).post(
        URL, payload(customer=customer.pk, occurred_at=occurred_at), format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json() == {"occurred_at": [field_message()]}
    assert not Activity.objects.exists()


def test_next_step_beyond_the_horizon_is_refused(cast, api_as):
    customer = CustomerFactory(owner=cast.rep_a)
    response = api_as(cast.rep_a).post(
        URL, payload(customer=customer.pk, next_step_on="2204-05-01"), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"next_step_on": [range_message("The next step's due date")]}
    assert not Activity.objects.exists()


def test_update_to_an_absurd_date_changes_nothing(cast, api_as):
    activity = ActivityFactory(customer=CustomerFactory(owner=cast.rep_a), owner=cast.rep_a)
    before = (activity.occurred_at, activity.subject)
    response = api_as(cast.rep_a).patch(
        f"{URL}{activity.pk}/", {"occurred_at": "0001-01-01", "subject": "New"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"occurred_at": [field_message()]}
    activity.refresh_from_db()
    assert (activity.occurred_at, activity.subject) == before


def test_service_refuses_a_naive_year_one_datetime_without_crashing(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    with pytest.raises(ValidationError) as excinfo:
        services.activity_create(
            actor=cast.rep_a,
            kind="call",
            occurred_at=datetime.datetime(1, 1, 1),
            subject="Typo",
            customer=customer,
            next_step_on=datetime.date(1, 1, 2),
        )
    assert excinfo.value.message_dict == {
        "occurred_at": [range_message("The activity date")],
        "next_step_on": [range_message("The next step's due date")],
    }
    assert not Activity.objects.exists()


def test_browser_form_with_a_year_one_date_shows_the_error(cast, client_as):
    customer = CustomerFactory(owner=cast.rep_a)
    response = client_as(cast.rep_a).post(
        reverse("activities:activity-create"),
        {
            "customer": customer.pk,
            "kind": "visit",
            "occurred_at": "0001-01-01T00:00",
            "subject": "Typo",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["occurred_at"] == [range_message("The activity date")]
    assert not Activity.objects.exists()
