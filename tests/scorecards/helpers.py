"""Helpers of the scorecards tests: dates, orders and weight schemes written directly."""

import datetime
from decimal import Decimal

from django.utils import timezone

from apps.performance.models import WeightScheme, WeightSchemeItem
from apps.scorecards.models import Scorecard
from apps.scorecards.services import scorecards_recompute
from tests.factories import OrderFactory, PaymentFactory, ReceivableFactory

D = Decimal


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def local_dt(text: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


def order(rep, customer, amount, signed_on, credits=None):
    kwargs = {"owner": rep, "customer": customer, "amount": D(amount), "signed_on": day(signed_on)}
    if credits is not None:
        kwargs["credits"] = credits
    return OrderFactory(**kwargs)


def receivable(order_obj, amount, due_on):
    due = day(due_on)
    return ReceivableFactory(
        order=order_obj, amount=D(amount), issued_on=due - datetime.timedelta(days=30), due_on=due
    )


def payment(receivable_obj, amount, paid_on):
    return PaymentFactory(receivable=receivable_obj, amount=D(amount), paid_on=day(paid_on))


def scheme(cycle, items, *, version=1, effective_from="2020-01-01"):
    """A weight scheme: ``items`` = {kpi: (weight, target[, cap])}."""
    obj = WeightScheme.objects.create(
        name=f"{cycle} v{version}",
        cycle=cycle,
        version=version,
        effective_from=day(effective_from),
    )
    for kpi, spec in items.items():
        weight, target, *rest = spec
        WeightSchemeItem.objects.create(
            scheme=obj, kpi=kpi, weight=D(weight), target=D(target), cap=D(rest[0] if rest else 120)
        )
    return obj


#: The fields a recompute writes, but for the time it ran.
FIGURE_FIELDS = [f.name for f in Scorecard._meta.fields if f.name not in ("id", "computed_at")]


def figures_of(scorecard: Scorecard) -> dict:
    return {name: getattr(scorecard, name) for name in FIGURE_FIELDS}


def card(rep, key) -> Scorecard:
    """The rep's scorecard of ``key`` recomputed for everyone, after checking that refreshing
    the rep alone (the one-statement path) writes exactly the same figures."""
    scorecards_recompute(period_key=key)
    everyone = Scorecard.objects.get(rep=rep, period_key=key)
    scorecards_recompute(period_key=key, rep_ids=[rep.pk])
    alone = Scorecard.objects.get(rep=rep, period_key=key)
    assert figures_of(alone) == figures_of(everyone)
    return alone
