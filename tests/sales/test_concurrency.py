"""Two payments racing for the last open amount of a receivable: exactly one wins.

Runs on PostgreSQL only (SQLite serialises writers on the whole database, so there is no race
to test there)."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from apps.sales import services
from apps.sales.models import Payment
from tests.factories import OrderFactory, PaymentFactory, ReceivableFactory
from tests.sales.conftest import today

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite skipped)"
    ),
]


def race(actions) -> list:
    """Run the callables at the same moment in threads; return their results or exceptions."""
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=10)
            results[index] = action()
        except Exception as exc:  # collected and checked by the test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_concurrent_payments_of_the_last_open_amount_exactly_one_succeeds(cast):
    order = OrderFactory(owner=cast.rep_a, amount=Decimal("5000.00"))
    receivable = ReceivableFactory(order=order, amount=Decimal("5000.00"))
    PaymentFactory(receivable=receivable, amount=Decimal("3800.00"))

    def pay(actor):
        return lambda: services.payment_record(
            actor=actor, receivable=receivable, amount=Decimal("1200.00"), paid_on=today()
        )

    results = race([pay(cast.rep_a), pay(cast.manager_a)])
    payments = [r for r in results if isinstance(r, Payment)]
    refusals = [r for r in results if isinstance(r, ValidationError)]
    assert len(payments) == 1, results
    assert len(refusals) == 1, results
    assert "fully paid" in " ".join(refusals[0].message_dict["amount"])
    total = sum(p.amount for p in Payment.objects.filter(receivable=receivable))
    assert total == Decimal("5000.00")


def test_two_concurrent_receivables_cannot_exceed_the_order_amount(cast):
    order = OrderFactory(owner=cast.rep_a, amount=Decimal("1000.00"))

    def issue():
        return services.receivable_create(
            actor=cast.rep_a, order=order, amount=Decimal("600.00"), issued_on=order.signed_on
        )

    results = race([issue, issue])
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    assert order.receivables.count() == 1
