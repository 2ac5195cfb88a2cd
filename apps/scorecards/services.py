"""Writes of the scorecards app: recompute scorecards, mark them stale, queue recompute jobs."""

from __future__ import annotations

import datetime
import os
import signal
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, connections, router, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.bulk import upsert_unnest
from apps.performance import periods as period_lib
from apps.performance.calculations import growth_target
from apps.performance.selectors import (
    period_setting_for,
    scheme_in_force,
    scheme_items,
    targets_by_rep,
)
from apps.scorecards import selectors
from apps.scorecards.calculations import RawFigures, RepTargets, SchemeItem, scorecard_figures
from apps.scorecards.choices import (
    DEFAULT_CHUNK_SIZE,
    KIND_CYCLE,
    UPSERT_BATCH_SIZE,
    JobStatus,
)
from apps.scorecards.models import RecomputeChunk, RecomputeJob, Scorecard, StaleRepPeriod

#: The key of a scorecard: an upsert matches on it and rewrites every other column.
UNIQUE_FIELDS = ["rep", "period_key"]


def _written_fields() -> list:
    """The columns an upsert writes: every concrete field of the model but the id, read from
    ``_meta`` so that a new field is written by both upsert paths without further ado."""
    meta = Scorecard._meta
    return [f for f in meta.concrete_fields if f is not meta.pk]


def _update_fields() -> list[str]:
    """Fields an upsert rewrites (everything but the key and the id)."""
    return [f.name for f in _written_fields() if f.name not in UNIQUE_FIELDS]


def parse_period_key(key) -> period_lib.Period:
    """The period of ``key``, or a ValidationError naming ``period``."""
    try:
        period = period_lib.parse_period(key, business_range=False)
    except (ValueError, TypeError) as error:
        message = _(
            "%(key)s is not a period: use YYYY-MM for a month (2026-10), YYYY-Qn for a quarter "
            "(2026-Q4) or YYYY for a year (2026)."
        ) % {"key": repr(key)}
        raise ValidationError({"period": [message]}) from error
    if out_of_range := period_lib.business_period_error(period):
        raise ValidationError({"period": [out_of_range]})
    return period


def chunk_size() -> int:
    return max(1, int(getattr(settings, "SCORECARD_CHUNK_SIZE", DEFAULT_CHUNK_SIZE)))


def _scheme_items(items) -> list[SchemeItem]:
    return [
        SchemeItem(kpi=item.kpi, weight=item.weight, target=item.target, cap=item.cap)
        for item in items
    ]


def _rep_targets(target) -> RepTargets:
    if target is None:
        return RepTargets()
    return RepTargets(
        sales_target=target.sales_target,
        new_customers_target=target.new_customers_target,
        collection_rate_target=target.collection_rate_target,
    )


@dataclass
class _Inputs:
    """What a recompute reads: the reps, their raw figures and targets, the period's growth
    target and the weight scheme in force. ``stale_marks``: whether stale marks may need
    clearing (``None``: not checked, so yes)."""

    reps: list[int]
    raw: dict[int, RawFigures] = field(default_factory=dict)
    targets: dict[int, RepTargets] = field(default_factory=dict)
    growth_target: Decimal | None = None
    scheme_id: int | None = None
    scheme_version: int | None = None
    items: list[SchemeItem] = field(default_factory=list)
    stale_marks: bool | None = None


def _inputs_of_many(period: period_lib.Period, rep_ids: list[int] | None) -> _Inputs:
    """Everyone (``rep_ids`` None) or a chunk of many reps: one GROUP BY query per source of
    figures over all (or a range of) reps, picked per rep; then the targets, the period
    setting and the scheme in force (:mod:`apps.performance.selectors`)."""
    reps = list(selectors.scorecard_reps(rep_ids=rep_ids).values_list("pk", flat=True))
    if not reps:
        return _Inputs(reps=[])
    figures = selectors.figures_by_rep(selectors.Window.of(period), rep_ids=rep_ids)
    targets = targets_by_rep(period.key, rep_ids=rep_ids)
    setting = period_setting_for(period)
    scheme = scheme_in_force(KIND_CYCLE[period.kind], period.start)
    return _Inputs(
        reps=reps,
        raw={rep_id: RawFigures.from_row(figures.get(rep_id)) for rep_id in reps},
        targets={rep_id: _rep_targets(targets.get(rep_id)) for rep_id in reps},
        growth_target=None
        if setting is None
        else growth_target(setting.industry_growth_rate, setting.challenge_margin),
        scheme_id=scheme.pk if scheme is not None else None,
        scheme_version=scheme.version if scheme is not None else None,
        items=_scheme_items(scheme.items.all()) if scheme is not None else [],
    )


