"""Set-based KPI aggregation (SPEC §2.2): the raw per-rep figures of a period, in SQL.

Every figure comes from ONE family of query builders (:func:`kpi_sources`): each builder
returns the querysets (:data:`Source`) that compute its figures for a set of reps. The same
sources serve both paths of a recompute:

- everyone or a chunk of many reps (:func:`figures_by_rep`): each source runs as one
  ``GROUP BY rep`` query; the number of queries does not depend on the number of reps or
  orders, and no order, receivable or payment ever reaches Python;
- a few reps (:func:`rep_scorecard_inputs`): each source is nested per rep as a correlated
  subquery, beside the rep's target, the period setting and the weight scheme in force (the
  rules and querysets of :mod:`apps.performance.selectors`), in ONE statement.

For everyone (``None``, or a list spanning every rep's id) money figures come from one pass
over the period's orders; for a part of the reps (a chunk of a job, a few reps, or the outer
row's rep) from the reps' own credit rows (indexed by rep) plus their orders without credit
rows (by owner), so a chunk reads mostly its own rows and N chunks cost about one pass in
all; the two parts of a figure run as ONE statement (``UNION ALL``). An order without credit
rows counts 100 % for its owner.

Money is summed exactly on every backend: amounts are taken in cents and credit percentages
in hundredths of a percent, multiplied as integers and summed as integers (SQLite would
otherwise sum decimals as floats); the pure :func:`apps.scorecards.calculations.share_to_money`
turns a sum back into a Decimal. Customer development is counted per lead grade; the grade
weights are applied by the pure calculations, not in SQL.
"""

from __future__ import annotations

import datetime
import decimal
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Avg,
    BigIntegerField,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    Sum,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat, JSONObject, Round
from django.utils import timezone

from apps.accounts.models import User
from apps.core.choices import Role
from apps.customers.models import Customer
from apps.development.calculations import peer_mean_shown, rating_value
from apps.development.choices import LearningKind, RaterRole
from apps.development.models import CapabilityGoal, CollaborationRating, LearningEntry
from apps.opportunities.models import Opportunity
from apps.performance import periods as period_lib
from apps.performance.calculations import grade_weight, money, quantize
from apps.performance.choices import Kpi
from apps.performance.models import PeriodSetting, Target
from apps.performance.selectors import period_settings, period_targets, schemes_in_force_first
from apps.sales.models import Order, OrderCredit, Payment, Receivable
from apps.scorecards.calculations import (
    DEVELOPED_BY_GRADE,
    QualitativeRow,
    new_customers_weighted,
    qualitative_figures,
    share_to_money,
)
from apps.scorecards.models import RecomputeJob, Scorecard, StaleRepPeriod
from apps.surveys.choices import SurveyStatus
from apps.surveys.models import Survey

#: Up to this many reps, money figures are read from the reps' own credit rows (indexed by
#: rep: a refresh of a few reps reads only their orders); beyond it, one pass over the
#: period's orders serves everyone and is filtered by rep.
FEW_REPS = 50


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The start of ``day`` in the site time zone (aware)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class Window:
    """The days a period's figures read: the period ``[start, end)`` and the same period a
    year earlier ``[last_year_start, last_year_end)``."""

    start: datetime.date
    end: datetime.date
    last_year_start: datetime.date
    last_year_end: datetime.date

    @classmethod
    def of(cls, period) -> Window:
        last_year = period.same_period_last_year()
        return cls(period.start, period.end, last_year.start, last_year.end)


def scorecard_reps(*, rep_ids: Iterable[int] | None = None):
    """Who gets a scorecard: every active user whose role is rep or manager (a manager who
    sells is measured like a rep). HR and admin accounts get none."""
    queryset = User.objects.filter(is_active=True, role__in=[Role.REP, Role.MANAGER])
    if rep_ids is not None:
        queryset = queryset.filter(pk__in=list(rep_ids))
    return queryset.order_by("pk")


# --- Which reps a source reads ---------------------------------------------------------------
#
# ``reps`` is ``None`` (everyone), a list of rep ids, or ``OuterRef("pk")`` (the rep of the
# outer row, when a source is nested per rep).


def _few(reps) -> bool:
    return isinstance(reps, OuterRef) or (reps is not None and len(reps) <= FEW_REPS)


def _of_reps(field: str, reps) -> Q:
    """Rows of ``reps``: an ``IN`` list for a few reps, the outer row's rep when nested; for a
    chunk of many reps the cheaper id range ``[min, max]`` (chunks are runs of consecutive
    ids), which may return rows of other reps in that range: callers pick the reps they asked
    for from the result."""
    if reps is None:
        return Q()
    if isinstance(reps, OuterRef):
        return Q(**{field: reps})
    if len(reps) <= FEW_REPS:
        return Q(**{f"{field}__in": reps})
    return Q(**{f"{field}__gte": min(reps), f"{field}__lte": max(reps)})


# --- The query builders ------------------------------------------------------------------------

#: A source of figures: (queryset, the rep column, {figure: aggregate}). :func:`_grouped` runs
#: it as ``GROUP BY rep``; :func:`_per_rep` nests it as one JSON object per outer rep.
Source = tuple[QuerySet, str, dict]


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
    """Σ amount × credit share, as an exact integer (see ``SHARE_SCALE``)."""
    return _cents(F(amount_field)) * F("credit_bp")


def _share_sum(prefix: str):
    return Sum(_share(f"{prefix}amount"))


def _no_credit_rows(order_path: str):
    return ~Exists(OrderCredit.objects.filter(order=OuterRef(order_path or "pk")))


def _ordered_before(start: datetime.date, customer_path: str):
    return Order.objects.filter(customer=OuterRef(customer_path), signed_on__lt=start)


def _in_period(prefix: str, start: datetime.date, end: datetime.date) -> Q:
    return Q(**{f"{prefix}signed_on__gte": start, f"{prefix}signed_on__lt": end})


def _either_period(prefix: str, window: Window) -> Q:
    return _in_period(prefix, window.start, window.end) | _in_period(
        prefix, window.last_year_start, window.last_year_end
    )


