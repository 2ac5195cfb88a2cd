"""A customer lost on an absurd day (issue #9): refused naming ``lost_on``, nothing written."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from apps.core.dates import business_date_range
from apps.core.models import AuditEntry
from apps.customers import services
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def range_message() -> str:
    earliest, latest = business_date_range()
    return f"The date lost must be between {earliest.isoformat()} and {latest.isoformat()}."


@pytest.mark.parametrize("lost_on", ["0001-01-01", "1999-12-31"])
def test_mark_lost_before_the_business_dates_is_a_400_and_changes_nothing(cast, api_as, lost_on):
    customer = CustomerFactory(owner=cast.rep_a)
    response = api_as(cast.rep_a).post(
        f"/api/v1/customers/{customer.pk}/mark-lost/",
        {"lost_on": lost_on, "reason": "Gone"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"lost_on": [range_message()]}
    customer.refresh_from_db()
    assert (customer.status, customer.lost_on, customer.lost_reason) == ("active", None, "")
    assert (
        not AuditEntry.objects.filter(action__startswith="customer.")
        .exclude(action="customer.create")
        .exists()
    )


def test_the_service_refuses_year_one(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    with pytest.raises(ValidationError) as excinfo:
        services.customer_mark_lost(
            actor=cast.rep_a, customer=customer, lost_on=datetime.date(1, 1, 1), reason="Gone"
        )
    assert excinfo.value.message_dict == {"lost_on": [range_message()]}
    customer.refresh_from_db()
    assert customer.lost_on is None
