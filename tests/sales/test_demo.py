"""The sales demo data keeps every invariant the services enforce."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import F, Sum
from django.utils import timezone

from apps.sales.choices import DeliveryStatus
from apps.sales.models import Delivery, Order, OrderCredit, Payment, Receivable
from apps.sales.selectors import receivable_balances


@pytest.mark.django_db
def test_demo_orders_span_two_years_and_keep_the_money_rules(capsys):
    call_command("load_demo", seed=7)
    today = timezone.localdate()
    orders = Order.objects.all()
    assert orders.count() >= 50
    oldest = orders.order_by("signed_on").first().signed_on
    assert (today - oldest).days > 365, "KPIs need last year's orders"
    assert not orders.filter(signed_on__gt=today).exists()

    # Every order has credits totalling exactly 100; some are shared.
    totals = OrderCredit.objects.values("order").annotate(total=Sum("percent"))
    assert {row["total"] for row in totals} == {Decimal("100.00")}
    assert totals.count() == orders.count()
    assert OrderCredit.objects.filter(percent__lt=100).exists()

    # Receivables: issued on/after signing, within the order amount.
    assert not Receivable.objects.filter(issued_on__lt=F("order__signed_on")).exists()
    over = (
        Order.objects.annotate(invoiced=Sum("receivables__amount"))
        .filter(invoiced__gt=F("amount"))
        .exists()
    )
    assert not over
    # Payments never exceed the receivable, never in the future nor before issue.
    balances = receivable_balances(Receivable.objects.all())
    assert not balances.filter(open__lt=0).exists()
    assert balances.filter(open=0).count() > balances.count() / 2  # most are paid
    assert balances.filter(open__gt=0, paid__gt=0).exists()  # some partly paid
    assert balances.filter(open__gt=0, due_on__lt=today).exists()  # some overdue
    assert not Payment.objects.filter(paid_on__gt=today).exists()
    assert not Payment.objects.filter(paid_on__lt=F("receivable__issued_on")).exists()
    assert Payment.objects.filter(paid_on__gt=F("receivable__due_on")).exists()  # some late

    delivered = Delivery.objects.filter(status=DeliveryStatus.DELIVERED)
    assert delivered.count() > Delivery.objects.count() / 2
    assert not delivered.filter(delivered_on__lt=F("order__signed_on")).exists()
    assert not delivered.filter(delivered_on__gt=today).exists()
    assert Delivery.objects.filter(questions__closed_on__isnull=True).exists()