def _sales_sums(prefix: str, window: Window) -> dict:
    """``sales``, ``new_customer_sales`` and ``sales_last_year`` of rows annotated with
    ``credit_bp`` and ``is_new`` that lie in the period or the same period a year earlier."""
    share = _share(f"{prefix}amount")
    period = _in_period(prefix, window.start, window.end)
    return {
        "sales": Sum(share, filter=period),
        "new_customer_sales": Sum(share, filter=period & Q(is_new=True)),
        "sales_last_year": Sum(share, filter=~period),
    }


def credited_orders(window: Window, reps) -> QuerySet:
    """The orders signed in the period or the same period a year earlier, one row per credit
    line (LEFT JOIN credits), annotated with ``credit_rep``, ``credit_bp`` and ``is_new`` (the
    customer's first-ever order, over all reps, is in the period), of ``reps``: the rows the
    sales figures of many reps sum, and the rows that explain one rep's sales."""
    return (
        Order.objects.filter(_either_period("", window))
        .annotate(**_credit_annotations(""))
        .annotate(is_new=~Exists(_ordered_before(window.start, "customer")))
        .filter(_of_reps("credit_rep", reps))
    )


def sales_sources(window: Window, reps, *, one_pass: bool | None = None) -> list[Source]:
    """``sales``, ``new_customer_sales`` (customers whose first-ever order, over all reps, is in
    the period) and ``sales_last_year`` (the same period a year earlier), as exact share sums.
    Repeat sales are ``sales − new_customer_sales``.

    ``one_pass`` (default: everyone): one pass over the two periods' orders (LEFT JOIN
    credits). Otherwise the reps' credit rows (indexed by rep) and their orders without credit
    rows."""
    if (reps is None) if one_pass is None else one_pass:
        return [(credited_orders(window, reps), "credit_rep", _sales_sums("", window))]
    credited = OrderCredit.objects.filter(
        _either_period("order__", window), _of_reps("rep", reps)
    ).annotate(
        credit_bp=_cents(F("percent")),
        is_new=~Exists(_ordered_before(window.start, "order__customer")),
    )
    orphans = Order.objects.filter(
        _either_period("", window), _no_credit_rows(""), _of_reps("owner", reps)
    ).annotate(credit_bp=Value(10_000), is_new=~Exists(_ordered_before(window.start, "customer")))
    return [
        (credited, "rep", _sales_sums("order__", window)),
        (orphans, "owner", _sales_sums("", window)),
    ]


def _due_in(prefix: str, window: Window) -> Q:
    """Receivables (at ``prefix``) falling due in the period."""
    return Q(**{f"{prefix}due_on__gte": window.start, f"{prefix}due_on__lt": window.end})


def _counted_payment(receivable: str, payment: str, window: Window) -> Q:
    """Payments (at ``payment``, their receivable at ``receivable``) counted as collected:
    against a receivable due in the period, made before the period ends (early ones too)."""
    return _due_in(receivable, window) & Q(**{f"{payment}paid_on__lt": window.end})


def receivables_due(window: Window, reps) -> QuerySet:
    """The receivables due in the period, one row per credit line of their order (LEFT JOIN
    credits, ``credit_rep`` and ``credit_bp``), of ``reps``."""
    return (
        Receivable.objects.filter(_due_in("", window))
        .annotate(**_credit_annotations("order"))
        .filter(_of_reps("credit_rep", reps))
    )


def payments_counted(window: Window, reps) -> QuerySet:
    """The payments counted as collected in the period (:func:`_counted_payment`), one row
    per credit line of their order, of ``reps``."""
    return (
        Payment.objects.filter(_counted_payment("receivable__", "", window))
        .annotate(**_credit_annotations("receivable__order"))
        .filter(_of_reps("credit_rep", reps))
    )


def collection_sources(window: Window, reps, *, one_pass: bool | None = None) -> list[Source]:
    """``receivable_due`` (the reps' share of receivables due in the period) and ``collected``
    (their share of the payments against those receivables made before the period ends), as
    exact share sums. ``one_pass`` (default: everyone): receivables and payments joined to
    credits (LEFT JOIN). Otherwise credit rows first, then orders without credit rows, as in
    :func:`sales_sources`."""
    if (reps is None) if one_pass is None else one_pass:
        return [
            (receivables_due(window, reps), "credit_rep", {"receivable_due": _share_sum("")}),
            (payments_counted(window, reps), "credit_rep", {"collected": _share_sum("")}),
        ]
    receivables = "order__receivables__"
    credit_due = OrderCredit.objects.filter(
        _of_reps("rep", reps), _due_in(receivables, window)
    ).annotate(credit_bp=_cents(F("percent")))
    credit_paid = OrderCredit.objects.filter(
        _of_reps("rep", reps), _counted_payment(receivables, f"{receivables}payments__", window)
    ).annotate(credit_bp=_cents(F("percent")))
    orphan_due = Receivable.objects.filter(
        _no_credit_rows("order"), _of_reps("order__owner", reps), _due_in("", window)
    ).annotate(credit_bp=Value(10_000))
    orphan_paid = Payment.objects.filter(
        _no_credit_rows("receivable__order"),
        _of_reps("receivable__order__owner", reps),
        _counted_payment("receivable__", "", window),
    ).annotate(credit_bp=Value(10_000))
    return [
        (credit_due, "rep", {"receivable_due": _share_sum(receivables)}),
        (credit_paid, "rep", {"collected": _share_sum(f"{receivables}payments__")}),
        (orphan_due, "order__owner", {"receivable_due": _share_sum("")}),
        (orphan_paid, "receivable__order__owner", {"collected": _share_sum("")}),
    ]


def _confirmed_negotiations():
    return Opportunity.objects.filter(
        customer=OuterRef("pk"), needs_confirmed=True, negotiation_reached_at__isnull=False
    )


