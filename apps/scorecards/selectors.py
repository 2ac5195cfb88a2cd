"""Set-based KPI aggregation (SPEC §2.2): one GROUP BY query per figure over all reps at once.

Each function returns ``{rep_id: row}`` of plain aggregates; no order, receivable or payment
ever reaches Python. The number of queries does not depend on the number of reps or orders.
A refresh of a few reps reads the same per-rep figures, and everything else it needs, in one
statement (:func:`rep_scorecard_inputs`).

Money is summed exactly on every backend: amounts are taken in cents and credit percentages
in hundredths of a percent, multiplied as integers and summed as integers (SQLite would
otherwise sum decimals as floats); :func:`share_to_money` turns the sum back into a Decimal.
An order without credit rows counts 100% for its owner (LEFT JOIN + COALESCE).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
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
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, JSONObject, Round
from django.utils import timezone

from apps.accounts.models import User
from apps.core.choices import Role
from apps.customers.models import Customer
from apps.opportunities.models import Opportunity
from apps.performance.models import PeriodSetting, Target, WeightScheme
from apps.sales.models import Order, OrderCredit, Payment, Receivable
from apps.scorecards.models import RecomputeJob, Scorecard, StaleRepPeriod

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


def _in_period(prefix: str, start: datetime.date, end: datetime.date) -> Q:
    return Q(**{f"{prefix}signed_on__gte": start, f"{prefix}signed_on__lt": end})


def _sales_sums(prefix: str, start: datetime.date, end: datetime.date) -> dict:
    """``sales``, ``new_customer_sales`` and ``sales_last_year`` of rows annotated with
    ``credit_bp`` and ``is_new`` that lie in the period or the same period a year earlier."""
    share = _share(f"{prefix}amount")
    period = _in_period(prefix, start, end)
    return {
        "sales": Sum(share, filter=period),
        "new_customer_sales": Sum(share, filter=period & Q(is_new=True)),
        "sales_last_year": Sum(share, filter=~period),
    }


#: A source of figures for a few reps: (queryset, the rep column, {figure: aggregate}).
#: :func:`_grouped` runs it as ``GROUP BY rep``; :func:`_per_rep` nests it in a per-rep row.
Source = tuple[QuerySet, str, dict]


def _only(field: str, reps) -> Q:
    """Rows whose ``field`` is one of ``reps`` (a list of ids) or, when ``reps`` is
    ``OuterRef``-able (see :func:`rep_scorecard_inputs`), the outer row's rep."""
    if isinstance(reps, OuterRef):
        return Q(**{field: reps})
    return Q(**{f"{field}__in": reps})


def _few_reps_sales(*, start, end, last_year_start, last_year_end, reps) -> list[Source]:
    """The reps' credit rows (indexed by rep) and their orders without credit rows."""
    either = _in_period("order__", start, end) | _in_period(
        "order__", last_year_start, last_year_end
    )
    credited = OrderCredit.objects.filter(either, _only("rep", reps)).annotate(
        credit_bp=_cents(F("percent")),
        is_new=~Exists(_ordered_before(start, "order__customer")),
    )
    either = _in_period("", start, end) | _in_period("", last_year_start, last_year_end)
    orphans = Order.objects.filter(either, _no_credit_rows(""), _only("owner", reps)).annotate(
        credit_bp=Value(10_000), is_new=~Exists(_ordered_before(start, "customer"))
    )
    return [
        (credited, "rep", _sales_sums("order__", start, end)),
        (orphans, "owner", _sales_sums("", start, end)),
    ]


