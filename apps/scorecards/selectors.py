"""Set-based KPI aggregation (SPEC §2.2): one GROUP BY query per figure over all reps at once.

Each function returns ``{rep_id: row}`` of plain aggregates; no order, receivable or payment
ever reaches Python. The number of queries does not depend on the number of reps or orders.

Money is summed exactly on every backend: amounts are taken in cents and credit percentages
in hundredths of a percent, multiplied as integers and summed as integers (SQLite would
otherwise sum decimals as floats); :func:`share_to_money` turns the sum back into a Decimal.
An order without credit rows counts 100% for its owner (LEFT JOIN + COALESCE).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import (
    Avg,
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Round
from django.utils import timezone

from apps.accounts.models import User
from apps.core.choices import Role
from apps.customers.models import Customer
from apps.opportunities.models import Opportunity
from apps.sales.models import Order, OrderCredit, Payment, Receivable
from apps.scorecards.models import RecomputeJob, Scorecard

#: Scale of a summed share: cents (×100) × hundredths of a percent (×100) ÷ 100 % = ×10⁶.
SHARE_SCALE = Decimal(1_000_000)
#: Up to this many reps, money figures are read from the reps' own credit rows (indexed by
#: rep: a refresh of a few reps reads only their orders); beyond it, one pass over the
#: period's orders serves everyone and is filtered by rep.
FEW_REPS = 50


def share_to_money(value) -> Decimal:
    """The exact Decimal of an integer share sum (``None`` -> 0)."""
    if value is None:
        return Decimal(0)
    return Decimal(int(value)) / SHARE_SCALE


def _cents(expression):
    return Cast(Round(expression * 100), BigIntegerField())


def _credit_annotations(order_path: str) -> dict:
    """``credit_rep`` and ``credit_bp`` (credit percent in hundredths) of every credit line of
    the order at ``order_path``; an order with no credit rows gives one line: owner, 100 %."""
    prefix = f"{order_path}__" if order_path else ""
    return {
        "credit_rep": Coalesce(F(f"{prefix}credits__rep"), F(f"{prefix}owner")),
        "credit_bp": Coalesce(_cents(F(f"{prefix}credits__percent")), Value(10_000)),
    }


def _share(amount_field: str):
    """Σ amount × credit share, as an exact integer (see :data:`SHARE_SCALE`)."""
    return _cents(F(amount_field)) * F("credit_bp")


def _rows(queryset, key: str) -> dict:
    return {row[key]: row for row in queryset}


def _restrict(queryset, field: str, rep_ids: Iterable[int] | None):
    """Rows of ``rep_ids`` only: an ``IN`` list for a few reps; for a chunk of many reps the
    cheaper id range ``[min, max]`` (chunks are runs of consecutive ids), which may return rows
    of other reps in that range: callers pick the reps they asked for from the result."""
    if rep_ids is None:
        return queryset
    rep_ids = list(rep_ids)
    if len(rep_ids) <= FEW_REPS:
        return queryset.filter(**{f"{field}__in": rep_ids})
    return queryset.filter(**{f"{field}__gte": min(rep_ids), f"{field}__lte": max(rep_ids)})


def scorecard_reps(*, rep_ids: Iterable[int] | None = None):
    """Who gets a scorecard: every active user whose role is rep or manager (a manager who
    sells is measured like a rep). HR and admin accounts get none."""
    queryset = User.objects.filter(is_active=True, role__in=[Role.REP, Role.MANAGER])
    if rep_ids is not None:
        queryset = queryset.filter(pk__in=list(rep_ids))
    return queryset.order_by("pk")


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The start of ``day`` in the site time zone (aware)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _merge(*row_sets: dict) -> dict:
    """Add up per-rep rows of the same figures (``None`` counts as nothing)."""
    merged: dict = {}
    for rows in row_sets:
        for rep, row in rows.items():
            target = merged.setdefault(rep, {})
            for name, value in row.items():
                if name in KEY_COLUMNS or value is None:
                    continue
                target[name] = (target.get(name) or 0) + value
    return merged


KEY_COLUMNS = frozenset({"credit_rep", "rep", "owner", "order__owner", "receivable__order__owner"})


def _no_credit_rows(order_path: str):
    return ~Exists(OrderCredit.objects.filter(order=OuterRef(order_path or "pk")))


def _ordered_before(start: datetime.date, customer_path: str):
    return Order.objects.filter(customer=OuterRef(customer_path), signed_on__lt=start)


def sales_by_rep(
    *,
    start: datetime.date,
    end: datetime.date,
    last_year_start: datetime.date,
    last_year_end: datetime.date,
    rep_ids: Iterable[int] | None = None,
) -> dict:
    """Per rep: ``sales``, ``new_customer_sales`` (customers whose first-ever order, over all
    reps, is in the period) and ``sales_last_year`` (the same period a year earlier), as exact
    share sums. Repeat sales are ``sales − new_customer_sales``.

    Everyone (or many reps): one query over the two periods' orders (LEFT JOIN credits). At
    most :data:`FEW_REPS` reps: two queries, one from their credit rows (indexed by rep) and
    one for their orders without credit rows, so a single refresh reads only their orders.
    """

    def sums(prefix: str) -> dict:
        share = _share(f"{prefix}amount")
        period = Q(**{f"{prefix}signed_on__gte": start, f"{prefix}signed_on__lt": end})
        return {
            "sales": Sum(share, filter=period),
            "new_customer_sales": Sum(share, filter=period & Q(is_new=True)),
            "sales_last_year": Sum(share, filter=~period),
        }

    def either(prefix: str) -> Q:
        return Q(**{f"{prefix}signed_on__gte": start, f"{prefix}signed_on__lt": end}) | Q(
            **{f"{prefix}signed_on__gte": last_year_start, f"{prefix}signed_on__lt": last_year_end}
        )

    rep_ids = None if rep_ids is None else list(rep_ids)
    if rep_ids is None or len(rep_ids) > FEW_REPS:
        queryset = (
            Order.objects.filter(either(""))
            .annotate(**_credit_annotations(""))
            .annotate(is_new=~Exists(_ordered_before(start, "customer")))
        )
        queryset = _restrict(queryset, "credit_rep", rep_ids)
        return _rows(queryset.values("credit_rep").annotate(**sums("")), "credit_rep")
    credited = (
        OrderCredit.objects.filter(either("order__"), rep__in=rep_ids)
        .annotate(
            credit_bp=_cents(F("percent")),
            is_new=~Exists(_ordered_before(start, "order__customer")),
        )
        .values("rep")
        .annotate(**sums("order__"))
    )
    orphans = (
        Order.objects.filter(either(""), _no_credit_rows(""), owner__in=rep_ids)
        .annotate(credit_bp=Value(10_000), is_new=~Exists(_ordered_before(start, "customer")))
        .values("owner")
        .annotate(**sums(""))
    )
    return _merge(_rows(credited, "rep"), _rows(orphans, "owner"))


def collection_by_rep(
    *, start: datetime.date, end: datetime.date, rep_ids: Iterable[int] | None = None
) -> dict:
    """Per rep: ``receivable_due`` (their share of receivables due in the period) and
    ``collected`` (their share of the payments against those receivables made before the
    period ends), as exact share sums. Two queries for everyone; four for a few reps
    (credit rows first, then orders without credit rows, as in :func:`sales_by_rep`)."""
    due_in = {"due_on__gte": start, "due_on__lt": end}
    rep_ids = None if rep_ids is None else list(rep_ids)
    if rep_ids is None or len(rep_ids) > FEW_REPS:
        due = Receivable.objects.filter(**due_in).annotate(**_credit_annotations("order"))
        due = _restrict(due, "credit_rep", rep_ids)
        paid = Payment.objects.filter(
            receivable__due_on__gte=start, receivable__due_on__lt=end, paid_on__lt=end
        ).annotate(**_credit_annotations("receivable__order"))
        paid = _restrict(paid, "credit_rep", rep_ids)
        return _merge(
            _rows(
                due.values("credit_rep").annotate(receivable_due=Sum(_share("amount"))),
                "credit_rep",
            ),
            _rows(
                paid.values("credit_rep").annotate(collected=Sum(_share("amount"))), "credit_rep"
            ),
        )
    receivables = "order__receivables__"
    credit_due = (
        OrderCredit.objects.filter(
            rep__in=rep_ids, **{f"{receivables}{k}": v for k, v in due_in.items()}
        )
        .annotate(credit_bp=_cents(F("percent")))
        .values("rep")
        .annotate(receivable_due=Sum(_share(f"{receivables}amount")))
    )
    credit_paid = (
        OrderCredit.objects.filter(
            rep__in=rep_ids,
            **{f"{receivables}{k}": v for k, v in due_in.items()},
            **{f"{receivables}payments__paid_on__lt": end},
        )
        .annotate(credit_bp=_cents(F("percent")))
        .values("rep")
        .annotate(collected=Sum(_share(f"{receivables}payments__amount")))
    )
    orphan_due = (
        Receivable.objects.filter(_no_credit_rows("order"), order__owner__in=rep_ids, **due_in)
        .annotate(credit_bp=Value(10_000))
        .values("order__owner")
        .annotate(receivable_due=Sum(_share("amount")))
    )
    orphan_paid = (
        Payment.objects.filter(
            _no_credit_rows("receivable__order"),
            receivable__due_on__gte=start,
            receivable__due_on__lt=end,
            paid_on__lt=end,
            receivable__order__owner__in=rep_ids,
        )
        .annotate(credit_bp=Value(10_000))
        .values("receivable__order__owner")
        .annotate(collected=Sum(_share("amount")))
    )
    return _merge(
        _rows(credit_due, "rep"),
        _rows(credit_paid, "rep"),
        _rows(orphan_due, "order__owner"),
        _rows(orphan_paid, "receivable__order__owner"),
    )


def _confirmed_negotiations():
    return Opportunity.objects.filter(
        customer=OuterRef("pk"), needs_confirmed=True, negotiation_reached_at__isnull=False
    )


def new_customers_by_owner(
    *,
    start: datetime.date,
    end: datetime.date,
    grade_weights: dict[str, Decimal],
    rep_ids: Iterable[int] | None = None,
) -> dict:
    """Per owner: ``new_customers`` and ``weighted_x100`` (Σ grade weight × 100) of the
    customers developed in the period.

    A customer's development date is the earlier of its first-ever order and the first time one
    of its opportunities with needs confirmed reached negotiation (as a date in the site time
    zone). It is in [start, end) exactly when something happened in the period and nothing
    happened before it, which also counts each customer once ever.
    """
    start_at, end_at = local_midnight(start), local_midnight(end)
    negotiated = Opportunity.objects.filter(
        needs_confirmed=True,
        negotiation_reached_at__gte=start_at,
        negotiation_reached_at__lt=end_at,
    )
    ordered = Order.objects.filter(signed_on__gte=start, signed_on__lt=end)
    if rep_ids is not None and len(rep_ids := list(rep_ids)) <= FEW_REPS:
        # A few reps: probe their customers one by one (indexed by customer).
        active = Exists(ordered.filter(customer=OuterRef("pk"))) | Exists(
            negotiated.filter(customer=OuterRef("pk"))
        )
    else:
        # Everyone: hash the period's customers once.
        active = Q(pk__in=ordered.values("customer")) | Q(pk__in=negotiated.values("customer"))
    queryset = Customer.objects.filter(active).filter(
        ~Exists(Order.objects.filter(customer=OuterRef("pk"), signed_on__lt=start)),
        ~Exists(_confirmed_negotiations().filter(negotiation_reached_at__lt=start_at)),
    )
    queryset = _restrict(queryset, "owner", rep_ids)
    default = int(grade_weights.get("", Decimal(1)) * 100)
    weight = Case(
        *[
            When(lead_grade=grade, then=Value(int(w * 100)))
            for grade, w in grade_weights.items()
            if grade
        ],
        default=Value(default),
        output_field=IntegerField(),
    )
    return _rows(
        queryset.values("owner").annotate(new_customers=Count("pk"), weighted_x100=Sum(weight)),
        "owner",
    )


def retention_by_owner(
    *, start: datetime.date, end: datetime.date, rep_ids: Iterable[int] | None = None
) -> dict:
    """Per owner: ``customers_at_start`` (customers with an order signed before the period and
    not lost before it) and ``customers_lost`` (of those, lost within the period)."""
    queryset = Customer.objects.filter(
        Q(lost_on__isnull=True) | Q(lost_on__gte=start),
        Exists(Order.objects.filter(customer=OuterRef("pk"), signed_on__lt=start)),
    )
    queryset = _restrict(queryset, "owner", rep_ids)
    return _rows(
        queryset.values("owner").annotate(
            customers_at_start=Count("pk"),
            customers_lost=Count("pk", filter=Q(lost_on__gte=start, lost_on__lt=end)),
        ),
        "owner",
    )


# --- Reads of stored scorecards --------------------------------------------------------------


def scorecard_list(*, user):
    """The scorecards ``user`` may see, with rep and team joined."""
    return Scorecard.objects.visible_to(user).select_related("rep", "rep__team")


def recompute_job_list(*, user):
    return RecomputeJob.objects.visible_to(user)


def team_average(scorecard) -> dict:
    """The average score and KPI values of the rep's team for the same period (one query)."""
    if scorecard.rep.team_id is None:
        return {}
    return Scorecard.objects.filter(
        period_key=scorecard.period_key, rep__team_id=scorecard.rep.team_id
    ).aggregate(
        score=Avg("score"),
        sales=Avg("sales"),
        sales_achievement_rate=Avg("sales_achievement_rate"),
        new_customers_weighted=Avg("new_customers_weighted"),
        collection_rate=Avg("collection_rate"),
        members=Count("pk"),
    )


