"""Reads of orders, receivables, payments and deliveries. Sums are computed by the database
(``annotate`` / ``aggregate``), never by looping over rows in Python."""

import datetime
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.sales.choices import AGING_BUCKETS, DeliveryStatus
from apps.sales.models import (
    Delivery,
    DeliveryQuestion,
    Order,
    OrderCredit,
    Payment,
    Receivable,
)

MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY_FIELD)


def _sum_subquery(queryset, field: str):
    """A correlated ``SUM(field)`` over ``queryset`` (already filtered by ``OuterRef``), 0 when
    there is no row. Used where a plain ``Sum`` over a join would multiply rows."""
    summed = (
        queryset.order_by()
        .annotate(_group=Value(1))
        .values("_group")
        .annotate(total=Sum(field))
        .values("total")
    )
    return Coalesce(Subquery(summed, output_field=MONEY_FIELD), ZERO, output_field=MONEY_FIELD)


def receivable_paid_subquery(*, as_of: datetime.date | None = None, outer: str = "pk"):
    """Paid amount of the receivable at ``OuterRef(outer)`` (payments up to ``as_of``)."""
    payments = Payment.objects.filter(receivable=OuterRef(outer))
    if as_of is not None:
        payments = payments.filter(paid_on__lte=as_of)
    return _sum_subquery(payments, "amount")


# --- Orders --------------------------------------------------------------------------------


def order_totals(queryset):
    """Annotate ``receivable_total`` and ``paid_total`` on an order queryset."""
    return queryset.annotate(
        receivable_total=_sum_subquery(Receivable.objects.filter(order=OuterRef("pk")), "amount"),
        paid_total=_sum_subquery(
            Payment.objects.filter(receivable__order=OuterRef("pk")), "amount"
        ),
    )


def credits_prefetch() -> Prefetch:
    return Prefetch(
        "credits", queryset=OrderCredit.objects.select_related("rep").order_by("-percent", "rep_id")
    )


def order_list(*, user):
    """Orders ``user`` may see, with their totals, customer, owner and credits: the number of
    queries does not depend on the number of orders."""
    return order_totals(
        Order.objects.visible_to(user)
        .select_related("customer", "owner", "opportunity")
        .prefetch_related(credits_prefetch())
    )


def order_detail(*, user, pk: int) -> Order:
    return order_list(user=user).get(pk=pk)


# --- Receivables ---------------------------------------------------------------------------