def _few_reps_collection(*, start, end, reps) -> list[Source]:
    """Credit rows first, then orders without credit rows, as in :func:`_few_reps_sales`."""
    due_in = {"due_on__gte": start, "due_on__lt": end}
    receivables = "order__receivables__"
    credit_due = OrderCredit.objects.filter(
        _only("rep", reps), **{f"{receivables}{k}": v for k, v in due_in.items()}
    ).annotate(credit_bp=_cents(F("percent")))
    credit_paid = OrderCredit.objects.filter(
        _only("rep", reps),
        **{f"{receivables}{k}": v for k, v in due_in.items()},
        **{f"{receivables}payments__paid_on__lt": end},
    ).annotate(credit_bp=_cents(F("percent")))
    orphan_due = Receivable.objects.filter(
        _no_credit_rows("order"), _only("order__owner", reps), **due_in
    ).annotate(credit_bp=Value(10_000))
    orphan_paid = Payment.objects.filter(
        _no_credit_rows("receivable__order"),
        _only("receivable__order__owner", reps),
        receivable__due_on__gte=start,
        receivable__due_on__lt=end,
        paid_on__lt=end,
    ).annotate(credit_bp=Value(10_000))
    return [
        (credit_due, "rep", {"receivable_due": Sum(_share(f"{receivables}amount"))}),
        (credit_paid, "rep", {"collected": Sum(_share(f"{receivables}payments__amount"))}),
        (orphan_due, "order__owner", {"receivable_due": Sum(_share("amount"))}),
        (orphan_paid, "receivable__order__owner", {"collected": Sum(_share("amount"))}),
    ]


def _grouped(source: Source) -> dict:
    queryset, key, aggregates = source
    return _rows(queryset.values(key).annotate(**aggregates), key)


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
    rep_ids = None if rep_ids is None else list(rep_ids)
    if rep_ids is None or len(rep_ids) > FEW_REPS:
        either = _in_period("", start, end) | _in_period("", last_year_start, last_year_end)
        queryset = (
            Order.objects.filter(either)
            .annotate(**_credit_annotations(""))
            .annotate(is_new=~Exists(_ordered_before(start, "customer")))
        )
        queryset = _restrict(queryset, "credit_rep", rep_ids)
        return _rows(
            queryset.values("credit_rep").annotate(**_sales_sums("", start, end)), "credit_rep"
        )
    sources = _few_reps_sales(
        start=start,
        end=end,
        last_year_start=last_year_start,
        last_year_end=last_year_end,
        reps=rep_ids,
    )
    return _merge(*map(_grouped, sources))


def collection_by_rep(
    *, start: datetime.date, end: datetime.date, rep_ids: Iterable[int] | None = None
) -> dict:
    """Per rep: ``receivable_due`` (their share of receivables due in the period) and
    ``collected`` (their share of the payments against those receivables made before the
    period ends), as exact share sums. Two queries for everyone; four for a few reps
    (credit rows first, then orders without credit rows, as in :func:`sales_by_rep`)."""
    rep_ids = None if rep_ids is None else list(rep_ids)
    if rep_ids is None or len(rep_ids) > FEW_REPS:
        due = Receivable.objects.filter(due_on__gte=start, due_on__lt=end).annotate(
            **_credit_annotations("order")
        )
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
    return _merge(*map(_grouped, _few_reps_collection(start=start, end=end, reps=rep_ids)))


def _confirmed_negotiations():
    return Opportunity.objects.filter(
        customer=OuterRef("pk"), needs_confirmed=True, negotiation_reached_at__isnull=False
    )


def _developed_customers(*, start: datetime.date, end: datetime.date, probe: bool):
    """Customers developed in [start, end) (see :func:`new_customers_by_owner`). ``probe``:
    test the customers one by one (indexed by customer: right for a few reps' customers)
    rather than hash the period's customers once (right for everyone)."""
    start_at, end_at = local_midnight(start), local_midnight(end)
    negotiated = Opportunity.objects.filter(
        needs_confirmed=True,
        negotiation_reached_at__gte=start_at,
        negotiation_reached_at__lt=end_at,
    )
    ordered = Order.objects.filter(signed_on__gte=start, signed_on__lt=end)
    if probe:
        active = Exists(ordered.filter(customer=OuterRef("pk"))) | Exists(
            negotiated.filter(customer=OuterRef("pk"))
        )
    else:
        active = Q(pk__in=ordered.values("customer")) | Q(pk__in=negotiated.values("customer"))
    return Customer.objects.filter(active).filter(
        ~Exists(Order.objects.filter(customer=OuterRef("pk"), signed_on__lt=start)),
        ~Exists(_confirmed_negotiations().filter(negotiation_reached_at__lt=start_at)),
    )


