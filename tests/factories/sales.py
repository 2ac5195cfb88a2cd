"""Factories of this app's models (exported through tests/factories/__init__.py).

They write rows directly (no audit, no caps): keep amounts consistent in tests, or use the
services. ``OrderFactory`` always creates the owner's 100% credit (as the service does) unless
``credits=[(rep, percent), ...]`` is given.
"""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from apps.sales.choices import DEFAULT_CREDIT_TERM_DAYS, DeliveryStatus
from apps.sales.models import (
    Delivery,
    DeliveryQuestion,
    Order,
    OrderCredit,
    Payment,
    Receivable,
)
from tests.factories.accounts import RepFactory
from tests.factories.customers import CustomerFactory

__all__ = [
    "DeliveryFactory",
    "DeliveryQuestionFactory",
    "OrderCreditFactory",
    "OrderFactory",
    "PaymentFactory",
    "ReceivableFactory",
]


def _days_ago(days: int):
    return lambda: timezone.localdate() - datetime.timedelta(days=days)


class OrderFactory(factory.django.DjangoModelFactory):
    """A signed order; its customer belongs to the same owner."""

    class Meta:
        model = Order
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"T-{n:06d}")
    owner = factory.SubFactory(RepFactory)
    customer = factory.SubFactory(CustomerFactory, owner=factory.SelfAttribute("..owner"))
    amount = Decimal("10000.00")
    signed_on = factory.LazyFunction(_days_ago(60))

    @factory.post_generation
    def credits(self, create, extracted, **kwargs):
        if not create:
            return
        rows = extracted if extracted is not None else [(self.owner, Decimal("100.00"))]
        OrderCredit.objects.bulk_create(
            OrderCredit(order=self, rep=rep, percent=Decimal(percent)) for rep, percent in rows
        )


class OrderCreditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderCredit

    order = factory.SubFactory(OrderFactory, credits=[])
    rep = factory.SubFactory(RepFactory)
    percent = Decimal("100.00")


class ReceivableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Receivable

    order = factory.SubFactory(OrderFactory)
    amount = factory.LazyAttribute(lambda o: o.order.amount)
    issued_on = factory.LazyAttribute(lambda o: o.order.signed_on)
    credit_term_days = DEFAULT_CREDIT_TERM_DAYS
    due_on = factory.LazyAttribute(
        lambda o: o.issued_on + datetime.timedelta(days=o.credit_term_days)
    )


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    receivable = factory.SubFactory(ReceivableFactory)
    amount = factory.LazyAttribute(lambda o: o.receivable.amount)
    paid_on = factory.LazyAttribute(lambda o: o.receivable.issued_on)
    reference = factory.Sequence(lambda n: f"BANK-{n:05d}")


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    order = factory.SubFactory(OrderFactory)
    description = "Installation"
    planned_on = factory.LazyAttribute(lambda o: o.order.signed_on + datetime.timedelta(days=7))
    status = DeliveryStatus.PLANNED
    delivered_on = None

    class Params:
        delivered = factory.Trait(
            status=DeliveryStatus.DELIVERED,
            delivered_on=factory.LazyAttribute(lambda o: o.planned_on),
        )


class DeliveryQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliveryQuestion

    delivery = factory.SubFactory(DeliveryFactory)
    question = "Which site gets the first installation?"
    raised_on = factory.LazyAttribute(lambda o: o.delivery.planned_on)
