"""Shared helpers of the sales tests."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.core.models import AuditEntry
from apps.sales.models import Delivery, DeliveryQuestion, Order, OrderCredit, Payment, Receivable
from tests.factories import (
    CustomerFactory,
    DeliveryFactory,
    DeliveryQuestionFactory,
    OrderFactory,
    PaymentFactory,
    ReceivableFactory,
)

D = Decimal

#: Which of the ``world`` owners each role sees.
VISIBLE = {
    "rep_a": {"rep_a", "shared"},
    "manager_a": {"rep_a", "rep_a2", "shared"},
    "hr": {"rep_a", "rep_a2", "rep_b", "shared"},
    "admin": {"rep_a", "rep_a2", "rep_b", "shared"},
}


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return today() - datetime.timedelta(days=n)


def money(value) -> Decimal:
    return Decimal(value)


def snapshot() -> dict:
    """Row counts of everything a sales service may write."""
    return {
        model.__name__: model.objects.count()
        for model in (
            Order,
            OrderCredit,
            Receivable,
            Payment,
            Delivery,
            DeliveryQuestion,
            AuditEntry,
        )
    }


@pytest.fixture
def nothing_written():
    """``with nothing_written(): ...`` asserts that the block leaves every count unchanged."""

    class Guard:
        def __enter__(self):
            self.before = snapshot()
            return self

        def __exit__(self, *exc):
            assert snapshot() == self.before, "a refused write left rows behind"
            return False

    return Guard


@pytest.fixture
def customer_a(cast):
    return CustomerFactory(owner=cast.rep_a)


@pytest.fixture
def order_a(cast, customer_a):
    """A 10,000.00 order of rep_a signed 60 days ago."""
    return OrderFactory(owner=cast.rep_a, customer=customer_a, amount=Decimal("10000.00"))


@pytest.fixture
def receivable_a(order_a):
    """A 4,000.00 receivable on order_a, issued when it was signed, due 30 days later."""
    return ReceivableFactory(order=order_a, amount=Decimal("4000.00"))


@pytest.fixture
def world(cast):
    """One order (with a receivable, payment, delivery and question) per rep, plus an order
    of rep_a2 shared 60/40 with rep_a."""
    records = {}
    for name in ("rep_a", "rep_a2", "rep_b"):
        owner = getattr(cast, name)
        order = OrderFactory(owner=owner)
        receivable = ReceivableFactory(order=order, amount=D("4000.00"))
        delivery = DeliveryFactory(order=order)
        records[name] = {
            Order: order,
            Receivable: receivable,
            Payment: PaymentFactory(receivable=receivable, amount=D("1000.00")),
            Delivery: delivery,
            DeliveryQuestion: DeliveryQuestionFactory(delivery=delivery),
        }
    shared = OrderFactory(
        owner=cast.rep_a2, credits=[(cast.rep_a2, D("60")), (cast.rep_a, D("40"))]
    )
    receivable = ReceivableFactory(order=shared, amount=D("100.00"))
    delivery = DeliveryFactory(order=shared)
    records["shared"] = {
        Order: shared,
        Receivable: receivable,
        Payment: PaymentFactory(receivable=receivable, amount=D("10.00")),
        Delivery: delivery,
        DeliveryQuestion: DeliveryQuestionFactory(delivery=delivery),
    }
    return records


def make_rows(cast, n: int, *, deliveries: bool = False):
    """``n`` orders of rep_a shared 50/50 with rep_a2, each with a receivable and a payment
    (and a delivery with ``deliveries``): list pages must not need more queries for more."""
    for _ in range(n):
        order = OrderFactory(
            owner=cast.rep_a, credits=[(cast.rep_a, D("50")), (cast.rep_a2, D("50"))]
        )
        receivable = ReceivableFactory(order=order, amount=D("100.00"))
        PaymentFactory(receivable=receivable, amount=D("10.00"))
        if deliveries:
            DeliveryFactory(order=order)
