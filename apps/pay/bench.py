"""Synthetic people for ``bench_pay``: generate, measure, drop.

Every generated row is tagged (user names ``bench_pay_*``, the team "Bench pay team", the review
cycle "Bench pay cycle", pay runs opened by ``bench_pay_hr``) so that :func:`drop` removes
exactly them. Rows are written with batched ``bulk_create`` (a few tables of N rows each).
"""

from __future__ import annotations

import random
import time
from decimal import Decimal
from unittest import mock

from django.db import connection, transaction
from django.db.models import Q
from django.test import RequestFactory
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.module_loading import import_string

from apps.accounts.models import EmployeeProfile, Team, User
from apps.core.bench_workers import WorkerError, measure_pools
from apps.core.choices import Role
from apps.core.models import AuditEntry
from apps.pay import services
from apps.pay.choices import PayRunStatus
from apps.pay.models import PayAdjustment, PayRun, PayRunChunk, PayStatement
from apps.pay.services import latest_quarter_key
from apps.performance import periods
from apps.reviews.choices import CycleKind, ReviewStatus
from apps.reviews.models import Review, ReviewCycle
from apps.scorecards.models import Scorecard
from apps.scorecards.selectors import scorecard_reps

PREFIX = "bench_pay_"
REP_PREFIX = PREFIX + "rep_"
HR_USERNAME = PREFIX + "hr"
TEAM_NAME = "Bench pay team"
CYCLE_NAME = "Bench pay cycle"
BATCH = 2000


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def generate(*, reps: int, period: periods.Period, seed: int = 1) -> dict:
    """``reps`` reps with a profile (P 3,000-8,000, salary 6,000-15,000), a monthly scorecard
    of ``period`` (score 40-130, every 20th missing), a finalised review of the latest quarter
    ending by the month's end (every 10th missing) and that quarter's scorecard with a
    satisfaction (70-100, every 15th missing); and the HR person who runs the bench."""
    rng = random.Random(seed)
    quarter = periods.parse_period(latest_quarter_key(period), business_range=False)
    now = timezone.now()
    with transaction.atomic():
        team, _created = Team.objects.get_or_create(name=TEAM_NAME)
        User.objects.create(username=HR_USERNAME, password="!", role=Role.HR)
        User.objects.bulk_create(
            [
                User(username=f"{REP_PREFIX}{i}", password="!", role=Role.REP, team=team)
                for i in range(1, reps + 1)
            ],
            batch_size=BATCH,
        )
        ids = bench_rep_ids()
        EmployeeProfile.objects.bulk_create(
            [
                EmployeeProfile(
                    user_id=pk,
                    monthly_performance_pay=Decimal(rng.randrange(300_000, 800_000)) / 100,
                    monthly_base_salary=Decimal(rng.randrange(600_000, 1_500_000)) / 100,
                )
                for pk in ids
            ],
            batch_size=BATCH,
        )
        cards = [
            Scorecard(
                rep_id=pk,
                period_key=period.key,
                period_kind=periods.MONTH,
                period_start=period.start,
                period_end=period.end,
                score=Decimal(rng.randrange(4000, 13000)) / 100,
                computed_at=now,
            )
            for i, pk in enumerate(ids)
            if i % 20
        ]
        cards += [
            Scorecard(
                rep_id=pk,
                period_key=quarter.key,
                period_kind=periods.QUARTER,
                period_start=quarter.start,
                period_end=quarter.end,
                customer_satisfaction=Decimal(rng.randrange(7000, 10000)) / 100,
                computed_at=now,
            )
            for i, pk in enumerate(ids)
            if i % 15
        ]
        Scorecard.objects.bulk_create(cards, batch_size=BATCH)
        cycle = ReviewCycle.objects.create(
            name=CYCLE_NAME, kind=CycleKind.QUARTER, period_key=quarter.key, seed="bench"
        )
        Review.objects.bulk_create(
            [
                Review(
                    cycle=cycle,
                    person_id=pk,
                    status=ReviewStatus.FINALISED,
                    score=Decimal(rng.randrange(5000, 11000)) / 100,
                    finalised_at=now,
                )
                for i, pk in enumerate(ids)
                if i % 10
            ],
            batch_size=BATCH,
        )
    if _is_postgres():
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"reps": len(ids)}


