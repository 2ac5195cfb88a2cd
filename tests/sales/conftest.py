"""Shared helpers of the sales tests."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.core.models import AuditEntry
from apps.sales.models import Delivery, DeliveryQuestion, Order, OrderCredit, Payment, Receivable
from tests.factories import CustomerFactory, OrderFactory, ReceivableFactory


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
