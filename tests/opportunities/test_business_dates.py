"""An opportunity's expected close date outside the business range (issue #9)."""

import pytest

from apps.core.dates import business_date_range
from apps.opportunities.models import Opportunity
from tests.factories import CustomerFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/opportunities/"


def range_message() -> str:
    earliest, latest = business_date_range()
    return (
        f"The expected close date must be between {earliest.isoformat()} and {latest.isoformat()}."
    )


@pytest.mark.parametrize("expected_close_on", ["0001-01-01", "2204-05-01"])
def test_create_with_an_absurd_expected_close_is_refused(cast, api_as, expected_close_on):
    customer = CustomerFactory(owner=cast.rep_a)
    response = api_as(cast.rep_a).post(
        BASE,
        {"name": "Pilot", "customer": customer.pk, "expected_close_on": expected_close_on},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"expected_close_on": [range_message()]}
    assert not Opportunity.objects.exists()


def test_update_to_an_absurd_expected_close_changes_nothing(cast, api_as):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    before = (opportunity.name, opportunity.expected_close_on)
    response = api_as(cast.rep_a).patch(
        f"{BASE}{opportunity.pk}/",
        {"name": "Renamed", "expected_close_on": "0001-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"expected_close_on": [range_message()]}
    opportunity.refresh_from_db()
    assert (opportunity.name, opportunity.expected_close_on) == before


def test_clearing_the_expected_close_is_still_allowed(cast, api_as):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    response = api_as(cast.rep_a).patch(
        f"{BASE}{opportunity.pk}/", {"expected_close_on": None}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["expected_close_on"] is None