def developed_customers(window: Window, reps) -> QuerySet:
    """The customers of ``reps`` (their owners) developed in the period.

    A customer's development date is the earlier of its first-ever order and the first time one
    of its opportunities with needs confirmed reached negotiation (as a date in the site time
    zone). It is in [start, end) exactly when something happened in the period and nothing
    happened before it, which also counts each customer once ever. A few reps: the customers
    are tested one by one (indexed by customer); many: the period's customers are hashed once.
    """
    start, end = window.start, window.end
    start_at, end_at = local_midnight(start), local_midnight(end)
    negotiated = Opportunity.objects.filter(
        needs_confirmed=True,
        negotiation_reached_at__gte=start_at,
        negotiation_reached_at__lt=end_at,
    )
    ordered = Order.objects.filter(signed_on__gte=start, signed_on__lt=end)
    if _few(reps):
        active = Exists(ordered.filter(customer=OuterRef("pk"))) | Exists(
            negotiated.filter(customer=OuterRef("pk"))
        )
    else:
        active = Q(pk__in=ordered.values("customer")) | Q(pk__in=negotiated.values("customer"))
    return Customer.objects.filter(active).filter(
        ~Exists(Order.objects.filter(customer=OuterRef("pk"), signed_on__lt=start)),
        ~Exists(_confirmed_negotiations().filter(negotiation_reached_at__lt=start_at)),
        _of_reps("owner", reps),
    )


def _development_counts() -> dict:
    return {
        "new_customers": Count("pk"),
        **{
            column: Count("pk", filter=Q(lead_grade=grade))
            for grade, column in DEVELOPED_BY_GRADE.items()
        },
    }


def development_sources(window: Window, reps) -> list[Source]:
    """Per owner: ``new_customers`` and, per lead grade, ``developed_a`` … (see
    :data:`~apps.scorecards.calculations.DEVELOPED_BY_GRADE`) of the customers developed in
    the period (:func:`developed_customers`; weighted by the pure calculations)."""
    return [(developed_customers(window, reps), "owner", _development_counts())]


def customers_at_start(window: Window, reps) -> QuerySet:
    """The customers of ``reps`` (their owners) at the period's start: with an order signed
    before the period and not lost before it."""
    return Customer.objects.filter(
        Q(lost_on__isnull=True) | Q(lost_on__gte=window.start),
        Exists(Order.objects.filter(customer=OuterRef("pk"), signed_on__lt=window.start)),
        _of_reps("owner", reps),
    )


def _lost_in(window: Window) -> Q:
    """Of the customers at the period's start, those lost within the period."""
    return Q(lost_on__gte=window.start, lost_on__lt=window.end)


def retention_sources(window: Window, reps) -> list[Source]:
    """Per owner: ``customers_at_start`` and ``customers_lost`` (of those, lost within the
    period): :func:`customers_at_start`, :func:`_lost_in`."""
    counts = {
        "customers_at_start": Count("pk"),
        "customers_lost": Count("pk", filter=_lost_in(window)),
    }
    return [(customers_at_start(window, reps), "owner", counts)]


def kpi_sources(window: Window, reps, *, one_pass: bool | None = None) -> list[Source]:
    """Every source of a scorecard's raw figures, for ``reps`` (see above). Money figures come
    from one pass over the period's orders when ``one_pass`` (default: for everyone), else
    from the reps' credit rows (by rep) and their orders without credit rows (by owner)."""
    return [
        *sales_sources(window, reps, one_pass=one_pass),
        *collection_sources(window, reps, one_pass=one_pass),
        *development_sources(window, reps),
        *retention_sources(window, reps),
    ]


def add_figures(rows: Iterable[dict | None], into: dict | None = None) -> dict:
    """Add up rows of figures (key columns, ``None`` rows and ``None`` values count as
    nothing): one rep's figures from several sources."""
    merged = {} if into is None else into
    for row in rows:
        for name, value in (row or {}).items():
            if value is None or name in _KEY_COLUMNS:
                continue
            merged[name] = merged.get(name, 0) + value
    return merged


_KEY_COLUMNS = frozenset({"credit_rep", "rep", "owner", "order__owner", "receivable__order__owner"})


# --- Everyone, or a chunk of many reps ---------------------------------------------------------


def _grouped(source: Source):
    queryset, key, aggregates = source
    return key, queryset.values(key).annotate(**aggregates)


def _group_statements(sources: list[Source]) -> list[tuple[str, QuerySet]]:
    """The ``GROUP BY rep`` queries of ``sources``: the sources of the same figures (a chunk's
    credit rows and its orders without credit rows) in ONE statement (``UNION ALL``, each
    part grouped on its own; a rep may come once per part: :func:`add_figures` adds them)."""
    by_figures: dict[tuple, list] = {}
    for source in sources:
        by_figures.setdefault(tuple(source[2]), []).append(_grouped(source))
    statements = []
    for (key, first), *others in by_figures.values():
        first = first.order_by()
        if others:
            first = first.union(*(rows.order_by() for _key, rows in others), all=True)
        statements.append((key, first))
    return statements


def _others_beside(reps: list[int]) -> bool:
    """Whether anyone getting a scorecard lies outside the id range of ``reps`` (one query): a
    chunk of part of the reps reads their own credit rows and orders; a chunk of everyone is
    cheaper as one pass over the period's orders."""
    if not reps:
        return True
    return scorecard_reps().exclude(pk__gte=min(reps), pk__lte=max(reps)).exists()


def figures_by_rep(window: Window, *, rep_ids: Iterable[int] | None = None) -> dict:
    """``{rep_id: figures}`` (the raw sums and counts of :func:`kpi_sources`) of everyone
    (``rep_ids`` None) or of ``rep_ids``: one ``GROUP BY rep`` query per kind of figures (and
    for ``rep_ids`` one to tell a part of the reps from everyone, :func:`_others_beside`), so a
    fixed number of queries whatever the number of reps or orders. A chunk of many reps may
    bring figures of other reps in its id range: pick the reps you asked for."""
    reps = None if rep_ids is None else list(rep_ids)
    one_pass = reps is None or not _others_beside(reps)
    merged: dict = {}
    for key, rows in _group_statements(kpi_sources(window, reps, one_pass=one_pass)):
        for row in rows:
            add_figures([row], merged.setdefault(row[key], {}))
    return merged


# --- A few reps in one statement -------------------------------------------------------------


