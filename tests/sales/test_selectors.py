"""Selectors: balances, order totals, completed deliveries and the customer aging view."""

import datetime
from decimal import Decimal

import pytest

from apps.sales import selectors
from apps.sales.models import Order, Receivable
from apps.sales.selectors import aging_totals, customer_aging
from tests.factories import (
    CustomerFactory,
    DeliveryFactory,
    OrderFactory,
    PaymentFactory,
    ReceivableFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal
AS_OF = datetime.date(2026, 11, 30)


def due_days_ago(order, days: int, amount: str, *, issued_days_before_due: int = 30):
    due_on = AS_OF - datetime.timedelta(days=days)
    return ReceivableFactory(
        order=order,
        amount=D(amount),
        issued_on=due_on - datetime.timedelta(days=issued_days_before_due),
        due_on=due_on,
    )


@pytest.fixture
def aging_order(cast):
    customer = CustomerFactory(owner=cast.rep_a, name="Hangzhou Looms")
    return OrderFactory(
        owner=cast.rep_a,
        customer=customer,
        amount=D("1000000.00"),
        signed_on=datetime.date(2025, 1, 1),
    )


def test_aging_puts_every_boundary_day_in_its_bucket(cast, aging_order, django_assert_num_queries):
    # days past due -> amount; hand-computed bucket sums below.
    for days, amount in [
        (-10, "5.00"),  # due in 10 days: current
        (0, "10.00"),  # due today: current
        (1, "100.00"),
        (30, "200.00"),  # 1–30
        (31, "1000.00"),
        (60, "2000.00"),  # 31–60
        (61, "10000.00"),
        (90, "20000.00"),  # 61–90
        (91, "100000.00"),
        (400, "200000.00"),  # 91+
    ]:
        due_days_ago(aging_order, days, amount)
    receivables = Receivable.objects.visible_to(cast.admin)
    with django_assert_num_queries(1):
        aging = customer_aging(receivables=receivables, as_of=AS_OF)
    (row,) = aging["rows"]
    assert row["customer_name"] == "Hangzhou Looms"
    assert row["current"] == D("15.00")
    assert row["1_30"] == D("300.00")
    assert row["31_60"] == D("3000.00")
    assert row["61_90"] == D("30000.00")
    assert row["91_plus"] == D("300000.00")
    assert row["total"] == D("333315.00")
    assert aging["totals"] == {
        "current": D("15.00"),
        "1_30": D("300.00"),
        "31_60": D("3000.00"),
        "61_90": D("30000.00"),
        "91_plus": D("300000.00"),
        "total": D("333315.00"),
    }


def test_aging_counts_only_what_is_open_as_of_the_day(cast, aging_order):
    partly = due_days_ago(aging_order, 45, "1000.00")
    PaymentFactory(receivable=partly, amount=D("300.00"), paid_on=AS_OF - datetime.timedelta(1))
    # Paid after the as-of day: still open on that day.
    PaymentFactory(receivable=partly, amount=D("200.00"), paid_on=AS_OF + datetime.timedelta(1))
    paid = due_days_ago(aging_order, 5, "500.00")
    PaymentFactory(receivable=paid, amount=D("500.00"), paid_on=AS_OF)
    # Issued after the as-of day: not a receivable yet.
    ReceivableFactory(
        order=aging_order,
        amount=D("9.00"),
        issued_on=AS_OF + datetime.timedelta(days=1),
        due_on=AS_OF + datetime.timedelta(days=31),
    )
    aging = customer_aging(receivables=Receivable.objects.all(), as_of=AS_OF)
    (row,) = aging["rows"]
    assert row["31_60"] == D("700.00")
    assert row["1_30"] == D("0.00")
    assert row["total"] == D("700.00")


def test_aging_has_one_row_per_customer_and_a_totals_row(cast, aging_order):
    other_customer = CustomerFactory(owner=cast.rep_a, name="Anhui Gears")
    other_order = OrderFactory(
        owner=cast.rep_a, customer=other_customer, signed_on=datetime.date(2025, 1, 1)
    )
    due_days_ago(aging_order, 10, "100.00")
    due_days_ago(aging_order, 100, "50.00")
    due_days_ago(other_order, 10, "7.00")
    aging = customer_aging(receivables=Receivable.objects.all(), as_of=AS_OF)
    assert [row["customer_name"] for row in aging["rows"]] == ["Anhui Gears", "Hangzhou Looms"]
    assert aging["totals"]["1_30"] == D("107.00")
    assert aging["totals"]["91_plus"] == D("50.00")
    assert aging["totals"]["total"] == D("157.00")


def test_aging_of_nothing_is_an_empty_table_with_zero_totals(cast):
    aging = customer_aging(receivables=Receivable.objects.none(), as_of=AS_OF)
    assert aging["rows"] == []
    assert aging["totals"]["total"] == D("0.00")


def test_aging_totals_add_up_rows():
    rows = [
        {"current": D("1"), "1_30": D("2"), "31_60": 0, "61_90": 0, "91_plus": 0, "total": D("3")},
        {"current": D("4"), "1_30": 0, "31_60": 0, "61_90": 0, "91_plus": D("5"), "total": D("9")},
    ]
    assert aging_totals(rows)["current"] == D("5")
    assert aging_totals(rows)["total"] == D("12")


def test_order_totals_are_not_multiplied_by_joins(cast):
    order = OrderFactory(owner=cast.rep_a, amount=D("1000.00"))
    first = ReceivableFactory(order=order, amount=D("600.00"))
    second = ReceivableFactory(order=order, amount=D("400.00"))
    PaymentFactory(receivable=first, amount=D("100.00"))
    PaymentFactory(receivable=first, amount=D("200.00"))
    PaymentFactory(receivable=second, amount=D("50.00"))
    row = selectors.order_list(user=cast.rep_a).get(pk=order.pk)
    assert (row.receivable_total, row.paid_total) == (D("1000.00"), D("350.00"))
    empty = OrderFactory(owner=cast.rep_a)
    row = selectors.order_list(user=cast.rep_a).get(pk=empty.pk)
    assert (row.receivable_total, row.paid_total) == (D("0.00"), D("0.00"))


def test_receivable_balances_give_paid_open_and_overdue(cast):
    order = OrderFactory(owner=cast.rep_a, amount=D("1000.00"), signed_on=datetime.date(2026, 1, 1))
    today = datetime.date(2026, 6, 1)
    overdue = ReceivableFactory(
        order=order,
        amount=D("600.00"),
        issued_on=order.signed_on,
        due_on=today - datetime.timedelta(1),
    )
    PaymentFactory(receivable=overdue, amount=D("100.00"))
    due_today = ReceivableFactory(
        order=order, amount=D("400.00"), issued_on=order.signed_on, due_on=today
    )
    rows = {r.pk: r for r in selectors.receivable_balances(Receivable.objects.all(), today=today)}
    assert (rows[overdue.pk].paid, rows[overdue.pk].open, rows[overdue.pk].is_overdue) == (
        D("100.00"),
        D("500.00"),
        True,
    )
    assert (rows[due_today.pk].open, rows[due_today.pk].is_overdue) == (D("400.00"), False)


def test_deliveries_completed_between_come_with_customer_and_owner_in_one_query(
    cast, django_assert_num_queries
):
    order = OrderFactory(owner=cast.rep_a, signed_on=datetime.date(2026, 1, 1))
    inside = DeliveryFactory(order=order, delivered=True, planned_on=datetime.date(2026, 3, 2))
    DeliveryFactory(order=order, delivered=True, planned_on=datetime.date(2026, 3, 10))
    DeliveryFactory(order=order, planned_on=datetime.date(2026, 3, 3))  # not delivered
    with django_assert_num_queries(1):
        rows = list(
            selectors.deliveries_completed_between(
                start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 5)
            )
        )
        assert [(d.pk, d.order.customer.name, d.order.owner.username) for d in rows] == [
            (inside.pk, order.customer.name, "rep_a")
        ]


def test_a_rep_sees_orders_they_hold_a_credit_on(cast):
    shared = OrderFactory(
        owner=cast.rep_a2, credits=[(cast.rep_a2, D("60")), (cast.rep_a, D("40"))]
    )
    OrderFactory(owner=cast.rep_a2)
    assert list(Order.objects.visible_to(cast.rep_a)) == [shared]
