"""Factories of this app's models (exported through tests/factories/__init__.py)."""

import datetime

import factory
from django.utils import timezone

from apps.activities.choices import ActivityKind
from apps.activities.models import Activity
from tests.factories.customers import CustomerFactory

__all__ = ["ActivityFactory"]


class ActivityFactory(factory.django.DjangoModelFactory):
    """A visit to a customer yesterday, owned by the customer's owner by default."""

    class Meta:
        model = Activity

    kind = ActivityKind.VISIT
    customer = factory.SubFactory(CustomerFactory)
    lead = None
    opportunity = None
    owner = factory.LazyAttribute(
        lambda o: (
            (o.customer or o.opportunity or o.lead).owner
            if (o.customer or o.opportunity or o.lead)
            else None
        )
    )
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    subject = factory.Sequence(lambda n: f"Follow-up {n}")
    outcome = "Discussed next quarter's needs."