def _inputs_of_few(
    period: period_lib.Period, rep_ids: list[int], started: datetime.datetime
) -> _Inputs:
    """At most ``FEW_REPS`` reps (a refresh): ONE statement reads the reps, their figures,
    targets, the period setting, the scheme in force and whether stale marks wait, then one
    query reads the scheme's items. The figures come from the same sources as everyone's
    (nested per rep), and the target, setting and scheme from the same performance
    querysets, so the numbers are those of everyone."""
    rows = selectors.rep_scorecard_inputs(
        period=period, rep_ids=rep_ids, cycle=KIND_CYCLE[period.kind], marked_before=started
    )
    if not rows:
        return _Inputs(reps=[])
    first = rows[0]
    items = []
    if first["scheme_id"] is not None:
        items = _scheme_items(scheme_items(first["scheme_id"]))
    return _Inputs(
        reps=[row["pk"] for row in rows],
        raw={row["pk"]: RawFigures.from_row(row["figures"]) for row in rows},
        targets={
            row["pk"]: RepTargets(**{name: row[name] for name in selectors.TARGET_FIELDS})
            for row in rows
        },
        growth_target=growth_target(first["industry_growth_rate"], first["challenge_margin"]),
        scheme_id=first["scheme_id"],
        scheme_version=first["scheme_version"],
        items=items,
        stale_marks=first["stale_marks"],
    )


def scorecards_recompute(*, period_key: str, rep_ids: Iterable[int] | None = None) -> int:
    """Recompute the scorecards of ``period_key`` for ``rep_ids`` (default: every rep).

    Aggregates are computed set-based (a fixed number of queries whatever the number of reps or
    orders), the formulas run in Python over the per-rep rows, and every scorecard is written
    with an upsert on (rep, period_key) together with clearing the stale marks it answers:
    rerunning gives the same rows with the same ids, and a failure leaves the previous
    scorecards as they were.

    A refresh of at most ``selectors.FEW_REPS`` reps reads everything in one statement plus
    the scheme's items, and when no stale mark waits writes with a single upsert statement
    (atomic on its own). Returns the number of scorecards written.
    """
    period = parse_period_key(period_key)
    started = timezone.now()
    rep_ids = None if rep_ids is None else sorted({int(pk) for pk in rep_ids})
    if rep_ids is not None and len(rep_ids) <= selectors.FEW_REPS:
        inputs = _inputs_of_few(period, rep_ids, started)
    else:
        inputs = _inputs_of_many(period, rep_ids)
    if not inputs.reps:
        return 0
    if period.kind in selectors.QUALITATIVE_KINDS:
        _add_qualitative(inputs, period, rep_ids)

    computed_at = timezone.now()
    cards = []
    for rep_id in inputs.reps:
        figures = scorecard_figures(
            inputs.raw[rep_id],
            targets=inputs.targets[rep_id],
            items=inputs.items,
            growth_target=inputs.growth_target,
        )
        cards.append(
            Scorecard(
                rep_id=rep_id,
                period_key=period.key,
                period_kind=period.kind,
                period_start=period.start,
                period_end=period.end,
                weight_scheme_id=inputs.scheme_id,
                weight_scheme_version=inputs.scheme_version,
                computed_at=computed_at,
                stale=False,
                **figures,
            )
        )
    if inputs.stale_marks is False and _upsert_is_one_statement(cards):
        # Nothing to clear and one statement: the upsert is atomic on its own.
        _upsert(cards)
        return len(cards)
    with transaction.atomic():
        _upsert(cards)
        _clear_stale_marks(period_key=period.key, rep_ids=rep_ids, before=started)
    return len(cards)


