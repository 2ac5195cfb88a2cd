"""Factories of this app's models (exported through tests/factories/__init__.py)."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from apps.core.text import normalise_company, normalise_email, normalise_phone
from apps.customers.choices import (
    DemandIntent,
    FeedbackStatus,
    InsightKind,
    InsightSource,
    UsageFrequency,
)
from apps.customers.models import (
    Contact,
    Customer,
    HealthReport,
    Industry,
    MarketInsight,
    ProductFeedback,
)
from apps.leads.choices import CompanySize
from tests.factories.accounts import RepFactory

__all__ = [
    "ContactFactory",
    "CustomerFactory",
    "HealthReportFactory",
    "IndustryFactory",
    "MarketInsightFactory",
    "ProductFeedbackFactory",
]


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Industry {n}")


class CustomerFactory(factory.django.DjangoModelFactory):
    """An active customer; pass ``owner=`` (a new rep by default)."""

    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"Customer {n} Co., Ltd.")
    company_key = factory.LazyAttribute(lambda o: normalise_company(o.name))
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    phone_key = factory.LazyAttribute(lambda o: normalise_phone(o.phone))
    email = factory.Sequence(lambda n: f"buyer{n}@customer.example")
    email_key = factory.LazyAttribute(lambda o: normalise_email(o.email))
    owner = factory.SubFactory(RepFactory)
    industry = factory.SubFactory(IndustryFactory)
    company_size = CompanySize.MEDIUM

    class Params:
        lost = factory.Trait(
            status="lost",
            lost_on=factory.LazyFunction(
                lambda: timezone.localdate() - datetime.timedelta(days=10)
            ),
            lost_reason="Moved to a competitor",
        )


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Faker("name")
    title = "Purchasing manager"
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    email = factory.Sequence(lambda n: f"contact{n}@customer.example")


def _last_quarter():
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    return (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)


class HealthReportFactory(factory.django.DjangoModelFactory):
    """A health report for the last finished quarter (pass ``year``/``quarter`` to choose).

    Created directly: ``Customer.latest_satisfaction`` is NOT refreshed (use the service for that).
    """

    class Meta:
        model = HealthReport

    customer = factory.SubFactory(CustomerFactory)
    year = factory.LazyFunction(lambda: _last_quarter()[0])
    quarter = factory.LazyFunction(lambda: _last_quarter()[1])
    usage_frequency = UsageFrequency.WEEKLY
    new_demand_intent = DemandIntent.MEDIUM
    issue_resolution_hours = Decimal("12.0")
    satisfaction = Decimal("85.00")
    author = factory.LazyAttribute(lambda o: o.customer.owner)


class MarketInsightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MarketInsight

    title = factory.Sequence(lambda n: f"Insight {n}")
    kind = InsightKind.PAIN_POINT
    source = InsightSource.INTERVIEW
    industry = factory.SubFactory(IndustryFactory)
    body = "Manufacturing clients care about cutting cost and raising efficiency."
    author = factory.SubFactory(RepFactory)


class ProductFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductFeedback

    customer = factory.SubFactory(CustomerFactory)
    summary = factory.Sequence(lambda n: f"Feedback {n}")
    detail = "Wants a bulk export of inventory reports."
    status = FeedbackStatus.OPEN
    author = factory.LazyAttribute(lambda o: o.customer.owner)