def _per_rep(source: Source) -> Subquery:
    """``source`` for the outer row's rep only, as one JSON object of its figures (``null``
    when the rep has no row): the aggregates are exact integers, which JSON keeps exact."""
    queryset, key, aggregates = source
    return Subquery(
        queryset.values(key).annotate(figures=JSONObject(**aggregates)).values("figures")
    )


#: The rep's target and the period setting read with a few reps' figures.
TARGET_FIELDS = ("sales_target", "new_customers_target", "collection_rate_target")
SETTING_FIELDS = ("industry_growth_rate", "challenge_margin")


def rep_inputs_queryset(
    *,
    window: Window,
    period_key: str,
    cycle: str,
    rep_ids: list[int],
    marked_before: datetime.datetime,
):
    """The one statement of :func:`rep_scorecard_inputs` (a values queryset): the sources of
    :func:`kpi_sources` nested per rep, with the target, period setting and scheme in force
    as :mod:`apps.performance.selectors` defines them."""
    rep = OuterRef("pk")
    sources = kpi_sources(window, rep)
    target = period_targets(period_key).filter(rep=rep)
    setting = period_settings(period_key)
    scheme = schemes_in_force_first(cycle, window.start)
    marks = StaleRepPeriod.objects.filter(
        period_key=period_key, rep__in=rep_ids, marked_at__lte=marked_before
    )
    queryset = scorecard_reps(rep_ids=rep_ids).annotate(
        **{f"source_{index}": _per_rep(source) for index, source in enumerate(sources)},
        **{name: Subquery(target.values(name)[:1]) for name in TARGET_FIELDS},
        **{name: Subquery(setting.values(name)[:1]) for name in SETTING_FIELDS},
        scheme_id=Subquery(scheme.values("pk")[:1]),
        scheme_version=Subquery(scheme.values("version")[:1]),
        stale_marks=Exists(marks),
    )
    return queryset.values("pk", *queryset.query.annotations)


