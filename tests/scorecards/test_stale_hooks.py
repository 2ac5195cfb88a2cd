"""A new order, receivable, payment, lost customer or confirmed negotiation marks exactly the
affected rep-periods stale, and a refresh recomputes them (issue: stale marking)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.customers.services import customer_mark_lost
from apps.opportunities.choices import Stage
from apps.opportunities.services import opportunity_move
from apps.sales.services import order_create, payment_record, receivable_create
from apps.scorecards.models import Scorecard, StaleRepPeriod
from apps.scorecards.services import scorecards_refresh_stale
from tests.factories import CustomerFactory, OpportunityFactory, OrderFactory, ReceivableFactory

pytestmark = pytest.mark.django_db


def stale(rep):
    return set(StaleRepPeriod.objects.filter(rep=rep).values_list("period_key", flat=True))


def last_month():
    first = timezone.localdate().replace(day=1)
    return (first - datetime.timedelta(days=1)).replace(day=5)


def test_a_new_order_marks_its_month_quarter_and_year_for_the_owner_only(cast):
    day = last_month()
    customer = CustomerFactory(owner=cast.rep_a)
    order_create(
        actor=cast.rep_a, customer=customer, owner=cast.rep_a, amount="1000", signed_on=day
    )
    keys = stale(cast.rep_a)
    assert {f"{day:%Y-%m}", f"{day.year}-Q{(day.month - 1) // 3 + 1}", f"{day.year}"} <= keys
    assert stale(cast.rep_b) == set()


def test_a_shared_order_marks_every_credited_rep(cast):
    day = last_month()
    customer = CustomerFactory(owner=cast.rep_a)
    order_create(
        actor=cast.manager_a,
        customer=customer,
        owner=cast.rep_a,
        amount="1000",
        signed_on=day,
        credits=[{"rep": cast.rep_a, "percent": "60"}, {"rep": cast.rep_a2, "percent": "40"}],
    )
    assert f"{day:%Y-%m}" in stale(cast.rep_a2)


def test_a_payment_marks_the_period_of_the_receivables_due_date(cast):
    order = OrderFactory(owner=cast.rep_a, signed_on=datetime.date(2026, 1, 10))
    receivable = ReceivableFactory(
        order=order,
        amount=Decimal("500"),
        issued_on=datetime.date(2026, 1, 10),
        due_on=datetime.date(2026, 2, 9),
    )
    StaleRepPeriod.objects.all().delete()
    payment_record(
        actor=cast.rep_a, receivable=receivable, amount="100", paid_on=datetime.date(2026, 3, 1)
    )
    assert "2026-02" in stale(cast.rep_a)


def test_a_new_receivable_marks_the_month_it_falls_due(cast):
    order = OrderFactory(owner=cast.rep_a, signed_on=datetime.date(2026, 1, 10))
    StaleRepPeriod.objects.all().delete()
    receivable_create(
        actor=cast.rep_a, order=order, amount="100", issued_on=datetime.date(2026, 1, 10)
    )
    assert "2026-02" in stale(cast.rep_a)


def test_a_lost_customer_marks_the_owners_period_of_the_loss(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    customer_mark_lost(
        actor=cast.rep_a, customer=customer, lost_on=datetime.date(2026, 4, 2), reason="closed"
    )
    assert {"2026-04", "2026-Q2", "2026"} <= stale(cast.rep_a)


def test_reaching_negotiation_with_needs_confirmed_marks_the_customer_owner(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    opportunity = OpportunityFactory(
        customer=customer, owner=cast.rep_a, stage=Stage.SOLUTION_DESIGN, needs_confirmed=True
    )
    opportunity_move(actor=cast.rep_a, opportunity=opportunity, to_stage=Stage.NEGOTIATION)
    assert f"{timezone.localdate():%Y-%m}" in stale(cast.rep_a)


def test_refresh_recomputes_only_the_stale_rep_periods_and_clears_the_marks(cast):
    day = last_month()
    customer = CustomerFactory(owner=cast.rep_a)
    order_create(
        actor=cast.rep_a, customer=customer, owner=cast.rep_a, amount="1000", signed_on=day
    )
    scorecards_refresh_stale()
    card = Scorecard.objects.get(rep=cast.rep_a, period_key=f"{day:%Y-%m}")
    assert card.sales == Decimal("1000.00")
    assert card.stale is False
    assert not Scorecard.objects.filter(rep=cast.rep_b).exists()
    assert stale(cast.rep_a) == set()
