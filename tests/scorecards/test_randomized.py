"""The engine against a plain-Python reading of SPEC §2.2 on randomized data."""

import datetime
import random
from collections import defaultdict
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.performance.calculations import growth_rate, money, rate, retention_rate
from apps.performance.periods import parse_period
from apps.scorecards.models import Scorecard
from apps.scorecards.services import scorecards_recompute
from tests.factories import CustomerFactory, OpportunityFactory, RepFactory
from tests.scorecards.helpers import figures_of, order, payment, receivable

D = Decimal
pytestmark = pytest.mark.django_db
WEIGHT = {"A": D(2), "B": D("1.5"), "C": D(1), "": D(1)}
FIRST = datetime.date(2025, 1, 1)


def some_day(rng, span=700):
    return FIRST + datetime.timedelta(days=rng.randrange(span))


def build(rng):
    reps = RepFactory.create_batch(4)
    customers = []
    for i in range(12):
        lost_on = some_day(rng) if i % 4 == 0 else None
        customers.append(
            CustomerFactory(
                owner=rng.choice(reps),
                lead_grade=rng.choice("ABC "),
                status="lost" if lost_on else "active",
                lost_on=lost_on,
                lost_reason="gone" if lost_on else "",
            )
        )
    for customer in customers:
        customer.lead_grade = customer.lead_grade.strip()
        customer.save(update_fields=["lead_grade"])
    orders, receivables, payments, opportunities = [], [], [], []
    for _ in range(45):
        customer = rng.choice(customers)
        owner = rng.choice(reps)
        amount = D(rng.randrange(100, 1_000_000)) / 100
        signed = some_day(rng)
        kind = rng.random()
        if kind < 0.2:
            partner = rng.choice([r for r in reps if r != owner])
            credits = [(owner, D("60")), (partner, D("40"))]
        elif kind < 0.3:
            credits = []
        else:
            credits = [(owner, D("100"))]
        obj = order(owner, customer, str(amount), signed.isoformat(), credits=credits)
        orders.append((obj, credits))
        for part in (D("0.5"), D("0.5")) if rng.random() < 0.3 else (D(1),):
            due_on = signed + datetime.timedelta(days=rng.randrange(0, 90))
            rec = receivable(obj, str(money(amount * part)), due_on.isoformat())
            receivables.append((rec, obj, credits))
            for _ in range(rng.randrange(0, 3)):
                paid_on = due_on + datetime.timedelta(days=rng.randrange(-40, 40))
                pay = payment(rec, str(money(rec.amount / 3)), paid_on.isoformat())
                payments.append((pay, rec))
    for _ in range(10):
        customer = rng.choice(customers)
        reached = timezone.make_aware(
            datetime.datetime.combine(some_day(rng), datetime.time(rng.randrange(24)))
        )
        opportunities.append(
            OpportunityFactory(
                owner=customer.owner,
                customer=customer,
                needs_confirmed=rng.random() < 0.6,
                negotiation_reached_at=reached,
            )
        )
    return reps, customers, orders, receivables, payments, opportunities


def shares(obj, credits):
    if not credits:
        return {obj.owner_id: D(1)}
    return {rep.pk: D(percent) / 100 for rep, percent in credits}


def expected(period, reps, customers, orders, receivables, payments, opportunities):
    start, end = period.start, period.end
    last = period.same_period_last_year()
    first_order = {}
    for obj, _credits in orders:
        first_order[obj.customer_id] = min(
            first_order.get(obj.customer_id, obj.signed_on), obj.signed_on
        )
    sales, new_sales, last_year = defaultdict(D), defaultdict(D), defaultdict(D)
    for obj, credits in orders:
        for rep, share in shares(obj, credits).items():
            if start <= obj.signed_on < end:
                sales[rep] += obj.amount * share
                if first_order[obj.customer_id] >= start:
                    new_sales[rep] += obj.amount * share
            if last.start <= obj.signed_on < last.end:
                last_year[rep] += obj.amount * share
    due, collected = defaultdict(D), defaultdict(D)
    paid_by_receivable = defaultdict(D)
    for pay, rec in payments:
        if pay.paid_on < end:
            paid_by_receivable[rec.pk] += pay.amount
    for rec, obj, credits in receivables:
        if start <= rec.due_on < end:
            for rep, share in shares(obj, credits).items():
                due[rep] += rec.amount * share
                collected[rep] += paid_by_receivable[rec.pk] * share
    developed = {}
    for customer in customers:
        dates = [first_order[customer.pk]] if customer.pk in first_order else []
        dates += [
            timezone.localtime(o.negotiation_reached_at).date()
            for o in opportunities
            if o.customer_id == customer.pk and o.needs_confirmed
        ]
        if dates:
            developed[customer.pk] = min(dates)
    result = {}
    for rep in reps:
        mine = [c for c in customers if c.owner_id == rep.pk]
        new = [c for c in mine if c.pk in developed and start <= developed[c.pk] < end]
        at_start = [
            c
            for c in mine
            if first_order.get(c.pk, end) < start and (c.lost_on is None or c.lost_on >= start)
        ]
        lost = [c for c in at_start if c.lost_on is not None and c.lost_on < end]
        result[rep.pk] = {
            "sales": money(sales[rep.pk]),
            "new_customer_sales": money(new_sales[rep.pk]),
            "sales_last_year": money(last_year[rep.pk]),
            "sales_growth_rate": growth_rate(sales[rep.pk], last_year[rep.pk]),
            "new_customers": len(new),
            "new_customers_weighted": money(sum((WEIGHT[c.lead_grade] for c in new), D(0))),
            "customers_at_start": len(at_start),
            "customers_lost": len(lost),
            "retention_rate": retention_rate(len(at_start), len(lost)),
            "receivable_due": money(due[rep.pk]),
            "collected": money(collected[rep.pk]),
            "collection_rate": rate(collected[rep.pk], due[rep.pk]),
        }
    return result


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_engine_matches_a_plain_reading_of_the_spec(seed):
    rng = random.Random(seed)
    data = build(rng)
    for customer in data[1]:
        customer.refresh_from_db()
    checked, everyone = set(), {}
    for key in ("2025-03", "2025-12", "2026-02", "2026-06", "2025-Q2", "2026-Q1", "2025", "2026"):
        period = parse_period(key)
        scorecards_recompute(period_key=key)
        want = expected(period, *data)
        for rep in data[0]:
            card = Scorecard.objects.get(rep=rep, period_key=key)
            got = {name: getattr(card, name) for name in want[rep.pk]}
            assert got == want[rep.pk], (key, rep.pk)
            assert card.repeat_sales == card.sales - card.new_customer_sales
            checked.update(name for name, value in got.items() if value)
            everyone[key, rep.pk] = figures_of(card)
    # Refreshing one rep, or two, (one statement per period) writes the same scorecards.
    for key in ("2025-03", "2025-12", "2026-02", "2026-06", "2025-Q2", "2026-Q1", "2025", "2026"):
        for rep_ids in [[rep.pk] for rep in data[0]] + [[data[0][0].pk, data[0][2].pk]]:
            scorecards_recompute(period_key=key, rep_ids=rep_ids)
            for card in Scorecard.objects.filter(period_key=key, rep__in=rep_ids):
                assert figures_of(card) == everyone[key, card.rep_id], (key, rep_ids)
    # The data exercises every figure (none is trivially zero or undefined everywhere).
    assert checked == set(next(iter(want.values())))