def _development_sums(grade_weights: dict[str, Decimal]) -> dict:
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
    return {"new_customers": Count("pk"), "weighted_x100": Sum(weight)}


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
    rep_ids = None if rep_ids is None else list(rep_ids)
    few = rep_ids is not None and len(rep_ids) <= FEW_REPS
    queryset = _developed_customers(start=start, end=end, probe=few)
    queryset = _restrict(queryset, "owner", rep_ids)
    return _rows(queryset.values("owner").annotate(**_development_sums(grade_weights)), "owner")


def _retained_customers(start: datetime.date):
    return Customer.objects.filter(
        Q(lost_on__isnull=True) | Q(lost_on__gte=start),
        Exists(Order.objects.filter(customer=OuterRef("pk"), signed_on__lt=start)),
    )


def _retention_sums(start: datetime.date, end: datetime.date) -> dict:
    return {
        "customers_at_start": Count("pk"),
        "customers_lost": Count("pk", filter=Q(lost_on__gte=start, lost_on__lt=end)),
    }


def retention_by_owner(
    *, start: datetime.date, end: datetime.date, rep_ids: Iterable[int] | None = None
) -> dict:
    """Per owner: ``customers_at_start`` (customers with an order signed before the period and
    not lost before it) and ``customers_lost`` (of those, lost within the period)."""
    queryset = _restrict(_retained_customers(start), "owner", rep_ids)
    return _rows(queryset.values("owner").annotate(**_retention_sums(start, end)), "owner")


# --- A few reps in one statement -------------------------------------------------------------


def _per_rep(source: Source) -> Subquery:
    """``source`` for the outer row's rep only, as one JSON object of its figures (``null``
    when the rep has no row): the aggregates are exact integers, which JSON keeps exact."""
    queryset, key, aggregates = source
    return Subquery(
        queryset.values(key).annotate(figures=JSONObject(**aggregates)).values("figures")
    )


def _rep_inputs_queryset(
    *,
    start: datetime.date,
    end: datetime.date,
    last_year_start: datetime.date,
    last_year_end: datetime.date,
    period_key: str,
    cycle: str,
    rep_ids: list[int],
    grade_weights: dict[str, Decimal],
    marked_before: datetime.datetime,
):
    """The one statement of :func:`rep_scorecard_inputs` (a values queryset)."""
    rep = OuterRef("pk")
    sources = [
        *_few_reps_sales(
            start=start,
            end=end,
            last_year_start=last_year_start,
            last_year_end=last_year_end,
            reps=rep,
        ),
        *_few_reps_collection(start=start, end=end, reps=rep),
        (
            _developed_customers(start=start, end=end, probe=True).filter(owner=rep),
            "owner",
            _development_sums(grade_weights),
        ),
        (_retained_customers(start).filter(owner=rep), "owner", _retention_sums(start, end)),
    ]
    target = Target.objects.filter(rep=rep, period_key=period_key)
    setting = PeriodSetting.objects.filter(period_key=period_key)
    scheme = WeightScheme.objects.filter(cycle=cycle, effective_from__lte=start).order_by(
        "-effective_from", "-version"
    )
    marks = StaleRepPeriod.objects.filter(
        period_key=period_key, rep__in=rep_ids, marked_at__lte=marked_before
    )
    queryset = scorecard_reps(rep_ids=rep_ids).annotate(
        **{f"source_{index}": _per_rep(source) for index, source in enumerate(sources)},
        **{
            name: Subquery(target.values(name)[:1])
            for name in ("sales_target", "new_customers_target", "collection_rate_target")
        },
        **{
            name: Subquery(setting.values(name)[:1])
            for name in ("industry_growth_rate", "challenge_margin")
        },
        scheme_id=Subquery(scheme.values("pk")[:1]),
        scheme_version=Subquery(scheme.values("version")[:1]),
        stale_marks=Exists(marks),
    )
    return queryset.values("pk", *queryset.query.annotations)


