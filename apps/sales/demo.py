"""Demo orders, credits, receivables, payments and deliveries (built after opportunities).

Orders are spread over the last 24 months so that KPIs have last year's numbers. Rows are
bulk-created for speed, keeping every invariant the services enforce: credits total 100 for
every order; receivables issued on or after signing, at most the order amount in total, due
30 days after issue; payments never above what is open, dated between issue and today;
deliveries delivered between signing and today.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from apps.opportunities.choices import Stage
from apps.opportunities.models import OpportunityCredit
from apps.sales.choices import DEFAULT_CREDIT_TERM_DAYS, ORDER_NUMBER_PREFIX, DeliveryStatus
from apps.sales.models import (
    Delivery,
    DeliveryQuestion,
    Order,
    OrderCredit,
    Payment,
    Receivable,
)

HUNDRED = Decimal("100.00")
CENT = Decimal("0.01")
DELIVERY_ITEMS = [
    "Software licences and installation",
    "Hardware shipment",
    "On-site training",
    "Data migration",
    "ERP integration",
]
QUESTIONS = [
    ("Which warehouse receives the second shipment?", "The Suzhou warehouse, dock 3."),
    ("Can training move to the afternoon shift?", "Yes, moved to 14:00 on both days."),
    ("Who signs the acceptance report on site?", "The plant IT manager, Mr Zhao."),
    ("Does the licence cover the new subsidiary?", ""),
    ("The customer asks for an extra admin account.", ""),
]


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


class _Numbers:
    """Contract numbers ``SO-<year>-<sequence>``, continuing any existing sequence."""

    def __init__(self):
        self.next_by_year: dict[int, int] = {}

    def take(self, signed_on: datetime.date) -> str:
        year = signed_on.year
        if year not in self.next_by_year:
            prefix = f"{ORDER_NUMBER_PREFIX}-{year}-"
            last = (
                Order.objects.filter(number__startswith=prefix)
                .order_by("-number")
                .values_list("number", flat=True)
                .first()
            )
            tail = last.rsplit("-", 1)[1] if last else "0"
            self.next_by_year[year] = int(tail) + 1 if tail.isdigit() else 1
        sequence = self.next_by_year[year]
        self.next_by_year[year] += 1
        return f"{ORDER_NUMBER_PREFIX}-{year}-{sequence:06d}"


def build(rng, context: dict) -> list[str]:
    customers = context.get("customers") or []
    if not customers:
        return []
    today = timezone.localdate()
    reps_by_team = defaultdict(list)
    for rep in context.get("reps", []):
        reps_by_team[rep.team_id].append(rep)
    numbers = _Numbers()

    # --- orders: one per won/delivered opportunity, plus repeat business over 24 months ----
    won = [
        o
        for o in context.get("opportunities", [])
        if o.stage in (Stage.WON, Stage.DELIVERED) and o.pk
    ]
    opportunity_credits = defaultdict(list)
    for credit in OpportunityCredit.objects.filter(opportunity__in=won).order_by("-percent"):
        opportunity_credits[credit.opportunity_id].append((credit.rep_id, credit.percent))

    plans = []  # (order, [(rep_id, percent)], delivered_stage)
    for opportunity in won:
        customer = opportunity.customer
        closed = opportunity.closed_at or opportunity.created_at or timezone.now()
        signed_on = min(timezone.localdate(closed), today)
        if customer.lost_on and signed_on >= customer.lost_on:
            continue
        amount = opportunity.negotiated_price or opportunity.expected_amount
        amount = Decimal(amount or rng.randrange(50, 600) * 1000).quantize(CENT)
        split = opportunity_credits.get(opportunity.pk) or [(opportunity.owner_id, HUNDRED)]
        if sum(p for _r, p in split) != HUNDRED:
            split = [(opportunity.owner_id, HUNDRED)]
        plans.append(
            (
                Order(
                    number=numbers.take(signed_on),
                    customer=customer,
                    owner_id=opportunity.owner_id,
                    opportunity=opportunity,
                    amount=amount,
                    signed_on=signed_on,
                ),
                split,
                opportunity.stage == Stage.DELIVERED,
            )
        )
    for customer in customers:
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
            signed_on = today - _days(rng.randint(3, 730))
            if customer.lost_on and signed_on >= customer.lost_on:
                signed_on = customer.lost_on - _days(rng.randint(30, 200))
            owner = customer.owner
            split = [(owner.pk, HUNDRED)]
            teammates = [r for r in reps_by_team.get(owner.team_id, []) if r.pk != owner.pk]
            if teammates and rng.random() < 0.12:
                split = [(owner.pk, Decimal("60.00")), (rng.choice(teammates).pk, Decimal("40.00"))]
            plans.append(
                (
                    Order(
                        number=numbers.take(signed_on),
                        customer=customer,
                        owner=owner,
                        amount=Decimal(rng.randrange(20, 500) * 1000),
                        signed_on=signed_on,
                        notes=rng.choice(["", "", "Annual maintenance renewal.", "Upgrade."]),
                    ),
                    split,
                    None,
                )
            )
    if not plans:
        return []
    orders = Order.objects.bulk_create([plan[0] for plan in plans])
    now = timezone.now()
    for order in orders:
        order.created_at = min(
            now,
            timezone.make_aware(datetime.datetime.combine(order.signed_on, datetime.time(10))),
        )
    Order.objects.bulk_update(orders, ["created_at"])
    OrderCredit.objects.bulk_create(
        OrderCredit(order=order, rep_id=rep_id, percent=percent)
        for order, (_o, split, _d) in zip(orders, plans, strict=True)
        for rep_id, percent in split
    )

    # --- receivables (30-day terms, some in two instalments) and payments ------------------
    receivables = []
    for order in orders:
        first_issue = min(today, order.signed_on + _days(rng.randint(0, 7)))
        if rng.random() < 0.25:
            first = (order.amount * Decimal(rng.choice(["0.30", "0.50", "0.70"]))).quantize(CENT)
            instalments = [(first, first_issue)]
            second_issue = order.signed_on + _days(rng.randint(45, 120))
            if second_issue <= today:
                instalments.append((order.amount - first, second_issue))
        else:
            instalments = [(order.amount, first_issue)]
        for amount, issued_on in instalments:
            receivables.append(
                Receivable(
                    order=order,
                    amount=amount,
                    issued_on=issued_on,
                    credit_term_days=DEFAULT_CREDIT_TERM_DAYS,
                    due_on=issued_on + _days(DEFAULT_CREDIT_TERM_DAYS),
                )
            )
    receivables = Receivable.objects.bulk_create(receivables)

    payments = []
    for receivable in receivables:
        issued, due = receivable.issued_on, receivable.due_on
        roll = rng.random()
        if due >= today:  # not yet due: some pay early
            if roll < 0.3 and issued < today:
                payments.append((receivable, receivable.amount, rng_date(rng, issued, today)))
            continue
        if roll < 0.62:  # paid on time
            payments.append((receivable, receivable.amount, rng_date(rng, issued, due)))
        elif roll < 0.76:  # paid late
            late = min(today, due + _days(rng.randint(3, 60)))
            payments.append((receivable, receivable.amount, late))
        elif roll < 0.88:  # partly paid, rest overdue
            part = (receivable.amount * Decimal(rng.choice(["0.40", "0.50", "0.60"]))).quantize(
                CENT
            )
            payments.append((receivable, part, rng_date(rng, issued, due)))
        # else: nothing paid, overdue
    Payment.objects.bulk_create(
        Payment(
            receivable=receivable,
            amount=amount,
            paid_on=paid_on,
            reference=f"BANK-{index:06d}",
            recorded_by_id=receivable.order.owner_id,
        )
        for index, (receivable, amount, paid_on) in enumerate(payments, start=1)
    )

    # --- deliveries (most delivered a few days after signing) and questions --------------
    deliveries = []
    for order, (_o, _split, delivered_stage) in zip(orders, plans, strict=True):
        planned_on = order.signed_on + _days(rng.randint(3, 14))
        delivered = delivered_stage is True or (
            planned_on <= today - _days(2) and rng.random() < 0.9
        )
        if delivered:
            delivered_on = min(today, max(order.signed_on, planned_on + _days(rng.randint(-2, 5))))
            status, actual = DeliveryStatus.DELIVERED, delivered_on
        else:
            status = DeliveryStatus.IN_PROGRESS if planned_on <= today else DeliveryStatus.PLANNED
            actual = None
        deliveries.append(
            Delivery(
                order=order,
                description=rng.choice(DELIVERY_ITEMS),
                planned_on=planned_on,
                delivered_on=actual,
                status=status,
            )
        )
    deliveries = Delivery.objects.bulk_create(deliveries)

    questions = []
    recent = sorted(deliveries, key=lambda d: d.order.signed_on, reverse=True)[:12]
    for index, delivery in enumerate(rng.sample(recent, k=min(5, len(recent)))):
        text, answer = QUESTIONS[index % len(QUESTIONS)]
        raised_on = min(today, delivery.planned_on)
        closed = bool(answer) and raised_on < today
        questions.append(
            DeliveryQuestion(
                delivery=delivery,
                question=text,
                raised_on=raised_on,
                answer=answer if closed else "",
                closed_on=rng_date(rng, raised_on, today) if closed else None,
            )
        )
    DeliveryQuestion.objects.bulk_create(questions)
    return []


def rng_date(rng, start: datetime.date, end: datetime.date) -> datetime.date:
    """A random day in [start, end] (``start`` when the range is empty)."""
    span = (end - start).days
    return start if span <= 0 else start + _days(rng.randint(0, span))
