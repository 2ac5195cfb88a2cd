"""Demo performance pay (run after the scorecards, reviews and sales demos): the pay run of the
month before last, computed and CLOSED, and the run of last month, computed and OPEN for
review; then a payment of the closed month recorded late (through the sales service), the
rep's scorecard of that month recomputed and the closed month corrected, so the open run
carries an adjustment line. Everything goes through the services, the runs computed
synchronously through the job functions (no Celery)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.accounts.models import User
from apps.core.choices import Role
from apps.core.demo import words
from apps.pay import services
from apps.pay.models import PayAdjustment, PayRun
from apps.performance import periods
from apps.sales.models import Receivable
from apps.sales.services import payment_record
from apps.scorecards.services import scorecards_recompute

TEXT = {
    "zh-hans": {
        "reason": "{month} 的一笔回款延迟登记（{customer}），重新计算当月绩效工资。",
        "reference": "补登回款",
    },
    "en": {
        "reason": "A payment of {month} was recorded late ({customer}): the month's pay is "
        "corrected.",
        "reference": "Recorded late",
    },
}
#: Receivables tried for the late payment before giving up (a collection rate already at the
#: cap changes no pay).
CANDIDATES = 12


def _hr(context):
    return context.get("hr") or (
        User.objects.filter(role=Role.HR, is_active=True).order_by("pk").first()
    )


def compute_now(run: PayRun) -> PayRun:
    """The run's job, now, in this process (what the Celery tasks do)."""
    for round_, number in services.pay_run_start(run_id=run.pk):
        services.pay_run_compute_chunk(run_id=run.pk, round=round_, number=number)
    run.refresh_from_db()
    return run


def _late_payment(closed: PayRun, hr, text) -> list[PayAdjustment]:
    """Record a payment of the closed month late and correct the month; the first receivable
    due in the month (still open, of a person paid) whose payment moves the pay wins."""
    paid_people = closed.statements.values("person_id")
    money = DecimalField(max_digits=16, decimal_places=2)
    candidates = (
        Receivable.objects.filter(
            due_on__gte=closed.period_start,
            due_on__lt=closed.period_end,
            issued_on__lt=closed.period_end,
            order__owner__in=paid_people,
        )
        .annotate(paid=Coalesce(Sum("payments__amount"), Value(Decimal("0")), output_field=money))
        .select_related("order__owner", "order__customer")
        .order_by("due_on", "pk")
    )
    last_day = closed.period_end - datetime.timedelta(days=1)
    tried = 0
    for receivable in candidates:
        open_amount = receivable.amount - receivable.paid
        if open_amount <= 0:
            continue
        tried += 1
        if tried > CANDIDATES:
            break
        owner = receivable.order.owner
        payment_record(
            actor=owner,
            receivable=receivable,
            amount=open_amount,
            paid_on=max(last_day, receivable.issued_on),
            reference=text["reference"],
        )
        scorecards_recompute(period_key=closed.period_key, rep_ids=[owner.pk])
        adjustments = services.pay_run_correct(
            actor=hr,
            run=closed,
            reason=text["reason"].format(
                month=closed.period_key, customer=receivable.order.customer
            ),
        )
        if adjustments:
            return adjustments
    return []


def build(rng, context: dict) -> list[str]:
    if PayRun.objects.exists():
        return []  # built before
    hr = _hr(context)
    if hr is None:
        return ["Pay: no HR person; no pay runs built."]
    text = words(context, TEXT)
    today = timezone.localdate()
    last = periods.period_containing(periods.MONTH, today).previous()
    before_last = last.previous()

    closed = compute_now(services.pay_run_open(actor=hr, period_key=before_last.key, today=today))
    closed = services.pay_run_close(actor=hr, run=closed)
    current = compute_now(services.pay_run_open(actor=hr, period_key=last.key, today=today))
    adjustments = _late_payment(closed, hr, text)

    lines = [
        f"Pay {closed.period_key}: {closed.statements.count()} statements, closed.",
        f"Pay {current.period_key}: {current.statements.count()} statements, open for review.",
    ]
    if adjustments:
        lines.append(
            f"Pay correction of {closed.period_key}: adjustments in {current.period_key} of "
            f"{', '.join(f'{a.amount:.2f}' for a in adjustments)}."
        )
    else:
        lines.append(f"Pay correction of {closed.period_key}: no late payment changed any pay.")
    return lines