#: Sentinel inputs the statement of :func:`rep_scorecard_inputs` is compiled with once: each
#: is recognisable among the compiled parameters and replaced by the call's own value.
_SENTINEL_DAYS = {
    "start": datetime.date(1001, 1, 5),
    "end": datetime.date(1001, 1, 9),
    "last_year_start": datetime.date(1001, 1, 13),
    "last_year_end": datetime.date(1001, 1, 17),
}
_SENTINEL_TEXTS = {"period_key": "~period~", "cycle": "~cycle~"}
_SENTINEL_MARKED_BEFORE = datetime.datetime(1001, 1, 21, 3, 4, 5, tzinfo=datetime.UTC)
_SENTINEL_REP = -987_654_000
#: (connection alias, vendor, number of reps, grade weights) -> compiled statement, or
#: ``None`` when the statement cannot be reused (then it is built for every call).
_statements: dict = {}


@dataclass(frozen=True)
class _Statement:
    sql: str
    #: Per parameter: ``(True, input name)`` to substitute or ``(False, constant)``.
    params: tuple
    names: tuple
    converters: dict


def _inputs(
    *, period, rep_ids, cycle, grade_weights, marked_before, days: dict | None = None
) -> dict:
    """The named inputs of :func:`_rep_inputs_queryset` for ``period`` (or sentinel ``days``)."""
    if days is None:
        last_year = period.same_period_last_year()
        days = {
            "start": period.start,
            "end": period.end,
            "last_year_start": last_year.start,
            "last_year_end": last_year.end,
        }
    return {
        **days,
        "period_key": period.key if period is not None else _SENTINEL_TEXTS["period_key"],
        "cycle": cycle,
        "rep_ids": list(rep_ids),
        "grade_weights": grade_weights,
        "marked_before": marked_before,
    }


def _adapted(inputs: dict) -> dict:
    """Every input as it appears among compiled parameters, by name."""
    ops = connection.ops
    adapted = {name: ops.adapt_datefield_value(inputs[name]) for name in _SENTINEL_DAYS}
    for name in ("start", "end"):
        adapted[f"{name}_at"] = ops.adapt_datetimefield_value(local_midnight(inputs[name]))
    adapted["marked_before"] = ops.adapt_datetimefield_value(inputs["marked_before"])
    adapted["period_key"] = inputs["period_key"]
    adapted["cycle"] = inputs["cycle"]
    for index, rep_id in enumerate(inputs["rep_ids"]):
        adapted[f"rep_{index}"] = rep_id
    return adapted


def _compiled_statement(rep_count: int, grade_weights: dict) -> _Statement | None:
    """The statement for ``rep_count`` reps, compiled once with sentinel inputs."""
    key = (connection.alias, connection.vendor, rep_count, tuple(sorted(grade_weights.items())))
    if key in _statements:
        return _statements[key]
    sentinels = _inputs(
        period=None,
        rep_ids=[_SENTINEL_REP - index for index in range(rep_count)],
        cycle=_SENTINEL_TEXTS["cycle"],
        grade_weights=grade_weights,
        marked_before=_SENTINEL_MARKED_BEFORE,
        days=_SENTINEL_DAYS,
    )
    names_by_value = {value: name for name, value in _adapted(sentinels).items()}
    statement = None
    if len(names_by_value) == len(_adapted(sentinels)):  # every sentinel is distinct
        queryset = _rep_inputs_queryset(**sentinels)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        template = tuple(
            (True, names_by_value[param]) if _is_sentinel(param, names_by_value) else (False, param)
            for param in params
        )
        found = {value for substitute, value in template if substitute}
        if found == set(names_by_value.values()):  # every input is a parameter: reusable
            query = queryset.query
            statement = _Statement(
                sql=sql,
                params=template,
                names=(*query.extra_select, *query.values_select, *query.annotation_select),
                converters=compiler.get_converters(
                    [column[0] for column in compiler.select[: compiler.col_count]]
                ),
            )
    _statements[key] = statement
    return statement