def _add_qualitative(inputs: _Inputs, period: period_lib.Period, rep_ids) -> None:
    """Quarters and years: the qualitative KPIs of every rep (a fixed number of queries, see
    :func:`selectors.qualitative_by_rep`); a rep with nothing to score keeps them undefined."""
    qualitative = selectors.qualitative_by_rep(period, rep_ids=rep_ids)
    for rep_id in inputs.reps:
        for name, value in qualitative.get(rep_id, {}).items():
            setattr(inputs.raw[rep_id], name, value)


def _connection():
    return connections[router.db_for_write(Scorecard)]


def _upsert_is_one_statement(cards: list[Scorecard]) -> bool:
    connection = _connection()
    if connection.vendor == "postgresql":
        return True
    batch = connection.ops.bulk_batch_size(_written_fields(), cards)
    return len(cards) <= min(UPSERT_BATCH_SIZE, batch)


def _upsert(cards: list[Scorecard]) -> None:
    """Insert or rewrite ``cards`` on (rep, period_key), keeping the ids of existing rows.

    PostgreSQL: ONE statement whatever the number of cards (:func:`_upsert_unnest`). Other
    databases: Django's ``bulk_create``, in batches the database's parameter limit allows.
    """
    if not cards:
        return
    if _connection().vendor == "postgresql":
        _upsert_unnest(cards)
    else:
        _upsert_bulk_create(cards)


def _upsert_bulk_create(cards: list[Scorecard]) -> None:
    Scorecard.objects.bulk_create(
        cards,
        update_conflicts=True,
        unique_fields=UNIQUE_FIELDS,
        update_fields=_update_fields(),
        batch_size=UPSERT_BATCH_SIZE,
    )


def _upsert_unnest(cards: list[Scorecard]) -> None:
    """PostgreSQL: ONE ``INSERT ... SELECT FROM unnest(...) ON CONFLICT (rep_id, period_key) DO
    UPDATE`` whatever the number of cards (:func:`apps.core.bulk.upsert_unnest`)."""
    upsert_unnest(_connection(), Scorecard, _written_fields(), UNIQUE_FIELDS, cards)


def _clear_stale_marks(*, period_key: str, rep_ids, before: datetime.datetime) -> None:
    """Drop the stale marks the recompute has answered (marks made while it ran stay)."""
    marks = StaleRepPeriod.objects.filter(period_key=period_key, marked_at__lte=before)
    if rep_ids is not None:
        marks = marks.filter(rep__in=rep_ids)
    marks.delete()


# --- Stale marking ------------------------------------------------------------------------


def affected_periods(on_date: datetime.date, *, today: datetime.date | None = None) -> list:
    """Every month, quarter and year whose KPIs a change dated ``on_date`` can move.

    The periods containing ``on_date``; every later period up to the current one (an earlier
    order turns later sales into repeat sales, moves development dates and the customers at a
    period's start); and the periods twelve months later, whose growth rate compares with it.
    (Those are later periods, so they are covered while they are not in the future.) Future
    periods are included only when ``on_date`` itself lies in them.
    """
    today = today or timezone.localdate()
    last = max(today, on_date)
    result = []
    for kind in period_lib.KINDS:
        period = period_lib.period_containing(kind, on_date)
        while period.start <= last:
            result.append(period)
            period = period.next()
    return result


