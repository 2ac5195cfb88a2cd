"""Demo orders, credits, receivables, payments and deliveries (built after opportunities).

Orders are spread over the last 24 months (repeat business of every customer while it was a
customer, following its rep's trend, plus one per won opportunity) so that KPIs have last
year's numbers and a trend. Rows are bulk-created for speed, keeping every invariant the
services enforce: credits total 100 for every order; receivables issued on or after signing, at
most the order amount in total, due 30 days after issue; payments never above what is open,
dated between issue and today; deliveries delivered between signing and today.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from apps.accounts.demo import rep_trend, trend_factor
from apps.core.demo import HISTORY_DAYS, historic_timestamps, words
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
TEXT = {
    "zh-hans": {
        "deliveries": ["软件授权与安装", "硬件发货", "现场培训", "数据迁移", "ERP系统对接"],
        "notes": ["", "", "年度维保续费。", "系统升级。"],
        "questions": [
            ("第二批货送到哪个仓库？", "苏州仓库，3号月台。"),
            ("培训能否改到下午班？", "可以，两天都改到14:00。"),
            ("现场验收报告由谁签字？", "工厂IT经理赵先生。"),
            ("授权是否覆盖新成立的子公司？", "覆盖，已在合同附件中补充说明。"),
            ("客户要求增加一个管理员账号。", ""),
            ("数据迁移需要停机多久？", ""),
        ],
    },
    "en": {
        "deliveries": [
            "Software licences and installation",
            "Hardware shipment",
            "On-site training",
            "Data migration",
            "ERP integration",
        ],
        "notes": ["", "", "Annual maintenance renewal.", "Upgrade."],
        "questions": [
            ("Which warehouse receives the second shipment?", "The Suzhou warehouse, dock 3."),
            ("Can the training move to the afternoon shift?", "Yes, moved to 14:00 on both days."),
            ("Who signs the acceptance report on site?", "The plant IT manager, Mr Zhao."),
            (
                "Does the licence cover the new subsidiary?",
                "Yes; we added a note to the contract annex.",
            ),
            ("The customer asks for an extra admin account.", ""),
            ("How long will the data migration stop the system?", ""),
        ],
    },
}


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _moment(day: datetime.date, hour: int = 10) -> datetime.datetime:
    """``day`` at ``hour`` o'clock (aware), never after now."""
    return min(
        timezone.now(),
        timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour))),
    )


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
    text = words(context, TEXT)
    today = timezone.localdate()
    history_start = today - _days(HISTORY_DAYS)
    since = context.get("customer_since", {})
    reactivated = context.get("reactivated", {})
    reps_by_team = defaultdict(list)
    for rep in context.get("reps", []):
        reps_by_team[rep.team_id].append(rep)

    def progress(day: datetime.date) -> float:
        return max(0.0, min(1.0, (day - history_start).days / HISTORY_DAYS))

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
        owner = customer.owner
        trend = rep_trend(context, owner.pk)
        start = max(history_start, since.get(customer.pk, history_start))
        end = today
        if customer.lost_on:
            end = customer.lost_on - _days(1)
        elif customer.pk in reactivated:
            end = reactivated[customer.pk] - _days(1)
        days = [
            start + _days(rng.randint(0, max(0, (end - start).days)))
            for _ in range(rng.randint(1, 3) + max(0, (end - start).days) // 75)
        ]
        if customer.pk in reactivated:  # won back: a new order since
            days.append(today - _days(rng.randint(3, 45)))
        for signed_on in days:
            factor = trend_factor(trend, progress(signed_on))
            keep = rng.random() < min(1.0, factor)
            amount = Decimal(rng.randrange(15, 250) * 1000) * Decimal(f"{max(factor, 0.3):.2f}")
            split = [(owner.pk, HUNDRED)]
            teammates = [r for r in reps_by_team.get(owner.team_id, []) if r.pk != owner.pk]
            if teammates and rng.random() < 0.12:
                split = [(owner.pk, Decimal("60.00")), (rng.choice(teammates).pk, Decimal("40.00"))]
            note = rng.choice(text["notes"])
            if not keep or signed_on < start or signed_on > today:
                continue
            plans.append(
                (
                    Order(
                        customer=customer,
                        owner=owner,
                        amount=amount.quantize(Decimal("1000")),
                        signed_on=signed_on,
                        notes=note,
                    ),
                    split,
                    None,
                )
            )
    if not plans:
        return []
    plans.sort(key=lambda plan: plan[0].signed_on)  # contract numbers follow the signing dates
    numbers = _Numbers()
    for order, _split, _delivered in plans:
        order.number = numbers.take(order.signed_on)
        order.created_at = order.updated_at = _moment(order.signed_on)
    with historic_timestamps(Order):
        orders = Order.objects.bulk_create([plan[0] for plan in plans], batch_size=500)
    OrderCredit.objects.bulk_create(
        (
            OrderCredit(order=order, rep_id=rep_id, percent=percent)
            for order, (_o, split, _d) in zip(orders, plans, strict=True)
            for rep_id, percent in split
        ),
        batch_size=500,
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
            moment = _moment(issued_on, 11)
            receivables.append(
                Receivable(
                    order=order,
                    amount=amount,
                    issued_on=issued_on,
                    credit_term_days=DEFAULT_CREDIT_TERM_DAYS,
                    due_on=issued_on + _days(DEFAULT_CREDIT_TERM_DAYS),
                    created_at=moment,
                    updated_at=moment,
                )
            )
    with historic_timestamps(Receivable):
        receivables = Receivable.objects.bulk_create(receivables, batch_size=500)

    payments = []
    for receivable in receivables:
        issued, due = receivable.issued_on, receivable.due_on
        roll = rng.random()
        # A struggling rep's customers pay worse.
        if rep_trend(context, receivable.order.owner_id) == "struggling":
            roll = min(0.999, roll + 0.2)
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
    with historic_timestamps(Payment):
        Payment.objects.bulk_create(
            (
                Payment(
                    receivable=receivable,
                    amount=amount,
                    paid_on=paid_on,
                    reference=f"BANK-{index:06d}",
                    recorded_by_id=receivable.order.owner_id,
                    created_at=_moment(paid_on, 15),
                    updated_at=_moment(paid_on, 15),
                )
                for index, (receivable, amount, paid_on) in enumerate(payments, start=1)
            ),
            batch_size=500,
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
                description=rng.choice(text["deliveries"]),
                planned_on=planned_on,
                delivered_on=actual,
                status=status,
                created_at=order.created_at,
                updated_at=_moment(actual or order.signed_on, 16),
            )
        )
    with historic_timestamps(Delivery):
        deliveries = Delivery.objects.bulk_create(deliveries, batch_size=500)

    questions = []
    by_date = sorted(deliveries, key=lambda d: (d.order.signed_on, d.order.number), reverse=True)
    recent, older = by_date[:12], by_date[12:]
    picked = rng.sample(recent, k=min(5, len(recent))) + rng.sample(older, k=min(8, len(older)))
    for index, delivery in enumerate(picked):
        question, answer = text["questions"][index % len(text["questions"])]
        raised_on = min(today, delivery.planned_on)
        if not answer and index >= 5:  # older questions have all been answered
            question, answer = text["questions"][index % 4]
        closed = bool(answer) and raised_on < today
        closed_on = rng_date(rng, raised_on, min(today, raised_on + _days(10))) if closed else None
        questions.append(
            DeliveryQuestion(
                delivery=delivery,
                question=question,
                raised_on=raised_on,
                answer=answer if closed else "",
                closed_on=closed_on,
                created_at=_moment(raised_on, 9),
                updated_at=_moment(closed_on or raised_on, 17),
            )
        )
    with historic_timestamps(DeliveryQuestion):
        DeliveryQuestion.objects.bulk_create(questions)
    return []


def rng_date(rng, start: datetime.date, end: datetime.date) -> datetime.date:
    """A random day in [start, end] (``start`` when the range is empty)."""
    span = (end - start).days
    return start if span <= 0 else start + _days(rng.randint(0, span))