def _is_sentinel(param, names_by_value: dict) -> bool:
    try:
        return not isinstance(param, bool) and param in names_by_value
    except TypeError:  # unhashable parameter
        return False


def rep_scorecard_inputs(
    *,
    period,
    rep_ids: list[int],
    cycle: str,
    grade_weights: dict[str, Decimal],
    marked_before: datetime.datetime,
) -> list[dict]:
    """Everything a recompute of a few reps reads, in ONE statement: one row per rep of
    ``rep_ids`` that gets a scorecard (:func:`scorecard_reps`, by id), with

    - ``sources``: the raw rows of :func:`sales_by_rep`, :func:`collection_by_rep`,
      :func:`new_customers_by_owner` and :func:`retention_by_owner` for that rep (a list of
      dicts or ``None``, to be added up), from the same per-rep queries as their few-reps path
      (indexed by rep), each nested as a correlated subquery;
    - ``sales_target``, ``new_customers_target``, ``collection_rate_target``: the rep's target
      for the period (``None`` without one);
    - ``industry_growth_rate``, ``challenge_margin``: the period setting (``None`` without one);
    - ``scheme_id``, ``scheme_version``: the weight scheme of ``cycle`` in force at the
      period's start (latest ``effective_from``, then latest version; ``None`` without one);
    - ``stale_marks``: whether any of ``rep_ids`` has a stale mark for the period made at or
      before ``marked_before`` (the same value on every row).

    Building and compiling this statement costs far more than running it for a few reps, so it
    is compiled once per number of reps (with sentinel inputs) and rerun with the call's values.
    """
    rep_ids = list(rep_ids)
    if not rep_ids:
        return []
    inputs = _inputs(
        period=period,
        rep_ids=rep_ids,
        cycle=cycle,
        grade_weights=grade_weights,
        marked_before=marked_before,
    )
    statement = _compiled_statement(len(rep_ids), grade_weights)
    if statement is None:
        rows = list(_rep_inputs_queryset(**inputs))
    else:
        values = _adapted(inputs)
        params = [values[item] if substitute else item for substitute, item in statement.params]
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, params)
            fetched = cursor.fetchall()
        rows = []
        converters = list(statement.converters.items())
        for row in map(list, fetched):
            for position, (functions, expression) in converters:
                for function in functions:
                    row[position] = function(row[position], expression, connection)
            rows.append(dict(zip(statement.names, row, strict=True)))
    sources = [name for name in rows[0] if name.startswith("source_")] if rows else []
    for row in rows:
        row["sources"] = [row.pop(name) for name in sources]
        for name, places in _DECIMAL_PLACES.items():
            # As a model loads them (SQLite returns floats, rounded to the field's places).
            if row[name] is not None:
                row[name] = row[name].quantize(Decimal(1).scaleb(-places))
    return rows


#: The decimal inputs of :func:`rep_scorecard_inputs` and their model fields' decimal places.
_DECIMAL_PLACES = {
    **{
        name: Target._meta.get_field(name).decimal_places
        for name in ("sales_target", "new_customers_target", "collection_rate_target")
    },
    **{
        name: PeriodSetting._meta.get_field(name).decimal_places
        for name in ("industry_growth_rate", "challenge_margin")
    },
}


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