@transaction.atomic
def scorecards_mark_stale(
    *,
    rep_ids: Iterable[int],
    on_date: datetime.date,
    customer_ids: Iterable[int] = (),
) -> int:
    """Mark the scorecards of ``rep_ids`` for every period a change dated ``on_date`` affects
    (see :func:`affected_periods`); ``refresh_stale`` recomputes them. Returns the number of
    rep-periods marked.

    ``customer_ids``: the customers whose order history changed (a new, moved or deleted
    order). Their owners and every rep credited on any of their orders are marked too: an
    earlier order turns another rep's later sales to that customer into repeat sales.
    A fixed number of queries whatever the number of reps and periods.
    """
    if isinstance(on_date, datetime.datetime):
        on_date = timezone.localtime(on_date).date()
    rep_ids = {int(pk) for pk in rep_ids if pk is not None}
    customer_ids = [int(pk) for pk in customer_ids if pk is not None]
    if customer_ids:
        rep_ids.update(selectors.reps_of_customers(customer_ids))
    rep_ids = sorted(rep_ids)
    if not rep_ids:
        return 0
    keys = [period.key for period in affected_periods(on_date)]
    now = timezone.now()
    StaleRepPeriod.objects.bulk_create(
        [
            StaleRepPeriod(rep_id=rep, period_key=key, marked_at=now)
            for rep in rep_ids
            for key in keys
        ],
        update_conflicts=True,
        unique_fields=["rep", "period_key"],
        update_fields=["marked_at"],
    )
    Scorecard.objects.filter(rep__in=rep_ids, period_key__in=keys).update(stale=True)
    return len(rep_ids) * len(keys)


@transaction.atomic
def scorecards_mark_periods_stale(
    *,
    period_keys: Iterable[str] = (),
    rep_ids: Iterable[int] | None = None,
    period_kind: str | None = None,
    starting_on: datetime.date | None = None,
) -> int:
    """Mark rep-periods stale whose inputs (targets, period settings, weight scheme) changed
    (see :func:`apps.core.kpi_facts.kpi_periods_changed`). Returns the number marked.

    ``rep_ids`` given: exactly those reps for ``period_keys`` (a scorecard not yet computed is
    computed by the refresh). ``rep_ids=None``: every rep-period that has a scorecard among
    ``period_keys`` or, with ``period_kind`` and ``starting_on``, of that kind starting on or
    after ``starting_on``. Three queries whatever the number of reps and periods."""
    keys = sorted({parse_period_key(key).key for key in period_keys})
    now = timezone.now()
    if rep_ids is not None:
        rep_ids = sorted({int(pk) for pk in rep_ids if pk is not None})
        pairs = [(rep, key) for rep in rep_ids for key in keys]
        cards = Scorecard.objects.filter(rep__in=rep_ids, period_key__in=keys)
    else:
        which = Q(period_key__in=keys)
        if period_kind is not None and starting_on is not None:
            which |= Q(period_kind=period_kind, period_start__gte=starting_on)
        cards = Scorecard.objects.filter(which)
        pairs = list(cards.values_list("rep_id", "period_key"))
    if not pairs:
        return 0
    StaleRepPeriod.objects.bulk_create(
        [StaleRepPeriod(rep_id=rep, period_key=key, marked_at=now) for rep, key in pairs],
        update_conflicts=True,
        unique_fields=["rep", "period_key"],
        update_fields=["marked_at"],
        batch_size=UPSERT_BATCH_SIZE,
    )
    cards.update(stale=True)
    return len(pairs)


def scorecards_refresh_stale() -> int:
    """Recompute every stale rep-period, one recompute per period for all its stale reps."""
    by_period: dict[str, list[int]] = {}
    for rep_id, key in StaleRepPeriod.objects.values_list("rep_id", "period_key"):
        by_period.setdefault(key, []).append(rep_id)
    written = 0
    for key, rep_ids in sorted(by_period.items()):
        for start in range(0, len(rep_ids), chunk_size()):
            written += scorecards_recompute(
                period_key=key, rep_ids=rep_ids[start : start + chunk_size()]
            )
        # Reps who no longer get a scorecard (inactive) keep no mark.
        StaleRepPeriod.objects.filter(
            period_key=key, rep__in=rep_ids, rep__is_active=False
        ).delete()
    return written