def rep_monthly_history(*, rep, months: list[str]) -> list[dict]:
    """The rep's monthly scorecards for ``months`` beside their team's averages (two
    queries): ``[{"period", "card", "team": {score, sales_achievement_rate, ...}}]``."""
    cards = {
        card.period_key: card for card in Scorecard.objects.filter(rep=rep, period_key__in=months)
    }
    averages = {}
    if rep.team_id is not None:
        averages = {
            row["period_key"]: row
            for row in Scorecard.objects.filter(rep__team_id=rep.team_id, period_key__in=months)
            .values("period_key")
            .annotate(
                score=Avg("score"),
                sales=Avg("sales"),
                sales_achievement_rate=Avg("sales_achievement_rate"),
                new_customers_weighted=Avg("new_customers_weighted"),
                collection_rate=Avg("collection_rate"),
                members=Count("pk"),
            )
        }
    return [
        {"period": key, "card": cards.get(key), "team": averages.get(key, {})} for key in months
    ]


def reps_of_customers(customer_ids: list[int]) -> set[int]:
    """The owners of ``customer_ids`` and every rep credited on (or owning) one of their
    orders (one query)."""
    owners = Customer.objects.filter(pk__in=customer_ids).order_by().values_list("owner_id")
    credited = (
        OrderCredit.objects.filter(order__customer__in=customer_ids)
        .order_by()
        .values_list("rep_id")
    )
    sellers = Order.objects.filter(customer__in=customer_ids).order_by().values_list("owner_id")
    return {rep_id for (rep_id,) in owners.union(credited, sellers)}