def rep_scorecard_inputs(
    *,
    period,
    rep_ids: list[int],
    cycle: str,
    marked_before: datetime.datetime,
) -> list[dict]:
    """Everything a recompute of a few reps reads, in ONE statement: one row per rep of
    ``rep_ids`` that gets a scorecard (:func:`scorecard_reps`, by id), with

    - ``figures``: the rep's raw sums and counts, from the same sources as
      :func:`figures_by_rep` (for a few reps), each nested as a correlated subquery;
    - ``sales_target``, ``new_customers_target``, ``collection_rate_target``: the rep's target
      for the period (``None`` without one);
    - ``industry_growth_rate``, ``challenge_margin``: the period setting (``None`` without one);
    - ``scheme_id``, ``scheme_version``: the weight scheme of ``cycle`` in force at the
      period's start (``None`` without one);
    - ``stale_marks``: whether any of ``rep_ids`` has a stale mark for the period made at or
      before ``marked_before`` (the same value on every row).

    Building and compiling this statement costs about twice as much as running it for one rep
    (``bench_kpis``), so it is compiled once per number of reps (:func:`_compiled_statement`)
    and rerun with each call's values.
    """
    rep_ids = list(rep_ids)
    if not rep_ids:
        return []
    inputs = {
        "window": Window.of(period),
        "period_key": period.key,
        "cycle": cycle,
        "rep_ids": rep_ids,
        "marked_before": marked_before,
    }
    statement = _compiled_statement(len(rep_ids))
    if statement is None:
        rows = list(rep_inputs_queryset(**inputs))
    else:
        values = _parameters(**inputs)
        params = [values[item] if named else item for named, item in statement.params]
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, params)
            rows = [dict(zip(statement.names, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        sources = [name for name in row if name.startswith("source_")]
        row["figures"] = add_figures(_json(row.pop(name)) for name in sources)
        for name, places in _DECIMAL_PLACES.items():
            # As a model loads them (SQLite returns floats, rounded to the field's places).
            if row[name] is not None:
                row[name] = _decimal(row[name]).quantize(Decimal(1).scaleb(-places))
        row["stale_marks"] = bool(row["stale_marks"])
    return rows


#: The decimal inputs of :func:`rep_scorecard_inputs` and their model fields' decimal places.
_DECIMAL_PLACES = {
    **{name: Target._meta.get_field(name).decimal_places for name in TARGET_FIELDS},
    **{name: PeriodSetting._meta.get_field(name).decimal_places for name in SETTING_FIELDS},
}
_FLOAT_TO_DECIMAL = decimal.Context(prec=15).create_decimal_from_float


def _json(value):
    """A nested JSON object as fetched: text (SQLite, and psycopg as Django configures it) or
    already decoded; ``None`` when the rep has no row."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def _decimal(value) -> Decimal:
    return _FLOAT_TO_DECIMAL(value) if isinstance(value, float) else Decimal(value)


# --- The compiled statement of a few reps --------------------------------------------------
#
# The statement is compiled once per number of reps with sentinel inputs: each sentinel is
# recognisable among the compiled parameters (as the backend adapts it) and is replaced by
# the call's own value. When that is not possible (a sentinel not found among the parameters,
# e.g. inlined by a backend), the statement is not reused and is built for every call.

_SENTINELS = {
    "window": Window(
        datetime.date(1001, 1, 5),
        datetime.date(1001, 1, 9),
        datetime.date(1001, 1, 13),
        datetime.date(1001, 1, 17),
    ),
    "period_key": "~period~",
    "cycle": "~cycle~",
    "marked_before": datetime.datetime(1001, 1, 21, 3, 4, 5, tzinfo=datetime.UTC),
}
_SENTINEL_REP = -987_654_000
#: (connection alias, vendor, number of reps) -> compiled statement, or ``None`` when the
#: statement cannot be reused.
_statements: dict = {}


@dataclass(frozen=True)
class _Statement:
    sql: str
    #: Per parameter: ``(True, input name)`` to substitute or ``(False, constant)``.
    params: tuple
    #: The names of the columns, in order.
    names: tuple


def _parameters(*, window, period_key, cycle, rep_ids, marked_before) -> dict:
    """Every input of :func:`rep_inputs_queryset` as it appears among the compiled
    parameters (adapted by the backend), by name."""
    ops = connection.ops
    values = {
        name: ops.adapt_datefield_value(getattr(window, name))
        for name in ("start", "end", "last_year_start", "last_year_end")
    }
    for name in ("start", "end"):
        values[f"{name}_at"] = ops.adapt_datetimefield_value(local_midnight(getattr(window, name)))
    values["marked_before"] = ops.adapt_datetimefield_value(marked_before)
    values["period_key"] = period_key
    values["cycle"] = cycle
    for index, rep_id in enumerate(rep_ids):
        values[f"rep_{index}"] = rep_id
    return values


def _compiled_statement(rep_count: int) -> _Statement | None:
    """The statement of :func:`rep_scorecard_inputs` for ``rep_count`` reps, compiled once."""
    key = (connection.alias, connection.vendor, rep_count)
    if key in _statements:
        return _statements[key]
    sentinels = {
        **_SENTINELS,
        "rep_ids": [_SENTINEL_REP - index for index in range(rep_count)],
    }
    adapted = _parameters(**sentinels)
    names_by_value = {value: name for name, value in adapted.items()}
    statement = None
    if len(names_by_value) == len(adapted):  # every sentinel is distinct
        queryset = rep_inputs_queryset(**sentinels)
        sql, params = queryset.query.sql_with_params()
        template = tuple(
            (True, names_by_value[param]) if _is_sentinel(param, names_by_value) else (False, param)
            for param in params
        )
        found = {value for named, value in template if named}
        if found == set(names_by_value.values()):  # every input is a parameter: reusable
            names = ("pk", *queryset.query.annotation_select)
            statement = _Statement(sql=sql, params=template, names=names)
    _statements[key] = statement
    return statement


def _is_sentinel(param, names_by_value: dict) -> bool:
    try:
        return not isinstance(param, bool) and param in names_by_value
    except TypeError:  # unhashable parameter
        return False


# --- The qualitative KPIs of quarters and years (SPEC §2.3) ---------------------------------
#
# Customer satisfaction, team collaboration and capability growth are read for quarters and
# years only (a monthly scorecard keeps them null), by ONE statement for a few reps or one
# ``GROUP BY rep`` query per source for many. Each source hands the pure formulas of
# :func:`apps.scorecards.calculations.qualitative_figures` the rep's values as a list (one
# aggregated text per rep), so the formulas of apps.surveys and apps.development are the only
# ones, and no survey, rating or learning entry reaches Python one by one.

#: The period kinds that carry the qualitative KPIs.
QUALITATIVE_KINDS = frozenset({period_lib.QUARTER, period_lib.YEAR})
#: The scorecard fields of the qualitative KPIs.
QUALITATIVE_FIELDS = ("customer_satisfaction", "team_collaboration", "capability_growth")
#: Learning-log entries whose score counts as an assessed skill; a certification without a
#: score counts 100.
ASSESSED_KINDS = (LearningKind.EXAM, LearningKind.SANDBOX)
CERTIFICATION_SCORE = Decimal(100)


@dataclass(frozen=True)
class QualitativeWindow:
    """What a quarter's or a year's qualitative KPIs read: the surveys and ratings of its
    quarters (``quarter_keys``), the learning log of ``[start, end)`` (``months`` long) and the
    capability goals of its fiscal ``year``."""

    quarter_keys: tuple[str, ...]
    start: datetime.date
    end: datetime.date
    year: int
    months: int

    @classmethod
    def of(cls, period) -> QualitativeWindow:
        if period.kind not in QUALITATIVE_KINDS:
            raise ValueError(f"{period.key} is not a quarter or a year.")
        return cls(
            quarter_keys=tuple(quarter.key for quarter in period.quarters()),
            start=period.start,
            end=period.end,
            year=period.fiscal_year,
            months=len(period.months()),
        )


def answered_surveys(window: QualitativeWindow, reps) -> QuerySet:
    """The answered surveys about ``reps`` for the window's quarters (cancelled and pending
    ones never count)."""
    return Survey.objects.filter(
        _of_reps("rep", reps),
        status=SurveyStatus.ANSWERED,
        score__isnull=False,
        period_key__in=window.quarter_keys,
    )


def collaboration_ratings(window: QualitativeWindow, reps) -> QuerySet:
    """The collaboration ratings OF ``reps`` (as the rated) for the window's quarters."""
    return CollaborationRating.objects.filter(
        _of_reps("rated", reps), period_key__in=window.quarter_keys
    )


def learning_entries(window: QualitativeWindow, reps) -> QuerySet:
    """The learning-log entries of ``reps`` dated within the window."""
    return LearningEntry.objects.filter(
        _of_reps("rep", reps), on__gte=window.start, on__lt=window.end
    )


def capability_goals(window: QualitativeWindow, reps) -> QuerySet:
    """The capability goals of ``reps`` for the window's (fiscal) year."""
    return CapabilityGoal.objects.filter(_of_reps("rep", reps), year=window.year)


_ASSESSED = Q(kind__in=ASSESSED_KINDS, score__isnull=False) | Q(kind=LearningKind.CERTIFICATION)


def assessed_score():
    """An entry's assessed score: its score; a certification without one counts 100."""
    return Coalesce(
        F("score"),
        Value(CERTIFICATION_SCORE),
        output_field=DecimalField(max_digits=5, decimal_places=2),
    )


def _listed(expression, **extra):
    """The values of ``expression`` of a group as one comma-separated text."""
    return StringAgg(Cast(expression, TextField()), Value(","), **extra)


def _rating_pair():
    return Concat(
        Cast("cross_department", TextField()),
        Value(":"),
        Cast("knowledge_sharing", TextField()),
        output_field=TextField(),
    )


def qualitative_sources(window: QualitativeWindow, reps) -> list[Source]:
    """The sources of the qualitative inputs of ``reps`` (see :func:`_qualitative_row`)."""
    return [
        (answered_surveys(window, reps), "rep", {"survey_scores": _listed(F("score"))}),
        (
            collaboration_ratings(window, reps),
            "rated",
            {
                "manager_ratings": _listed(_rating_pair(), filter=Q(rater_role=RaterRole.MANAGER)),
                "peer_ratings": _listed(_rating_pair(), filter=Q(rater_role=RaterRole.PEER)),
            },
        ),
        (
            learning_entries(window, reps),
            "rep",
            {
                "courses": Count("pk", filter=Q(kind=LearningKind.COURSE)),
                "assessed": _listed(assessed_score(), filter=_ASSESSED),
                "entries": Count("pk"),
            },
        ),
        (capability_goals(window, reps), "rep", {"goal_progress": _listed(F("progress"))}),
    ]


def _decimals(text) -> tuple[Decimal, ...]:
    return tuple(Decimal(value) for value in (text or "").split(",") if value)


def _pairs(text) -> tuple[tuple[int, int], ...]:
    return tuple(
        (int(first), int(second))
        for first, second in (pair.split(":") for pair in (text or "").split(",") if pair)
    )


def _qualitative_row(values: dict, months: int) -> QualitativeRow:
    return QualitativeRow(
        survey_scores=_decimals(values.get("survey_scores")),
        manager_ratings=_pairs(values.get("manager_ratings")),
        peer_ratings=_pairs(values.get("peer_ratings")),
        months=months,
        courses=int(values.get("courses") or 0),
        assessed=_decimals(values.get("assessed")),
        goal_progress=_decimals(values.get("goal_progress")),
        entries=int(values.get("entries") or 0),
    )


def qualitative_rows(period, *, rep_ids: Iterable[int] | None = None) -> dict:
    """``{rep_id: QualitativeRow}`` of the quarter or year ``period`` for everyone (``rep_ids``
    None) or ``rep_ids``; reps with nothing to read are left out. A few reps: ONE statement
    (each source nested per rep); many: one ``GROUP BY rep`` query per source. A chunk of many
    reps may bring rows of other reps in its id range: pick the reps you asked for."""
    window = QualitativeWindow.of(period)
    reps = None if rep_ids is None else list(rep_ids)
    merged: dict[int, dict] = {}
    if reps is not None and len(reps) <= FEW_REPS:
        if not reps:
            return {}
        sources = qualitative_sources(window, OuterRef("pk"))
        rows = (
            User.objects.filter(pk__in=reps)
            .annotate(**{f"source_{i}": _per_rep(source) for i, source in enumerate(sources)})
            .values("pk", *(f"source_{i}" for i in range(len(sources))))
        )
        for row in rows:
            values = {}
            for index in range(len(sources)):
                values.update(_json(row[f"source_{index}"]) or {})
            if values:
                merged[row["pk"]] = values
    else:
        for source in qualitative_sources(window, reps):
            key, rows = _grouped(source)
            for row in rows:
                values = merged.setdefault(row[key], {})
                values.update({name: value for name, value in row.items() if name != key})
    return {rep_id: _qualitative_row(values, window.months) for rep_id, values in merged.items()}


def qualitative_by_rep(period, *, rep_ids: Iterable[int] | None = None) -> dict:
    """``{rep_id: {"customer_satisfaction", "team_collaboration", "capability_growth"}}`` of
    the reps with something to score (:func:`qualitative_rows`, then the pure formulas)."""
    return {
        rep_id: qualitative_figures(row)
        for rep_id, row in qualitative_rows(period, rep_ids=rep_ids).items()
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


# --- The records behind a scorecard's figures ------------------------------------------------
#
# Each KPI of a scorecard opens the records that made it, in one or two sections; a section's
# rows are built by the same functions as the aggregation above (``credited_orders``,
# ``receivables_due``, ``payments_counted``, ``developed_customers``, ``customers_at_start``),
# so they cannot drift from it, and its totals are the aggregation's own sums over them.

#: ``{section: the scorecard fields its rows add up to}``.
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "orders": ("sales",),
    "orders_last_year": ("sales_last_year",),
    "developed": ("new_customers", "new_customers_weighted"),
    "at_start": ("customers_at_start",),
    "lost": ("customers_lost",),
    "receivables": ("receivable_due",),
    "payments": ("collected",),
}
#: The KPIs explained by records, in tab order: ``{kpi: its sections}``.
KPI_SECTIONS: dict[str, tuple[str, ...]] = {
    Kpi.SALES_ACHIEVEMENT_RATE: ("orders",),
    Kpi.SALES_GROWTH_RATE: ("orders", "orders_last_year"),
    Kpi.NEW_CUSTOMERS: ("developed",),
    Kpi.RETENTION_RATE: ("at_start", "lost"),
    Kpi.COLLECTION_RATE: ("receivables", "payments"),
}
#: The scorecard field holding each explained KPI's value.
KPI_VALUE_FIELDS: dict[str, str] = {
    Kpi.SALES_ACHIEVEMENT_RATE: "sales_achievement_rate",
    Kpi.SALES_GROWTH_RATE: "sales_growth_rate",
    Kpi.NEW_CUSTOMERS: "new_customers_weighted",
    Kpi.RETENTION_RATE: "retention_rate",
    Kpi.COLLECTION_RATE: "collection_rate",
}
MONEY_SECTIONS = frozenset({"orders", "orders_last_year", "receivables", "payments"})


def scorecard_window(scorecard: Scorecard) -> Window:
    return Window.of(period_lib.parse_period(scorecard.period_key, business_range=False))


def source_rows(section: str, window: Window, rep_id: int) -> QuerySet:
    """The records of ``section`` for one rep (paginatable, in a stable order): money rows
    are annotated with ``credit_bp`` and ``share`` (the rep's exact share, see
    :func:`~apps.scorecards.calculations.share_to_money`)."""
    reps = [rep_id]
    if section in ("orders", "orders_last_year"):
        this_period = _in_period("", window.start, window.end)
        rows = credited_orders(window, reps).filter(
            this_period if section == "orders" else ~this_period
        )
        return (
            rows.annotate(share=_share("amount"))
            .select_related("customer")
            .order_by("signed_on", "pk")
        )
    if section == "receivables":
        return (
            receivables_due(window, reps)
            .annotate(share=_share("amount"))
            .select_related("order__customer")
            .order_by("due_on", "pk")
        )
    if section == "payments":
        return (
            payments_counted(window, reps)
            .annotate(share=_share("amount"))
            .select_related("receivable__order__customer")
            .order_by("paid_on", "pk")
        )
    if section == "developed":
        return developed_customers(window, reps).order_by("name", "pk")
    if section == "at_start":
        return customers_at_start(window, reps).order_by("name", "pk")
    if section == "lost":
        return customers_at_start(window, reps).filter(_lost_in(window)).order_by("lost_on", "pk")
    raise ValueError(f"Unknown section {section!r}.")


def source_totals(section: str, rows: QuerySet) -> dict:
    """The scorecard figures ``rows`` (of :func:`source_rows`) add up to, by the aggregation's
    own aggregates and rounding (one query): ``{field: value}``."""
    (field, *_rest) = SECTION_FIELDS[section]
    if section in MONEY_SECTIONS:
        total = rows.aggregate(total=_share_sum(""))["total"]
        return {field: money(share_to_money(total))}
    if section == "developed":
        counts = rows.aggregate(**_development_counts())
        return {
            "new_customers": counts["new_customers"],
            "new_customers_weighted": quantize(new_customers_weighted(counts)),
        }
    return {field: rows.count()}


def source_row(section: str, record) -> dict:
    """One record of :func:`source_rows` as plain values (the same keys for every section;
    ``None`` where a key does not apply): ``counted`` is the rep's exact share of ``amount``,
    ``weight`` a developed customer's lead-grade weight (qualitative sections:
    :func:`qualitative_source_row`)."""
    if section in QUALITATIVE_SECTION_FIELDS:
        return qualitative_source_row(section, record)
    row = dict.fromkeys(SOURCE_ROW_KEYS)
    if section in MONEY_SECTIONS:
        if section in ("orders", "orders_last_year"):
            order, date = record, record.signed_on
            row["new_customer"] = bool(record.is_new)
        elif section == "receivables":
            order, date = record.order, record.due_on
        else:
            order, date = record.receivable.order, record.paid_on
            row["receivable"] = record.receivable_id
        row.update(
            record=section,
            id=record.pk,
            order=order.pk,
            number=order.number,
            customer=order.customer_id,
            customer_name=order.customer.name,
            date=date,
            amount=record.amount,
            credit_percent=Decimal(int(record.credit_bp)) / 100,
            counted=share_to_money(record.share),
        )
        return row
    row.update(
        record=section,
        id=record.pk,
        customer=record.pk,
        customer_name=record.name,
        lead_grade=record.lead_grade,
        date=record.lost_on,
        lost_reason=record.lost_reason,
    )
    if section == "developed":
        row["weight"] = grade_weight(record.lead_grade)
    return row


SOURCE_ROW_KEYS = (
    "record",
    "id",
    "order",
    "number",
    "receivable",
    "customer",
    "customer_name",
    "date",
    "amount",
    "credit_percent",
    "counted",
    "new_customer",
    "lead_grade",
    "weight",
    "lost_reason",
    "period",
    "kind",
    "title",
    "score",
    "rater_role",
    "raters",
    "mean",
    "progress",
)


@dataclass(frozen=True)
class ScorecardSources:
    """What one KPI of a scorecard is made of: the rows of the chosen ``section`` and, for
    every section of the KPI, ``totals`` (from the rows) beside ``figures`` (as stored on the
    scorecard; equal unless the scorecard is ``stale``)."""

    scorecard: Scorecard
    kpi: str
    section: str
    sections: tuple[str, ...]
    rows: QuerySet
    totals: dict
    figures: dict
    value: Decimal | None
    target: Decimal | None
    stale: bool


def scorecard_sources(scorecard: Scorecard, kpi: str, section: str | None = None, *, viewer=None):
    """The records behind ``kpi`` (one of :func:`sources_kpis`; ``ValueError`` otherwise) of
    ``scorecard``, read today (a stale scorecard may differ from them until it is refreshed).
    ``section`` defaults to the KPI's first. One query per section for the totals; the rows
    are a lazy queryset (paginate it), or for ratings a short list of counts and means as
    ``viewer`` may see them (``None``: as the rated person)."""
    if kpi in QUALITATIVE_SECTIONS:
        return _qualitative_sources(scorecard, kpi, section, viewer)
    if kpi not in KPI_SECTIONS:
        raise ValueError(f"Unknown KPI {kpi!r}.")
    sections = KPI_SECTIONS[kpi]
    if section not in sections:
        section = sections[0]
    window = scorecard_window(scorecard)
    totals, figures, rows = {}, {}, None
    for key in sections:
        queryset = source_rows(key, window, scorecard.rep_id)
        totals.update(source_totals(key, queryset))
        figures.update({name: getattr(scorecard, name) for name in SECTION_FIELDS[key]})
        if key == section:
            rows = queryset
    target = (scorecard.kpi_scores or {}).get(kpi, {}).get("target")
    if kpi == Kpi.SALES_ACHIEVEMENT_RATE:
        target = scorecard.sales_target
    return ScorecardSources(
        scorecard=scorecard,
        kpi=kpi,
        section=section,
        sections=sections,
        rows=rows,
        totals=totals,
        figures=figures,
        value=getattr(scorecard, KPI_VALUE_FIELDS[kpi]),
        target=None if target is None else Decimal(target),
        stale=scorecard.stale,
    )


# --- The records behind the qualitative KPIs -------------------------------------------------
#
# Quarters and years only. Surveys are listed one by one (customer, date, score); ratings
# never: only their counts and means by rater role, and to the rated person themselves only
# the manager mean and the peer mean of at least ``MIN_PEERS_SHOWN`` peers, so no rater can
# be told apart. The total is the pure formula over the very rows listed (not the stored
# figure), so it equals the figure unless the scorecard is stale.

#: The qualitative KPIs explained by records, in tab order: ``{kpi: its sections}``.
QUALITATIVE_SECTIONS: dict[str, tuple[str, ...]] = {
    Kpi.CUSTOMER_SATISFACTION: ("surveys",),
    Kpi.TEAM_COLLABORATION: ("ratings",),
    Kpi.CAPABILITY_GROWTH: ("learning", "goals"),
}
#: ``{section: the scorecard fields it explains}`` of the qualitative sections.
QUALITATIVE_SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "surveys": ("customer_satisfaction",),
    "ratings": ("team_collaboration",),
    "learning": ("capability_growth",),
    "goals": ("capability_growth",),
}


def sources_kpis(scorecard: Scorecard) -> dict[str, tuple[str, ...]]:
    """The KPIs of ``scorecard`` that records explain, in tab order (the qualitative ones for
    quarters and years only): ``{kpi: its sections}``."""
    if scorecard.period_kind in QUALITATIVE_KINDS:
        return {**KPI_SECTIONS, **QUALITATIVE_SECTIONS}
    return dict(KPI_SECTIONS)


def section_fields(section: str) -> tuple[str, ...]:
    """The scorecard fields a section's rows explain."""
    return {**SECTION_FIELDS, **QUALITATIVE_SECTION_FIELDS}[section]


def assessed_value(kind: str, score) -> Decimal | None:
    """An entry's assessed score, as :func:`assessed_score` reads it in SQL (``None``: not an
    assessment)."""
    if kind == LearningKind.CERTIFICATION:
        return CERTIFICATION_SCORE if score is None else Decimal(score)
    if kind in ASSESSED_KINDS and score is not None:
        return Decimal(score)
    return None


def _mean_shown(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values) / len(values)).quantize(Decimal("0.01"), rounding=decimal.ROUND_HALF_UP)