# --- Jobs ---------------------------------------------------------------------------------
#
# A job makes progress or is recovered, whatever process dies when:
#
# - claiming a job and creating its chunks is one transaction (no job is "running" without
#   chunks); every chunk records when it was handed to the queue (``queued_at``);
# - a worker takes a chunk with a conditional UPDATE (not done, no live lease, attempts left)
#   that sets a lease and counts an attempt; the chunk's scorecards, its "done" mark, the
#   job's progress and, for the last chunk, the job's end commit together;
# - the watchdog (``scorecards.watchdog``, every minute) queues again every chunk whose lease
#   ran out (a worker died mid-chunk) or that was never taken long after it was queued (lost
#   before or in the queue), restarts a queued job nobody started, and fails a job whose chunk
#   used up its attempts, with the reason; a redelivered start re-queues what is missing;
# - the chunk task is acknowledged late and rejected back to the queue when its worker dies,
#   and its hard time limit is shorter than the lease, so a live worker never loses its lease.
#
# A failing chunk rolls back: the scorecards it would have rewritten stay as they were (chunks
# done before keep their fresh ones), and a failed job runs nothing more.

#: Hard and soft time limits of one chunk task (seconds); a chunk runs a constant number of
#: queries, so this is generous. The lease outlives the hard limit.
CHUNK_TIME_LIMIT = 5 * 60
CHUNK_SOFT_TIME_LIMIT = CHUNK_TIME_LIMIT - 30
#: A chunk is tried at most this many times (worker lost, time limit, database gone away).
DEFAULT_MAX_ATTEMPTS = 3
#: Errors worth another attempt; any other error fails the job at once (it would repeat).
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)


def lease_seconds() -> int:
    """How long a worker holds a chunk (settings.SCORECARD_LEASE_SECONDS overrides); also how
    long a queued chunk or job may wait untaken before the watchdog queues it again."""
    return int(getattr(settings, "SCORECARD_LEASE_SECONDS", CHUNK_TIME_LIMIT + 60))