def bench_rep_ids() -> list[int]:
    return list(
        User.objects.filter(username__startswith=REP_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def bench_hr():
    return User.objects.filter(username=HR_USERNAME).first()


def drop() -> None:
    """Delete every generated row: the bench runs (with their chunks, statements and
    adjustments), reviews, scorecards, profiles, audit entries and people. Raw deletes: the
    rows never reach Python."""
    people = User.objects.filter(username__startswith=PREFIX)
    ids = people.values("pk")
    runs = PayRun.objects.filter(opened_by__username=HR_USERNAME).values("pk")
    querysets = [
        PayAdjustment.objects.filter(Q(run__in=runs) | Q(person__in=ids)),
        PayStatement.objects.filter(Q(run__in=runs) | Q(person__in=ids)),
        PayRunChunk.objects.filter(run__in=runs),
        AuditEntry.objects.filter(Q(actor__in=ids) | Q(subject_user__in=ids)),
        Review.objects.filter(Q(person__in=ids) | Q(cycle__name=CYCLE_NAME)),
        Scorecard.objects.filter(rep__in=ids),
        EmployeeProfile.objects.filter(user__in=ids),
    ]
    with transaction.atomic():
        for queryset in querysets:
            queryset._raw_delete(queryset.db)
        PayRun.objects.filter(pk__in=[row["pk"] for row in runs]).delete()
        ReviewCycle.objects.filter(name=CYCLE_NAME).delete()
        User.objects.filter(username=HR_USERNAME).delete()  # created one by one: signals ran
        people._raw_delete(people.db)
        Team.objects.filter(name=TEAM_NAME, members__isnull=True).delete()


# --- The yardsticks ----------------------------------------------------------------------------

#: The same inputs the chunk reads (P, salary, the month's score, the latest finalised quarterly
#: review by the month's end and its quarter, the latest quarter satisfaction by then and its
#: quarter) as one bare SELECT; LATERAL joins on PostgreSQL.
BARE_SQL_POSTGRES = """
SELECT u.id, u.team_id, p.monthly_performance_pay, p.monthly_base_salary, m.score,
       r.score, r.period_key, s.customer_satisfaction, s.period_key
FROM accounts_user u
LEFT JOIN accounts_employeeprofile p ON p.user_id = u.id
LEFT JOIN scorecards_scorecard m
       ON m.rep_id = u.id AND m.period_kind = 'month' AND m.period_key = %(key)s
LEFT JOIN LATERAL (
    SELECT rv.score, c.period_key FROM reviews_review rv
    JOIN reviews_reviewcycle c ON c.id = rv.cycle_id
    WHERE rv.person_id = u.id AND rv.status = 'finalised' AND c.kind = 'quarter'
      AND c.period_key <= %(quarter)s AND rv.score IS NOT NULL
    ORDER BY c.period_key DESC, rv.id DESC LIMIT 1
) r ON true
LEFT JOIN LATERAL (
    SELECT q.customer_satisfaction, q.period_key FROM scorecards_scorecard q
    WHERE q.rep_id = u.id AND q.period_kind = 'quarter' AND q.period_end <= %(end)s
      AND q.customer_satisfaction IS NOT NULL
    ORDER BY q.period_end DESC LIMIT 1
) s ON true
WHERE u.is_active AND u.role IN ('rep', 'manager')
ORDER BY u.id
"""

BARE_SQL_OTHER = """
SELECT u.id, u.team_id, p.monthly_performance_pay, p.monthly_base_salary, m.score,
  (SELECT rv.score FROM reviews_review rv JOIN reviews_reviewcycle c ON c.id = rv.cycle_id
    WHERE rv.person_id = u.id AND rv.status = 'finalised' AND c.kind = 'quarter'
      AND c.period_key <= %(quarter)s AND rv.score IS NOT NULL
    ORDER BY c.period_key DESC, rv.id DESC LIMIT 1),
  (SELECT q.customer_satisfaction FROM scorecards_scorecard q
    WHERE q.rep_id = u.id AND q.period_kind = 'quarter' AND q.period_end <= %(end)s
      AND q.customer_satisfaction IS NOT NULL ORDER BY q.period_end DESC LIMIT 1)
FROM accounts_user u
LEFT JOIN accounts_employeeprofile p ON p.user_id = u.id
LEFT JOIN scorecards_scorecard m
       ON m.rep_id = u.id AND m.period_kind = 'month' AND m.period_key = %(key)s
WHERE u.is_active AND u.role IN ('rep', 'manager')
ORDER BY u.id
"""


def run_bare_sql(period: periods.Period) -> int:
    """Read every input with the bare SELECT; returns the rows fetched."""
    params = {"key": period.key, "quarter": latest_quarter_key(period), "end": period.end}
    sql = BARE_SQL_POSTGRES if _is_postgres() else BARE_SQL_OTHER
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return len(cursor.fetchall())


#: The pay rows as people read them (the XLSX of the pay dataset: its 24 columns) and as the
#: database copies them out: the same columns, raw (names, codes, the JSON list of missing
#: inputs), the same joins, month filter and order.
COPY_COLUMNS = (
    "r.period_key, r.status, r.policy_version, u.first_name, u.last_name, u.username, t.name,"
    " s.performance_pay_standard, s.base_salary, s.quantitative_score, s.quantitative_applied,"
    " s.qualitative_score, s.qualitative_period, s.qualitative_applied, s.satisfaction,"
    " s.satisfaction_period, s.satisfaction_met, s.base_pay, s.performance_bonus,"
    " s.capability_bonus, s.satisfaction_bonus, s.computed_total, s.adjustments, s.total,"
    " s.missing"
)


def _pay_dataset():
    # Loaded by name: the exports layer sits above pay (see ``bench_pay``).
    return import_string("apps.exports.datasets.get")("pay")


def xlsx_columns(column=None, **kinds) -> list:
    """The columns HR's pay export writes (the pay dataset's, in the current language); the
    arguments (the exports app's ``Column`` class and kinds) are no longer needed."""
    return _pay_dataset().columns()


def statements_for_xlsx(run_id: int):
    """The run's statements as HR's export gets them: the pay dataset's FilterSet for the
    run's month, scoped to the bench's HR person, as the export view builds it."""
    run = PayRun.objects.get(pk=run_id)
    request = RequestFactory().get("/", {"month": run.period_key})
    request.user = bench_hr()
    filterset = _pay_dataset().filterset(request.GET, request)
    if not filterset.is_valid():
        raise ValueError(filterset.errors)
    return filterset.qs


def copy_rows(run_id: int) -> int:
    """PostgreSQL ``COPY (SELECT the same columns) TO STDOUT``; returns the bytes read."""
    sql = (
        f"COPY (SELECT {COPY_COLUMNS} FROM pay_paystatement s"
        " JOIN pay_payrun r ON r.id = s.run_id"
        " JOIN accounts_user u ON u.id = s.person_id"
        " LEFT JOIN accounts_team t ON t.id = s.team_id"
        f" WHERE r.period_key = (SELECT period_key FROM pay_payrun WHERE id = {int(run_id)})"
        " ORDER BY r.period_start DESC, t.name, u.username, s.id) TO STDOUT"
    )
    size = 0
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for data in copy:
            size += len(data)
    return size


def open_run(period: periods.Period, hr) -> PayRun:
    """HR opens the month's pay run without its task being sent: the benchmark computes it
    through the job functions itself (here, or in its worker processes)."""
    with mock.patch.object(services, "_enqueue_run", lambda run_id: None):
        return services.pay_run_open(actor=hr, period_key=period.key)


# --- Worker processes --------------------------------------------------------------------------

#: What each worker calls for a chunk (the Celery task's service call).
CHUNK_TASK = "apps.pay.services.pay_run_compute_chunk"


def measure_workers(*, period, counts: list[int], chunk_size: int, repeat: int, write) -> dict:
    """Time whole pay runs of ``period`` computed by pools of ``counts`` worker processes in
    chunks of ``chunk_size`` (best of ``repeat`` per pool): from the start of the job (which
    makes the chunks) until its last chunk opens the run for review, checking that every chunk
    ran once and everyone paid got one statement. Each run replaces the previous one."""
    hr = bench_hr()
    people = scorecard_reps().count()

    def run_job(pool):
        PayRun.objects.filter(period_key=period.key, opened_by=hr).delete()
        run = open_run(period, hr)
        started = time.perf_counter()
        with override_settings(PAY_CHUNK_SIZE=chunk_size):
            chunks = services.pay_run_start(run_id=run.pk)
        done = pool.run(
            [
                (number, {"run_id": run.pk, "round": round_, "number": number})
                for round_, number in chunks
            ],
            timeout_s=3600,
        )
        elapsed = time.perf_counter() - started
        run.refresh_from_db()
        attempts = set(run.chunks.values_list("attempts", flat=True))
        if run.status != PayRunStatus.OPEN or run.done_chunks != len(chunks):
            raise WorkerError(
                f"pay run {run.pk} ended {run.status} with {run.done_chunks}/{len(chunks)} "
                f"chunks done: {run.error}"
            )
        if sorted(done) != sorted(number for _round, number in chunks) or attempts != {1}:
            raise WorkerError(f"pay run {run.pk}: a chunk ran more than once or never")
        if run.statements.count() != people:
            raise WorkerError(
                f"pay run {run.pk}: {run.statements.count()} statements for {people} people"
            )
        return elapsed, done

    try:
        measured = measure_pools(
            counts=counts, repeat=repeat, task=CHUNK_TASK, run_job=run_job, write=write
        )
    finally:
        PayRun.objects.filter(period_key=period.key, opened_by=hr).delete()
    return {**measured, "chunk_size": chunk_size}