def receivable_balances(queryset, *, today: datetime.date | None = None):
    """Annotate ``paid`` (sum of payments), ``open`` (amount − paid) and ``is_overdue`` (open
    and past due as of ``today``) on a receivable queryset."""
    today = today or timezone.localdate()
    return queryset.annotate(
        paid=Coalesce(Sum("payments__amount"), ZERO, output_field=MONEY_FIELD),
    ).annotate(
        open=ExpressionWrapper(F("amount") - F("paid"), output_field=MONEY_FIELD),
        is_overdue=Case(
            When(Q(due_on__lt=today) & Q(open__gt=0), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def receivable_list(*, user, today: datetime.date | None = None):
    return receivable_balances(
        Receivable.objects.visible_to(user).select_related(
            "order", "order__customer", "order__owner"
        ),
        today=today,
    ).order_by("due_on", "pk")


def receivable_open_amount(*, receivable: Receivable) -> Decimal:
    """What is still open on one receivable (one aggregate query)."""
    paid = receivable.payments.aggregate(
        total=Coalesce(Sum("amount"), ZERO, output_field=MONEY_FIELD)
    )["total"]
    return receivable.amount - paid


def order_receivable_total(*, order: Order, exclude_pk: int | None = None) -> Decimal:
    receivables = Receivable.objects.filter(order=order)
    if exclude_pk is not None:
        receivables = receivables.exclude(pk=exclude_pk)
    return receivables.aggregate(total=Coalesce(Sum("amount"), ZERO, output_field=MONEY_FIELD))[
        "total"
    ]


# --- Payments ------------------------------------------------------------------------------


def payment_list(*, user):
    return Payment.objects.visible_to(user).select_related(
        "receivable",
        "receivable__order",
        "receivable__order__customer",
        "receivable__order__owner",
        "recorded_by",
    )


# --- Deliveries ----------------------------------------------------------------------------


def delivery_list(*, user):
    return Delivery.objects.visible_to(user).select_related(
        "order", "order__customer", "order__owner"
    )


def delivery_question_list(*, user):
    return DeliveryQuestion.objects.visible_to(user).select_related(
        "delivery", "delivery__order", "delivery__order__customer"
    )


def deliveries_completed_between(*, start: datetime.date, end: datetime.date):
    """Delivered deliveries whose actual date is in [start, end], with their order's customer
    and owner (one query). Not scoped: for background jobs such as follow-up reminders."""
    return (
        Delivery.objects.filter(
            status=DeliveryStatus.DELIVERED, delivered_on__gte=start, delivered_on__lte=end
        )
        .select_related("order", "order__customer", "order__owner")
        .order_by("delivered_on", "pk")
    )


# --- Customer aging ------------------------------------------------------------------------

AGING_KEYS = [key for key, _low, _high in AGING_BUCKETS]


def _bucket_condition(low: int | None, high: int | None, as_of: datetime.date) -> Q:
    """Days past due = as_of − due_on; a bucket [low, high] becomes a range on ``due_on``."""
    q = Q()
    if high is not None:
        q &= Q(due_on__gte=as_of - datetime.timedelta(days=high))
    if low is not None:
        q &= Q(due_on__lte=as_of - datetime.timedelta(days=low))
    return q


def customer_aging(*, receivables, as_of: datetime.date | None = None) -> dict:
    """Open receivables per customer in aging buckets, as of ``as_of`` (default today).

    ``receivables`` is a Receivable queryset already scoped (``visible_to``) and filtered. A
    receivable counts when issued on or before ``as_of``; its open amount is its amount less
    the payments made up to ``as_of``. All buckets of all customers come from ONE aggregate
    query; the totals row adds up those rows.

    Returns ``{"as_of": date, "rows": [{customer_id, customer_name, current, 1_30, ...,
    total}], "totals": {current, ..., total}}``.
    """
    as_of = as_of or timezone.localdate()
    open_amount = ExpressionWrapper(
        F("amount") - receivable_paid_subquery(as_of=as_of), output_field=MONEY_FIELD
    )
    base = (
        receivables.filter(issued_on__lte=as_of)
        .annotate(open_amount=open_amount)
        .filter(open_amount__gt=0)
        .order_by()
    )
    aggregates = {
        key: Coalesce(
            Sum(
                Case(
                    When(_bucket_condition(low, high, as_of), then=F("open_amount")),
                    default=ZERO,
                    output_field=MONEY_FIELD,
                )
            ),
            ZERO,
            output_field=MONEY_FIELD,
        )
        for key, low, high in AGING_BUCKETS
    }
    aggregates["total"] = Coalesce(Sum("open_amount"), ZERO, output_field=MONEY_FIELD)
    rows = list(
        base.values(customer_id=F("order__customer_id"), customer_name=F("order__customer__name"))
        .annotate(**aggregates)
        .order_by("customer_name", "customer_id")
    )
    return {"as_of": as_of, "rows": rows, "totals": aging_totals(rows)}


def aging_totals(rows: list[dict]) -> dict:
    """The totals row of an aging table: the column sums of its (already aggregated) rows."""
    keys = [*AGING_KEYS, "total"]
    return {key: sum((row[key] for row in rows), Decimal("0.00")) for key in keys}


# --- Customer page -------------------------------------------------------------------------


def customer_open_balance(*, user, obj, today: datetime.date | None = None) -> dict:
    """What customer ``obj`` still owes, as ``user`` sees it (one aggregate query): the open
    amount of its receivables (amount less all payments so far, receivables with something
    open only) and the overdue part (due before ``today``, default today).

    Returns ``{"open", "overdue", "open_count", "overdue_count"}``; registered as the customer
    page's ``open_balance`` (see :mod:`apps.core.related`).
    """
    today = today or timezone.localdate()
    is_open = Q(open_amount__gt=0)
    is_overdue = is_open & Q(due_on__lt=today)
    totals = (
        Receivable.objects.visible_to(user)
        .filter(order__customer=obj)
        .annotate(
            open_amount=ExpressionWrapper(
                F("amount") - receivable_paid_subquery(), output_field=MONEY_FIELD
            )
        )
        .aggregate(
            open=Coalesce(Sum("open_amount", filter=is_open), ZERO, output_field=MONEY_FIELD),
            overdue=Coalesce(Sum("open_amount", filter=is_overdue), ZERO, output_field=MONEY_FIELD),
            open_count=Count("pk", filter=is_open),
            overdue_count=Count("pk", filter=is_overdue),
        )
    )
    return totals