def max_attempts() -> int:
    return int(getattr(settings, "SCORECARD_CHUNK_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def _crash_point(name: str) -> None:
    """Crash tests only (tests/scorecards/test_crash.py): with ``SALESPERF_CRASH_AT=<name>`` in
    its environment, the process kills itself with SIGKILL here, like a worker that is killed
    or loses its machine at that moment. Without the variable: one dictionary lookup."""
    if os.environ.get("SALESPERF_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def recompute_job_create(*, period_key: str, requested_by=None) -> RecomputeJob:
    """Queue a recompute of every scorecard of ``period_key`` (started after commit)."""
    period = parse_period_key(period_key)
    job = RecomputeJob.objects.create(period_key=period.key, requested_by=requested_by)
    from apps.scorecards.tasks import recompute_period

    transaction.on_commit(lambda: recompute_period.delay(job.pk))
    return job


def _chunks_of(job_id: int, now: datetime.datetime) -> list[RecomputeChunk]:
    rep_ids = list(selectors.scorecard_reps().values_list("pk", flat=True))
    size = chunk_size()
    return [
        RecomputeChunk(
            job_id=job_id, number=number, rep_ids=rep_ids[start : start + size], queued_at=now
        )
        for number, start in enumerate(range(0, len(rep_ids), size), start=1)
    ]


def _create_chunks(job_id: int, now: datetime.datetime) -> list[int]:
    """Split the reps into numbered chunks of a claimed job (once: a second call finds them)."""
    chunks = _chunks_of(job_id, now)
    RecomputeChunk.objects.bulk_create(chunks, ignore_conflicts=True)
    RecomputeJob.objects.filter(pk=job_id).update(total_chunks=len(chunks))
    if not chunks:
        _finish_if_complete(job_id)
    return [chunk.number for chunk in chunks]


def recompute_job_start(*, job_id: int) -> list[int]:
    """Claim a queued job and split its reps into numbered chunks; returns the numbers to run.

    Only one worker wins the claim (``status`` queued -> running), and the claim and the
    chunks commit together: a job is never running without its chunks. A job already claimed
    or finished returns no chunks (see :func:`recompute_job_resume` for a redelivered start).
    """
    now = timezone.now()
    with transaction.atomic():
        claimed = RecomputeJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=now
        )
        if claimed != 1:
            return []
        numbers = _create_chunks(job_id, now)
    _crash_point("claimed")
    return numbers


def recompute_job_resume(*, job_id: int) -> list[int]:
    """A start delivered again for a running job (its worker died before queueing every chunk):
    the numbers of the chunks to queue again — not done and not under a live lease. Queueing a
    chunk twice is harmless (the lease lets one worker run it; a done chunk is skipped)."""
    now = timezone.now()
    with transaction.atomic():
        job = (
            RecomputeJob.objects.select_for_update()
            .filter(pk=job_id, status=JobStatus.RUNNING)
            .first()
        )
        if job is None:
            return []
        if not job.chunks.exists():  # claimed by a worker that died before making chunks
            return _create_chunks(job_id, now)
        pending = job.chunks.filter(done_at__isnull=True).filter(
            Q(leased_until__isnull=True) | Q(leased_until__lt=now)
        )
        numbers = list(pending.values_list("number", flat=True))
        pending.update(queued_at=now)
        _finish_if_complete(job_id)
    return numbers


def _limit_parallel_workers() -> None:
    """PostgreSQL: let a chunk's queries use at most ``SCORECARD_MAX_PARALLEL_WORKERS`` parallel
    workers (default 0) for the rest of the transaction. A background job then keeps to one
    core of the database server and leaves the others to the web requests; a recompute gets
    its parallelism from chunks on several Celery workers instead. ``None`` leaves the
    server's own setting."""
    workers = getattr(settings, "SCORECARD_MAX_PARALLEL_WORKERS", 0)
    if workers is None:
        return
    connection = _connection()
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = %s", [int(workers)])


def recompute_job_run_chunk(*, job_id: int, number: int) -> None:
    """Recompute one chunk of a running job and count it done; the last chunk finishes the job.

    The worker first takes the chunk's lease (a conditional UPDATE: not done, no live lease,
    attempts left) — a chunk done, held by a live worker or out of attempts is left alone, so
    a redelivered or re-queued chunk runs and counts once. The chunk's scorecards, its "done"
    mark, the job's progress (an atomic ``F()`` increment, so any number of workers may run
    chunks at once) and the job's end commit together. A transient error (database gone
    away, soft time limit) gives the lease back for the watchdog to retry; any other error
    fails the job at once with the reason. Either way the chunk's previous scorecards stay.
    """
    now = timezone.now()
    if not RecomputeJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).exists():
        return
    taken = (
        RecomputeChunk.objects.filter(
            job_id=job_id, number=number, done_at__isnull=True, attempts__lt=max_attempts()
        )
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .update(
            leased_until=now + datetime.timedelta(seconds=lease_seconds()),
            attempts=F("attempts") + 1,
        )
    )
    if taken != 1:
        return
    _crash_point("mid_chunk")
    chunk = RecomputeChunk.objects.select_related("job").get(job_id=job_id, number=number)
    try:
        with transaction.atomic():
            _limit_parallel_workers()
            scorecards_recompute(period_key=chunk.job.period_key, rep_ids=chunk.rep_ids)
            _crash_point("mid_upsert")
            first_time = RecomputeChunk.objects.filter(pk=chunk.pk, done_at__isnull=True).update(
                done_at=timezone.now(), leased_until=None
            )
            if first_time:
                RecomputeJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
                    done_chunks=F("done_chunks") + 1
                )
                _finish_if_complete(job_id)
    except (*TRANSIENT_ERRORS, SoftTimeLimitExceeded) as error:
        _chunk_failed(chunk, error, retry=True)
        raise
    except Exception as error:
        _chunk_failed(chunk, error, retry=False)
        raise


