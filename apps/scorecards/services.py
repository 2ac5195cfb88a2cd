"""Writes of the scorecards app: recompute scorecards, mark them stale, queue recompute jobs."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

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


def _array_type(field, connection) -> str:
    """``numeric(16, 2)`` -> ``numeric[]``: the column's type without its modifiers."""
    return re.sub(r"\s*\([^)]*\)", "", field.db_type(connection)) + "[]"


def _upsert_unnest(cards: list[Scorecard]) -> None:
    """PostgreSQL: ``INSERT ... SELECT * FROM unnest(%s::type[], ...) ON CONFLICT (rep_id,
    period_key) DO UPDATE SET col = EXCLUDED.col, ...`` with one array parameter per column,
    so the statement's parameter count is the number of columns, not rows x columns (a
    multi-row ``VALUES`` hits PostgreSQL's 65,535 bind-parameter limit at about 2,500 rows).
    The values are those ``bulk_create`` would write (``pre_save`` and ``get_db_prep_save``
    of each field), and the arrays are of the columns' base types (``varchar[]``,
    ``numeric[]``): the INSERT then converts each value to its column exactly as a ``VALUES``
    insert does (a too-long string is an error, not silently cut by a ``varchar(n)`` cast)."""
    connection = _connection()
    quote = connection.ops.quote_name
    fields = _written_fields()
    meta = Scorecard._meta
    key_columns = [meta.get_field(name).column for name in UNIQUE_FIELDS]
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
        f" SELECT * FROM unnest({', '.join(f'%s::{_array_type(f, connection)}' for f in fields)})"
        f" ON CONFLICT ({', '.join(quote(column) for column in key_columns)}) DO UPDATE SET "
        + ", ".join(
            f"{quote(f.column)} = EXCLUDED.{quote(f.column)}"
            for f in fields
            if f.column not in key_columns
        )
    )
    params = [
        [f.get_db_prep_save(f.pre_save(card, True), connection) for card in cards] for f in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


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


def recompute_job_create(*, period_key: str, requested_by=None) -> RecomputeJob:
    """Queue a recompute of every scorecard of ``period_key`` (started after commit)."""
    period = parse_period_key(period_key)
    job = RecomputeJob.objects.create(period_key=period.key, requested_by=requested_by)
    from apps.scorecards.tasks import recompute_period

    transaction.on_commit(lambda: recompute_period.delay(job.pk))
    return job


def recompute_job_start(*, job_id: int) -> list[int]:
    """Claim a queued job and split its reps into numbered chunks; returns the numbers to run.

    Only one worker wins the claim (``status`` queued -> running); a job already claimed or
    finished returns no chunks, so a redelivered task is harmless.
    """
    claimed = RecomputeJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    if claimed != 1:
        return []
    rep_ids = list(selectors.scorecard_reps().values_list("pk", flat=True))
    size = chunk_size()
    chunks = [
        RecomputeChunk(job_id=job_id, number=number, rep_ids=rep_ids[start : start + size])
        for number, start in enumerate(range(0, len(rep_ids), size), start=1)
    ]
    with transaction.atomic():
        RecomputeChunk.objects.bulk_create(chunks)
        RecomputeJob.objects.filter(pk=job_id).update(total_chunks=len(chunks))
    if not chunks:
        _finish_if_complete(job_id)
    return [chunk.number for chunk in chunks]


def recompute_job_run_chunk(*, job_id: int, number: int) -> None:
    """Recompute one chunk of a running job and count it done; the last chunk finishes the job.

    The chunk's scorecards and its "done" mark commit together, and only a chunk not yet
    done counts (a redelivered chunk recomputes harmlessly and counts once). Progress is an
    atomic ``F()`` increment, so any number of workers may run chunks at once. A failure marks
    the job failed with the error (the chunk's previous scorecards stay).
    """
    job = RecomputeJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).first()
    chunk = RecomputeChunk.objects.filter(job_id=job_id, number=number).first()
    if job is None or chunk is None:
        return
    try:
        with transaction.atomic():
            scorecards_recompute(period_key=job.period_key, rep_ids=chunk.rep_ids)
            first_time = RecomputeChunk.objects.filter(pk=chunk.pk, done_at__isnull=True).update(
                done_at=timezone.now()
            )
            if first_time:
                RecomputeJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
                    done_chunks=F("done_chunks") + 1
                )
    except Exception as error:
        recompute_job_fail(job_id=job_id, error=f"{type(error).__name__}: {error}")
        raise
    _finish_if_complete(job_id)


def _finish_if_complete(job_id: int) -> None:
    RecomputeJob.objects.filter(
        pk=job_id, status=JobStatus.RUNNING, done_chunks__gte=F("total_chunks")
    ).update(status=JobStatus.DONE, finished_at=timezone.now())


def recompute_job_fail(*, job_id: int, error: str) -> None:
    RecomputeJob.objects.filter(pk=job_id).exclude(status=JobStatus.DONE).update(
        status=JobStatus.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def recompute_periods_for(day: datetime.date) -> list[str]:
    """The keys of the month, quarter and year containing ``day``."""
    return [period_lib.period_containing(kind, day).key for kind in period_lib.KINDS]
