"""Synthetic organisation for ``bench_kpis``: generate, measure, drop.

Every generated row is tagged (user names ``bench_rep_*`` and ``bench_manager_*``, customers
``Bench customer *``, orders ``BENCH-*``, opportunities ``Bench opportunity *``) so that
:func:`drop` removes exactly them. PostgreSQL generates rows server-side with
``INSERT ... SELECT generate_series``; other backends use batched ``bulk_create``.
"""

from __future__ import annotations

import datetime
import random
import time
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import Team, User
from apps.core.choices import Role
from apps.customers.models import Customer
from apps.opportunities.models import Opportunity
from apps.sales.models import Order, OrderCredit, Payment, Receivable
from apps.scorecards.models import RecomputeChunk, RecomputeJob, Scorecard, StaleRepPeriod

TEAM_NAME = "Bench team"
REP_PREFIX = "bench_rep_"
MANAGER_PREFIX = "bench_manager_"
CUSTOMER_PREFIX = "Bench customer "
ORDER_PREFIX = "BENCH-"
OPPORTUNITY_PREFIX = "Bench opportunity "
DAYS = 1096  # three years of history, ending today
GRADES = ["A", "B", "C", ""]


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def generate(*, reps: int, orders: int, seed: int = 1, managers: int = 0) -> dict:
    """Create the organisation: reps, ``managers`` active managers who own and sell nothing
    (they get scorecards all the same, as in a real organisation), customers (one per 5
    orders), orders with credits (every 10th shared 60/40), one receivable per order (due 30
    days after signing), payments on 85 % of the receivables (a quarter of them partial, some
    after the due date) and opportunities reaching negotiation (half with needs confirmed)."""
    customers = max(reps, orders // 5)
    first_day = timezone.localdate() - datetime.timedelta(days=DAYS - 1)
    team, _created = Team.objects.get_or_create(name=TEAM_NAME)
    started = time.perf_counter()
    with transaction.atomic():
        if _is_postgres():
            _generate_postgres(team.pk, reps, customers, orders, first_day, seed)
        else:
            _generate_python(team.pk, reps, customers, orders, first_day, seed)
        _generate_managers(team.pk, managers)
    if _is_postgres():
        # Fresh statistics and no dead index entries left by an earlier run's drop (the
        # planner probes index ends for range estimates, slow over dead entries).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return {"customers": customers, "generate_s": round(time.perf_counter() - started, 3)}


def _skip_foreign_key_triggers(cursor) -> None:
    """Bulk loading and dropping: the generated rows are consistent by construction, so the
    per-row foreign-key triggers are skipped when the connection may (superuser); otherwise
    they run as usual, only slower."""
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cursor.fetchone()[0]:
        cursor.execute("SET LOCAL session_replication_role = replica")


def _generate_postgres(team_id, reps, customers, orders, first_day, seed):
    statements = [
        ("SELECT setseed(%s)", [((seed % 1000) / 1000.0)]),
        (
            "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name,"
            " email, is_staff, is_active, date_joined, role, team_id)"
            " SELECT '!', false, %s || g, '', '', '', false, true, now(), %s, %s"
            " FROM generate_series(1, %s) g",
            [REP_PREFIX, Role.REP.value, team_id, reps],
        ),
        (
            "CREATE TEMP TABLE bench_reps ON COMMIT DROP AS SELECT row_number() OVER"
            " (ORDER BY id) AS i, id FROM accounts_user WHERE username LIKE %s",
            [REP_PREFIX + "%"],
        ),
        (
            "INSERT INTO customers_customer (created_at, updated_at, name, company_key, phone,"
            " phone_key, email, email_key, owner_id, company_size, lead_grade, status, lost_on,"
            " lost_reason, notes)"
            " SELECT now(), now(), %s || g, 'bench customer ' || g, '', '', '', '', r.id, '',"
            " (ARRAY['A','B','C',''])[1 + g %% 4],"
            " CASE WHEN g %% 20 = 0 THEN 'lost' ELSE 'active' END,"
            " CASE WHEN g %% 20 = 0 THEN %s::date + floor(random() * %s)::int END,"
            " CASE WHEN g %% 20 = 0 THEN 'bench' ELSE '' END, ''"
            " FROM generate_series(1, %s) g JOIN bench_reps r ON r.i = 1 + (g - 1) %% %s",
            [CUSTOMER_PREFIX, first_day, DAYS, customers, reps],
        ),
        (
            "CREATE TEMP TABLE bench_customers ON COMMIT DROP AS SELECT row_number() OVER"
            " (ORDER BY id) AS i, id, owner_id FROM customers_customer WHERE name LIKE %s",
            [CUSTOMER_PREFIX + "%"],
        ),
        (
            "INSERT INTO sales_order (created_at, updated_at, number, customer_id, owner_id,"
            " amount, signed_on, notes)"
            " SELECT now(), now(), %s || g, c.id, c.owner_id,"
            " round((100 + random() * 99900)::numeric, 2), %s::date + floor(random() * %s)::int,"
            " '' FROM generate_series(1, %s) g"
            " JOIN bench_customers c ON c.i = 1 + (g::bigint * 7919) %% %s",
            [ORDER_PREFIX, first_day, DAYS, orders, customers],
        ),
        (
            "INSERT INTO sales_ordercredit (order_id, rep_id, percent)"
            " SELECT o.id, o.owner_id, CASE WHEN o.id %% 10 = 0 AND %s > 1 THEN 60 ELSE 100 END"
            " FROM sales_order o WHERE o.number LIKE %s",
            [reps, ORDER_PREFIX + "%"],
        ),
        (
            "INSERT INTO sales_ordercredit (order_id, rep_id, percent)"
            " SELECT o.id, partner.id, 40 FROM sales_order o"
            " JOIN bench_reps mine ON mine.id = o.owner_id"
            " JOIN bench_reps partner ON partner.i = 1 + mine.i %% %s"
            " WHERE o.number LIKE %s AND o.id %% 10 = 0 AND %s > 1",
            [reps, ORDER_PREFIX + "%", reps],
        ),
        (
            "INSERT INTO sales_receivable (created_at, updated_at, order_id, amount, issued_on,"
            " credit_term_days, due_on)"
            " SELECT now(), now(), o.id, o.amount, o.signed_on, 30, o.signed_on + 30"
            " FROM sales_order o WHERE o.number LIKE %s",
            [ORDER_PREFIX + "%"],
        ),
        (
            "INSERT INTO sales_payment (created_at, updated_at, receivable_id, amount, paid_on,"
            " reference)"
            " SELECT now(), now(), r.id,"
            " CASE WHEN r.id %% 4 = 0 THEN round(r.amount / 2, 2) ELSE r.amount END,"
            " r.due_on + floor(random() * 40)::int - 25, ''"
            " FROM sales_receivable r JOIN sales_order o ON o.id = r.order_id"
            " WHERE o.number LIKE %s AND random() < 0.85",
            [ORDER_PREFIX + "%"],
        ),
        (
            "INSERT INTO opportunities_opportunity (created_at, updated_at, name, customer_id,"
            " owner_id, kind, stage, probability, needs_confirmed, negotiation_reached_at,"
            " service_terms, lost_reason)"
            " SELECT now(), now(), %s || c.i, c.id, c.owner_id, 'new_business', 'negotiation', 60,"
            " c.i %% 2 = 0, %s::timestamptz + random() * %s * interval '1 day', '', ''"
            " FROM bench_customers c WHERE c.i %% 3 = 0",
            [OPPORTUNITY_PREFIX, first_day, DAYS],
        ),
    ]
    with connection.cursor() as cursor:
        _skip_foreign_key_triggers(cursor)
        for sql, params in statements:
            cursor.execute(sql, params)


def _generate_python(team_id, reps, customers, orders, first_day, seed, batch=5000):
    rng = random.Random(seed)
    now = timezone.now()
    User.objects.bulk_create(
        [
            User(username=f"{REP_PREFIX}{i}", password="!", role=Role.REP, team_id=team_id)
            for i in range(1, reps + 1)
        ],
        batch_size=batch,
    )
    rep_ids = list(
        User.objects.filter(username__startswith=REP_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)
    )

    def some_day():
        return first_day + datetime.timedelta(days=rng.randrange(DAYS))

    rows = []
    for i in range(1, customers + 1):
        lost = i % 20 == 0
        rows.append(
            Customer(
                name=f"{CUSTOMER_PREFIX}{i}",
                company_key=f"bench customer {i}",
                owner_id=rep_ids[(i - 1) % reps],
                lead_grade=GRADES[i % 4],
                status="lost" if lost else "active",
                lost_on=some_day() if lost else None,
                lost_reason="bench" if lost else "",
            )
        )
    Customer.objects.bulk_create(rows, batch_size=batch)
    customer_rows = list(
        Customer.objects.filter(name__startswith=CUSTOMER_PREFIX)
        .order_by("pk")
        .values_list("pk", "owner_id")
    )
    position = {rep: index for index, rep in enumerate(rep_ids)}
    Opportunity.objects.bulk_create(
        [
            Opportunity(
                name=f"{OPPORTUNITY_PREFIX}{i}",
                customer_id=pk,
                owner_id=owner,
                stage="negotiation",
                probability=Decimal(60),
                needs_confirmed=i % 2 == 0,
                negotiation_reached_at=timezone.make_aware(
                    datetime.datetime.combine(some_day(), datetime.time(rng.randrange(24)))
                ),
            )
            for i, (pk, owner) in enumerate(customer_rows, start=1)
            if i % 3 == 0
        ],
        batch_size=batch,
    )
    for start in range(0, orders, batch):
        chunk = []
        for g in range(start + 1, min(orders, start + batch) + 1):
            customer_id, owner_id = customer_rows[(g * 7919) % customers]
            chunk.append(
                Order(
                    number=f"{ORDER_PREFIX}{g}",
                    customer_id=customer_id,
                    owner_id=owner_id,
                    amount=Decimal(rng.randrange(10_000, 10_000_000)) / 100,
                    signed_on=some_day(),
                    created_at=now,
                    updated_at=now,
                )
            )
        created = Order.objects.bulk_create(chunk)
        credits, receivables = [], []
        for obj in created:
            shared = obj.pk % 10 == 0 and reps > 1
            credits.append(
                OrderCredit(order=obj, rep_id=obj.owner_id, percent=60 if shared else 100)
            )
            if shared:
                partner = rep_ids[(position[obj.owner_id] + 1) % reps]
                credits.append(OrderCredit(order=obj, rep_id=partner, percent=40))
            receivables.append(
                Receivable(
                    order=obj,
                    amount=obj.amount,
                    issued_on=obj.signed_on,
                    due_on=obj.signed_on + datetime.timedelta(days=30),
                )
            )
        OrderCredit.objects.bulk_create(credits)
        Receivable.objects.bulk_create(receivables)
        Payment.objects.bulk_create(
            [
                Payment(
                    receivable=r,
                    amount=(r.amount / 2).quantize(Decimal("0.01")) if r.pk % 4 == 0 else r.amount,
                    paid_on=r.due_on + datetime.timedelta(days=rng.randrange(40) - 25),
                )
                for r in receivables
                if rng.random() < 0.85
            ]
        )


def _generate_managers(team_id: int, managers: int) -> None:
    User.objects.bulk_create(
        [
            User(username=f"{MANAGER_PREFIX}{i}", password="!", role=Role.MANAGER, team_id=team_id)
            for i in range(1, managers + 1)
        ],
        batch_size=5000,
    )


def bench_rep_ids() -> list[int]:
    return list(
        User.objects.filter(username__startswith=REP_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def drop() -> None:
    """Delete every generated row (and the scorecards, marks and jobs of the bench reps).

    Raw deletes in dependency order: nothing is loaded into Python, whatever the volume."""
    bench_orders = Order.objects.filter(number__startswith=ORDER_PREFIX).values("pk")
    people = User.objects.filter(
        Q(username__startswith=REP_PREFIX) | Q(username__startswith=MANAGER_PREFIX)
    )
    reps = people.values("pk")
    querysets = [
        Payment.objects.filter(receivable__order__in=bench_orders),
        Receivable.objects.filter(order__in=bench_orders),
        OrderCredit.objects.filter(order__in=bench_orders),
        Order.objects.filter(number__startswith=ORDER_PREFIX),
        Opportunity.objects.filter(name__startswith=OPPORTUNITY_PREFIX),
        Customer.objects.filter(name__startswith=CUSTOMER_PREFIX),
        Scorecard.objects.filter(rep__in=reps),
        StaleRepPeriod.objects.filter(rep__in=reps),
        RecomputeChunk.objects.filter(job__error__startswith="bench"),
        RecomputeJob.objects.filter(error__startswith="bench"),
        people,
    ]
    with transaction.atomic():
        if _is_postgres():
            with connection.cursor() as cursor:
                _skip_foreign_key_triggers(cursor)
        for queryset in querysets:
            # A plain DELETE ... WHERE: the rows never reach Python.
            queryset._raw_delete(queryset.db)
        Team.objects.filter(name=TEAM_NAME, members__isnull=True).delete()


#: The same raw sums and counts as the selectors, as bare GROUP BY queries (the yardstick).
BARE_SQL = {
    "sales": (
        "SELECT COALESCE(c.rep_id, o.owner_id) AS rep,"
        " SUM(CASE WHEN o.signed_on >= %(start)s AND o.signed_on < %(end)s"
        "  THEN o.amount * COALESCE(c.percent, 100) / 100 END) AS sales,"
        " SUM(CASE WHEN o.signed_on >= %(start)s AND o.signed_on < %(end)s AND NOT EXISTS"
        "  (SELECT 1 FROM sales_order p WHERE p.customer_id = o.customer_id"
        "   AND p.signed_on < %(start)s)"
        "  THEN o.amount * COALESCE(c.percent, 100) / 100 END) AS new_sales,"
        " SUM(CASE WHEN o.signed_on >= %(ly_start)s AND o.signed_on < %(ly_end)s"
        "  THEN o.amount * COALESCE(c.percent, 100) / 100 END) AS last_year"
        " FROM sales_order o LEFT JOIN sales_ordercredit c ON c.order_id = o.id"
        " WHERE (o.signed_on >= %(start)s AND o.signed_on < %(end)s)"
        "  OR (o.signed_on >= %(ly_start)s AND o.signed_on < %(ly_end)s)"
        " GROUP BY 1"
    ),
    "due": (
        "SELECT COALESCE(c.rep_id, o.owner_id), SUM(r.amount * COALESCE(c.percent, 100) / 100)"
        " FROM sales_receivable r JOIN sales_order o ON o.id = r.order_id"
        " LEFT JOIN sales_ordercredit c ON c.order_id = o.id"
        " WHERE r.due_on >= %(start)s AND r.due_on < %(end)s GROUP BY 1"
    ),
    "collected": (
        "SELECT COALESCE(c.rep_id, o.owner_id), SUM(p.amount * COALESCE(c.percent, 100) / 100)"
        " FROM sales_payment p JOIN sales_receivable r ON r.id = p.receivable_id"
        " JOIN sales_order o ON o.id = r.order_id"
        " LEFT JOIN sales_ordercredit c ON c.order_id = o.id"
        " WHERE r.due_on >= %(start)s AND r.due_on < %(end)s AND p.paid_on < %(end)s"
        " GROUP BY 1"
    ),
    "development": (
        "SELECT cu.owner_id, COUNT(*), SUM(CASE cu.lead_grade WHEN 'A' THEN 2 WHEN 'B' THEN 1.5"
        " ELSE 1 END) FROM customers_customer cu"
        " WHERE (cu.id IN (SELECT customer_id FROM sales_order WHERE signed_on >= %(start)s"
        "  AND signed_on < %(end)s) OR cu.id IN (SELECT customer_id FROM"
        "  opportunities_opportunity WHERE needs_confirmed AND negotiation_reached_at >="
        "  %(start_at)s AND negotiation_reached_at < %(end_at)s))"
        " AND NOT EXISTS (SELECT 1 FROM sales_order o WHERE o.customer_id = cu.id"
        "  AND o.signed_on < %(start)s)"
        " AND NOT EXISTS (SELECT 1 FROM opportunities_opportunity op WHERE op.customer_id ="
        "  cu.id AND op.needs_confirmed AND op.negotiation_reached_at < %(start_at)s)"
        " GROUP BY 1"
    ),
    "retention": (
        "SELECT cu.owner_id, COUNT(*), SUM(CASE WHEN cu.lost_on >= %(start)s AND cu.lost_on <"
        " %(end)s THEN 1 ELSE 0 END) FROM customers_customer cu"
        " WHERE (cu.lost_on IS NULL OR cu.lost_on >= %(start)s) AND EXISTS (SELECT 1 FROM"
        " sales_order o WHERE o.customer_id = cu.id AND o.signed_on < %(start)s) GROUP BY 1"
    ),
}


def run_bare_sql(params: dict) -> int:
    """Run every yardstick query; returns the number of result rows (all fetched)."""
    rows = 0
    with connection.cursor() as cursor:
        for sql in BARE_SQL.values():
            cursor.execute(sql, params)
            rows += len(cursor.fetchall())
    return rows