def _error_text(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _chunk_failed(chunk: RecomputeChunk, error: BaseException, *, retry: bool) -> None:
    """Record the chunk's error; give its lease back for the watchdog to retry (a transient
    error with attempts left) or fail the job with the reason."""
    text = _error_text(error)
    RecomputeChunk.objects.filter(pk=chunk.pk).update(last_error=text, leased_until=timezone.now())
    attempts = RecomputeChunk.objects.filter(pk=chunk.pk).values_list("attempts", flat=True)
    if retry and attempts.first() < max_attempts():
        return
    recompute_job_fail(
        job_id=chunk.job_id,
        error=_("Chunk %(number)s failed: %(error)s") % {"number": chunk.number, "error": text},
    )


def _finish_if_complete(job_id: int) -> None:
    RecomputeJob.objects.filter(
        pk=job_id, status=JobStatus.RUNNING, done_chunks__gte=F("total_chunks")
    ).update(status=JobStatus.DONE, finished_at=timezone.now())


def recompute_job_fail(*, job_id: int, error: str) -> None:
    RecomputeJob.objects.filter(pk=job_id).exclude(status=JobStatus.DONE).update(
        status=JobStatus.FAILED, error=error[:2000], finished_at=timezone.now()
    )


@dataclass
class WatchdogReport:
    """What one watchdog round found: the jobs to start again, the chunks to queue again
    (``(job_id, number)``) and the jobs it failed."""

    restart: list[int] = field(default_factory=list)
    requeue: list[tuple[int, int]] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def recompute_watchdog(*, now: datetime.datetime | None = None) -> WatchdogReport:
    """Recover stuck jobs (run every minute by ``scorecards.watchdog``):

    - a chunk of a running job not done whose lease ran out (its worker died) with attempts
      left and not queued since, or never taken ``lease_seconds()`` after it was queued (lost
      before or in the queue), is queued again (``queued_at`` is moved first by a conditional
      UPDATE, so two watchdogs at once queue it once);
    - a chunk whose lease ran out with no attempt left fails its job: "Chunk 3 failed 3 times:
      <last error, or worker lost>";
    - a running job without chunks gets them; a job queued ``lease_seconds()`` ago that nobody
      claimed is started again (its start message was lost);
    - a running job whose chunks are all done is finished.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=lease_seconds())
    report = WatchdogReport()
    report.restart = list(
        RecomputeJob.objects.filter(status=JobStatus.QUEUED, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    running = RecomputeJob.objects.filter(status=JobStatus.RUNNING)
    for job_id in running.filter(chunks__isnull=True, started_at__lt=cutoff).values_list(
        "pk", flat=True
    ):
        report.requeue += [(job_id, n) for n in recompute_job_resume(job_id=job_id)]
    pending = RecomputeChunk.objects.filter(job__status=JobStatus.RUNNING, done_at__isnull=True)
    lease_ran_out = Q(leased_until__lt=now)
    never_taken = Q(leased_until__isnull=True) & (Q(queued_at__lt=cutoff) | Q(queued_at=None))
    exhausted = pending.filter(lease_ran_out, attempts__gte=max_attempts())
    for chunk in exhausted.order_by("job_id", "number"):
        if chunk.job_id in report.failed:
            continue
        reason = chunk.last_error or _("worker lost")
        recompute_job_fail(
            job_id=chunk.job_id,
            error=_("Chunk %(number)s failed %(attempts)s times: %(reason)s")
            % {"number": chunk.number, "attempts": chunk.attempts, "reason": reason},
        )
        report.failed.append(chunk.job_id)
    # A lease that ran out is queued again once (not again while the message waits in the
    # queue), and again if no worker took it ``lease_seconds()`` later.
    not_requeued = Q(queued_at=None) | Q(queued_at__lte=F("leased_until")) | Q(queued_at__lt=cutoff)
    stuck = pending.filter(
        (lease_ran_out & Q(attempts__lt=max_attempts()) & not_requeued) | never_taken
    ).exclude(job_id__in=report.failed)
    for chunk_id, job_id, number, queued_at in stuck.values_list(
        "pk", "job_id", "number", "queued_at"
    ):
        moved = RecomputeChunk.objects.filter(pk=chunk_id, queued_at=queued_at).update(
            queued_at=now
        )
        if moved:
            report.requeue.append((job_id, number))
    running.filter(done_chunks__gte=F("total_chunks"), total_chunks__gt=0).update(
        status=JobStatus.DONE, finished_at=now
    )
    return report


def recompute_periods_for(day: datetime.date) -> list[str]:
    """The keys of the month, quarter and year containing ``day``."""
    return [period_lib.period_containing(kind, day).key for kind in period_lib.KINDS]