def rating_summary(manager_pairs, peer_pairs, *, rated_view: bool) -> list[dict]:
    """The ratings of a period as two rows (manager, peers): ``raters`` (how many) and
    ``mean`` (1–5). The rated person (``rated_view``) sees no counts, the manager mean and
    the peer mean only from at least ``MIN_PEERS_SHOWN`` peers."""
    manager = [rating_value(*pair) for pair in manager_pairs]
    peers = [rating_value(*pair) for pair in peer_pairs]
    rows = []
    for role, values in ((RaterRole.MANAGER, manager), (RaterRole.PEER, peers)):
        row = dict.fromkeys(SOURCE_ROW_KEYS)
        if rated_view:
            mean = _mean_shown(values) if role == RaterRole.MANAGER else peer_mean_shown(values)
        else:
            mean = _mean_shown(values)
            row["raters"] = len(values)
        row.update(record="ratings", rater_role=str(role), mean=mean)
        rows.append(row)
    return rows


def _qualitative_sources(scorecard: Scorecard, kpi: str, section: str | None, viewer):
    if scorecard.period_kind not in QUALITATIVE_KINDS:
        raise ValueError(f"{scorecard.period_key} carries no qualitative KPIs.")
    sections = QUALITATIVE_SECTIONS[kpi]
    if section not in sections:
        section = sections[0]
    window = QualitativeWindow.of(
        period_lib.parse_period(scorecard.period_key, business_range=False)
    )
    reps = [scorecard.rep_id]
    if kpi == Kpi.CUSTOMER_SATISFACTION:
        rows = (
            answered_surveys(window, reps).select_related("customer").order_by("answered_at", "pk")
        )
        inputs = QualitativeRow(survey_scores=tuple(rows.values_list("score", flat=True)))
    elif kpi == Kpi.TEAM_COLLABORATION:
        pairs: dict[str, list] = {RaterRole.MANAGER: [], RaterRole.PEER: []}
        for role, first, second in collaboration_ratings(window, reps).values_list(
            "rater_role", "cross_department", "knowledge_sharing"
        ):
            pairs[role].append((first, second))
        inputs = QualitativeRow(
            manager_ratings=tuple(pairs[RaterRole.MANAGER]),
            peer_ratings=tuple(pairs[RaterRole.PEER]),
        )
        rated_view = viewer is None or viewer.pk == scorecard.rep_id
        rows = rating_summary(inputs.manager_ratings, inputs.peer_ratings, rated_view=rated_view)
    else:
        entries = learning_entries(window, reps).order_by("on", "pk")
        goals = capability_goals(window, reps).order_by("pk")
        learned = list(entries.values_list("kind", "score"))
        assessed = (assessed_value(kind, score) for kind, score in learned)
        inputs = QualitativeRow(
            months=window.months,
            courses=sum(1 for kind, _score in learned if kind == LearningKind.COURSE),
            assessed=tuple(value for value in assessed if value is not None),
            goal_progress=tuple(goals.values_list("progress", flat=True)),
            entries=len(learned),
        )
        rows = entries if section == "learning" else goals
    target = (scorecard.kpi_scores or {}).get(kpi, {}).get("target")
    return ScorecardSources(
        scorecard=scorecard,
        kpi=kpi,
        section=section,
        sections=sections,
        rows=rows,
        totals={kpi: qualitative_figures(inputs)[kpi]},
        figures={kpi: getattr(scorecard, kpi)},
        value=getattr(scorecard, kpi),
        target=None if target is None else Decimal(target),
        stale=scorecard.stale,
    )


def qualitative_source_row(section: str, record) -> dict:
    """One record of a qualitative section as plain values (the keys of
    :data:`SOURCE_ROW_KEYS`): a survey (customer, answered on, score), a learning-log entry
    (date, kind, title, ``score`` = the assessed score it counts with) or a capability goal
    (title, progress). Rating rows are already plain (:func:`rating_summary`)."""
    if section == "ratings":
        return record
    row = dict.fromkeys(SOURCE_ROW_KEYS)
    row.update(record=section, id=record.pk)
    if section == "surveys":
        row.update(
            customer=record.customer_id,
            customer_name=record.customer.name,
            date=timezone.localtime(record.answered_at).date() if record.answered_at else None,
            period=record.period_key,
            kind=record.channel,
            score=record.score,
        )
    elif section == "learning":
        row.update(
            date=record.on,
            kind=record.kind,
            title=record.title,
            score=assessed_value(record.kind, record.score),
        )
    else:
        row.update(period=str(record.year), title=record.title, progress=record.progress)
    return row
