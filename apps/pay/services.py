"""Writes of performance pay (SPEC §2.6): pay policies, pay runs and their chunked computation,
closing and correcting.

Every write HR makes is one transaction that checks who may do it (``PermissionDenied``),
refuses bad input (a ``ValidationError`` naming the field, nothing written) and a closed run
(:class:`PayRunLocked`, an API 409), and audits what changed.

The computation is a job (:mod:`apps.pay.tasks`, ids in, one call here):

- :func:`pay_run_start` claims a queued run, splits the people paid into numbered chunks of a
  new *round* and returns them (a redelivered start of a run already computing returns the
  chunks of the current round not yet done);
- :func:`pay_run_compute_chunk` takes a chunk (a lease and an attempt) and computes its
  statements (:func:`compute_statements`): on PostgreSQL ONE ``INSERT … SELECT … ON
  CONFLICT`` reads the inputs and computes the pay in the database (:mod:`apps.pay.sql`, the
  SQL restatement of the pure formula); elsewhere ONE input query, the pure
  :func:`apps.pay.calculations.pay_breakdown` per row and ONE upsert. The chunk counts once;
  the last chunk opens the run for review;
- :func:`pay_run_watchdog` queues again the chunks whose lease ran out (a worker that died)
  and fails the run once a chunk has used up its attempts (the previous statements stay).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.db.models import F, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.models import AuditEntry
from apps.core.permissions import require
from apps.core.services import audit_record, audit_value
from apps.core.versions import check_version
from apps.pay import calculations, permissions
from apps.pay import sql as pay_sql
from apps.pay.calculations import PayInputs, PayTerms
from apps.pay.choices import MissingInput, PayRunStatus
from apps.pay.exceptions import PayRunLocked
from apps.pay.models import PayAdjustment, PayPolicy, PayRun, PayRunChunk, PayStatement
from apps.performance import periods as period_lib

__all__ = [
    "ensure_default_policy",
    "pay_policy_create",
    "pay_policy_in_force",
    "pay_run_close",
    "pay_run_compute_chunk",
    "pay_run_correct",
    "pay_run_fail",
    "pay_run_open",
    "pay_run_recompute",
    "pay_run_start",
    "pay_run_watchdog",
    "terms_of",
]

#: People per chunk (settings.PAY_CHUNK_SIZE overrides it). A chunk runs a constant number of
#: queries whatever its size, so an organisation up to this size is one chunk.
DEFAULT_CHUNK_SIZE = 1000
#: Seconds a worker holds a chunk before the watchdog queues it again
#: (settings.PAY_CHUNK_LEASE_SECONDS).
DEFAULT_LEASE_SECONDS = 600
#: Takes of one chunk before the run fails (settings.PAY_CHUNK_MAX_ATTEMPTS).
PAY_CHUNK_MAX_ATTEMPTS = 3
#: Statements per ``bulk_create`` on databases other than PostgreSQL (bind-parameter limits).
UPSERT_BATCH_SIZE = 500
DEFAULT_POLICY_START = datetime.date(2000, 1, 1)
ZERO_MONEY = Decimal("0.00")
TEXT_LIMIT = 4000
ERROR_LIMIT = 2000
POLICY_FIELDS = (
    "base_share",
    "performance_share",
    "capability_share",
    "score_cap",
    "satisfaction_threshold",
    "satisfaction_bonus_rate",
)
#: The statement columns a computation writes (everything but the key and the adjustments,
#: which come from the run's adjustment rows).
UNIQUE_FIELDS = ["run", "person"]


def chunk_size() -> int:
    return max(1, int(getattr(settings, "PAY_CHUNK_SIZE", DEFAULT_CHUNK_SIZE)))


def lease_seconds() -> int:
    return max(1, int(getattr(settings, "PAY_CHUNK_LEASE_SECONDS", DEFAULT_LEASE_SECONDS)))


def max_attempts() -> int:
    return max(1, int(getattr(settings, "PAY_CHUNK_MAX_ATTEMPTS", PAY_CHUNK_MAX_ATTEMPTS)))


def _enqueue_run(run_id: int) -> None:
    from apps.pay import tasks

    transaction.on_commit(lambda: tasks.compute_pay_run.delay(run_id))


def _enqueue_chunks(run_id: int, chunks: Iterable[tuple[int, int]]) -> None:
    from apps.pay import tasks

    chunks = list(chunks)

    def send():
        for round_, number in chunks:
            tasks.compute_pay_chunk.delay(run_id, round_, number)

    if chunks:
        transaction.on_commit(send)


# --- Policies --------------------------------------------------------------------------------


def terms_of(policy: PayPolicy) -> PayTerms:
    """A policy's figures for the pure calculations."""
    return PayTerms(**{name: getattr(policy, name) for name in POLICY_FIELDS})


def ensure_default_policy() -> PayPolicy:
    """The first policy: version 1 with the product defaults (40/50/10, cap 120, threshold
    90, bonus 5 %), effective from 2000-01, created when there is none."""
    first = PayPolicy.objects.order_by("version").first()
    if first is not None:
        return first
    try:
        with transaction.atomic():
            return PayPolicy.objects.create(
                version=1,
                effective_from=DEFAULT_POLICY_START,
                notes=_("Product defaults (SPEC §2.6)."),
            )
    except IntegrityError:  # a concurrent caller created it
        return PayPolicy.objects.order_by("version").first()


def pay_policy_in_force(day: datetime.date) -> PayPolicy:
    """The policy in force on ``day`` (the earliest one for a day before every policy)."""
    ensure_default_policy()
    return PayPolicy.objects.in_force_on(day) or PayPolicy.objects.order_by("version").first()


def _decimal(errors: dict, name: str, value) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        errors[name] = [_("Enter a number.")]
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        errors[name] = [_("Enter a number.")]
        return None
    if not number.is_finite() or abs(number) >= 10_000 or number != round(number, 2):
        errors[name] = [_("Enter a number below 10000 with at most 2 decimals.")]
        return None
    return number


@transaction.atomic
def pay_policy_create(
    *,
    actor,
    effective_from,
    base_share,
    performance_share,
    capability_share,
    score_cap,
    satisfaction_threshold,
    satisfaction_bonus_rate,
    notes: str = "",
) -> PayPolicy:
    """A new pay policy version, in force from the 1st of a month after the latest policy's;
    no closed run may exist for that month or later (closed pay is never recomputed)."""
    require(permissions.may_run_pay(actor), _("Only HR and admins change the pay policy."))
    ensure_default_policy()
    latest = PayPolicy.objects.select_for_update().order_by("-effective_from").first()
    errors: dict = {}
    raw = {
        "base_share": base_share,
        "performance_share": performance_share,
        "capability_share": capability_share,
        "score_cap": score_cap,
        "satisfaction_threshold": satisfaction_threshold,
        "satisfaction_bonus_rate": satisfaction_bonus_rate,
    }
    values = {name: _decimal(errors, name, raw[name]) for name in POLICY_FIELDS}
    if not isinstance(effective_from, datetime.date) or isinstance(
        effective_from, datetime.datetime
    ):
        errors["effective_from"] = [_("Enter the first day of a month.")]
    elif effective_from.day != 1:
        errors["effective_from"] = [
            _("A pay policy takes effect on the 1st of a month, not on %(day)s.")
            % {"day": effective_from.isoformat()}
        ]
    elif effective_from <= latest.effective_from:
        errors["effective_from"] = [
            _("Choose a month after %(month)s, when the latest policy (v%(version)s) took effect.")
            % {"month": f"{latest.effective_from:%Y-%m}", "version": latest.version}
        ]
    elif (
        closed := PayRun.objects.filter(
            status=PayRunStatus.CLOSED, period_start__gte=effective_from
        )
        .order_by("-period_start")
        .first()
    ) is not None:
        errors["effective_from"] = [
            _("The pay run of %(month)s is already closed: choose a later month.")
            % {"month": closed.period_key}
        ]
    shares = [values[name] for name in ("base_share", "performance_share", "capability_share")]
    for name in ("base_share", "performance_share", "capability_share"):
        if values[name] is not None and values[name] < 0:
            errors.setdefault(name, [_("A share cannot be negative.")])
    if all(share is not None for share in shares) and sum(shares) != calculations.HUNDRED:
        errors.setdefault(
            "base_share",
            [
                _("The three shares must add up to 100 %%; they add up to %(sum)s %%.")
                % {"sum": sum(shares)}
            ],
        )
    if values["score_cap"] is not None and values["score_cap"] < calculations.HUNDRED:
        errors.setdefault("score_cap", [_("The score cap is at least 100 %.")])
    threshold = values["satisfaction_threshold"]
    if threshold is not None and not 0 <= threshold <= 100:
        errors.setdefault("satisfaction_threshold", [_("Enter a satisfaction from 0 to 100.")])
    rate = values["satisfaction_bonus_rate"]
    if rate is not None and rate < 0:
        errors.setdefault("satisfaction_bonus_rate", [_("The bonus rate cannot be negative.")])
    notes = (notes or "").strip()
    if len(notes) > TEXT_LIMIT:
        errors["notes"] = [_("Use at most %(n)s characters.") % {"n": TEXT_LIMIT}]
    if not errors and calculations.split_error(PayTerms(**values)):  # a rule missed above
        errors["base_share"] = [_("These figures do not make a valid pay policy.")]
    if errors:
        raise ValidationError(errors)
    policy = PayPolicy.objects.create(
        version=latest.version + 1 if latest else 1,
        effective_from=effective_from,
        notes=notes,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        **values,
    )
    audit_record(
        actor=actor,
        action="pay.policy_create",
        target=policy,
        changes={
            "version": [latest.version, policy.version],
            "effective_from": [None, audit_value(effective_from)],
            **{name: [audit_value(getattr(latest, name)), str(values[name])] for name in values},
        },
        reason=notes,
    )
    return policy


# --- Runs: open, recompute, close -----------------------------------------------------------


def _month(period_key) -> period_lib.Period:
    try:
        period = period_lib.parse_period(period_key, business_range=False)
    except (ValueError, TypeError):
        period = None
    if period is None or period.kind != period_lib.MONTH:
        raise ValidationError(
            {"period_key": [_("Enter a month as YYYY-MM, e.g. 2026-10.") + f" ({period_key!r})"]}
        )
    return period


@transaction.atomic
def pay_run_open(*, actor, period_key, today: datetime.date | None = None) -> PayRun:
    """HR opens the pay run of a month (not in the future; one run per month). It is queued
    and computed by a job once the transaction commits."""
    require(permissions.may_run_pay(actor), _("Only HR and admins run pay."))
    period = _month(period_key)
    today = today or timezone.localdate()
    if period.start > today:
        raise ValidationError(
            {"period_key": [_("%(month)s has not started yet.") % {"month": period.key}]}
        )
    if message := period_lib.business_period_error(period):
        raise ValidationError({"period_key": [message]})
    exists_message = _("The pay run of %(month)s already exists.") % {"month": period.key}
    if PayRun.objects.filter(period_key=period.key).exists():
        raise ValidationError({"period_key": [exists_message]})
    policy = pay_policy_in_force(period.start)
    run = PayRun(
        period_key=period.key,
        period_start=period.start,
        period_end=period.end,
        policy=policy,
        policy_version=policy.version,
        opened_by=actor if actor is not None and actor.is_authenticated else None,
    )
    try:
        with transaction.atomic():
            run.save()
    except IntegrityError:  # a concurrent open of the same month won
        raise ValidationError({"period_key": [exists_message]}) from None
    audit_record(
        actor=actor,
        action="pay.run_open",
        target=run,
        changes={"status": [None, run.status], "policy_version": [None, policy.version]},
    )
    _enqueue_run(run.pk)
    return run


def _locked_run(run: PayRun, expected_version=None) -> PayRun:
    """``run`` re-read under a row lock (stale ``expected_version`` refused); closed refused."""
    check_version(run, expected_version)
    run = PayRun.objects.select_for_update().get(pk=run.pk)
    if run.locked:
        raise PayRunLocked()
    return run


@transaction.atomic
def pay_run_recompute(*, actor, run: PayRun, expected_version=None) -> PayRun:
    """Compute an open or failed run again (a new round; adjustments carried stay)."""
    require(permissions.may_run_pay(actor), _("Only HR and admins run pay."))
    run = _locked_run(run, expected_version)
    if run.status not in (PayRunStatus.OPEN, PayRunStatus.FAILED):
        raise ValidationError(
            {"status": [_("This run is being computed; wait until it is open for review.")]}
        )
    before = run.status
    run.status = PayRunStatus.QUEUED
    run.error = ""
    run.save(update_fields=["status", "error"])
    audit_record(
        actor=actor,
        action="pay.run_recompute",
        target=run,
        changes={"status": [before, run.status]},
    )
    _enqueue_run(run.pk)
    run.refresh_from_db()
    return run


@transaction.atomic
def pay_run_close(*, actor, run: PayRun, expected_version=None) -> PayRun:
    """Close an open run: its statements are final and the run is locked."""
    require(permissions.may_run_pay(actor), _("Only HR and admins run pay."))
    run = _locked_run(run, expected_version)
    if run.status == PayRunStatus.FAILED:
        raise ValidationError(
            {"status": [_("The computation of this run failed; recompute it before closing.")]}
        )
    if run.status != PayRunStatus.OPEN:
        raise ValidationError(
            {"status": [_("This run is being computed; close it once it is open for review.")]}
        )
    totals = run.statements.aggregate(total=Sum("total"))
    run.status = PayRunStatus.CLOSED
    run.closed_at = timezone.now()
    run.closed_by = actor if actor is not None and actor.is_authenticated else None
    run.save(update_fields=["status", "closed_at", "closed_by"])
    audit_record(
        actor=actor,
        action="pay.run_close",
        target=run,
        changes={
            "status": [PayRunStatus.OPEN, PayRunStatus.CLOSED],
            "total": [None, audit_value(totals["total"] or Decimal("0.00"))],
        },
    )
    run.refresh_from_db()
    return run


# --- Inputs ----------------------------------------------------------------------------------


def latest_quarter_key(period: period_lib.Period) -> str:
    """The key of the latest fiscal quarter that ends on or before the month's end."""
    quarter = period_lib.period_containing(period_lib.QUARTER, period.start)
    if quarter.end > period.end:
        quarter = quarter.previous()
    return quarter.key


def input_rows(*, period: period_lib.Period, person_ids, run_id: int | None = None):
    """ONE query: for each person of ``person_ids``, their team, P and base salary, the month's
    score, the latest finalised quarterly review ending by the month's end, the latest quarter
    satisfaction ending by then, and (``run_id``) the sum of the adjustments carried in that
    run. Correlated subqueries, no per-person query. (On PostgreSQL a chunk reads the same
    picks with ``pay_sql.inputs_select``.)"""
    from apps.accounts.models import User
    from apps.reviews.choices import CycleKind, ReviewStatus
    from apps.reviews.models import Review
    from apps.scorecards.choices import PeriodKind
    from apps.scorecards.models import Scorecard

    month_card = Scorecard.objects.filter(
        rep=OuterRef("pk"), period_kind=PeriodKind.MONTH, period_key=period.key
    ).order_by()
    reviews = Review.objects.filter(
        person=OuterRef("pk"),
        status=ReviewStatus.FINALISED,
        cycle__kind=CycleKind.QUARTER,
        cycle__period_key__lte=latest_quarter_key(period),
        score__isnull=False,
    ).order_by("-cycle__period_key", "-pk")
    satisfaction = Scorecard.objects.filter(
        rep=OuterRef("pk"),
        period_kind=PeriodKind.QUARTER,
        period_end__lte=period.end,
        customer_satisfaction__isnull=False,
    ).order_by("-period_end")
    annotations = {
        "quantitative": Subquery(month_card.values("score")[:1]),
        "qualitative": Subquery(reviews.values("score")[:1]),
        "qualitative_key": Subquery(reviews.values("cycle__period_key")[:1]),
        "satisfaction": Subquery(satisfaction.values("customer_satisfaction")[:1]),
        "satisfaction_key": Subquery(satisfaction.values("period_key")[:1]),
    }
    fields = [
        "pk",
        "team_id",
        "profile__monthly_performance_pay",
        "profile__monthly_base_salary",
        *annotations,
    ]
    if run_id is not None:
        annotations["carried"] = Subquery(
            PayAdjustment.objects.filter(run_id=run_id, person=OuterRef("pk"))
            .order_by()
            .values("person")
            .annotate(s=Sum("amount"))
            .values("s")[:1]
        )
        fields.append("carried")
    return (
        User.objects.filter(pk__in=person_ids)
        .annotate(**annotations)
        .order_by("pk")
        .values_list(*fields)
    )


def _missing(standard, salary, quantitative, qualitative, satisfaction) -> list[str]:
    missing = []
    if not standard:
        missing.append(MissingInput.PAY_STANDARD.value)
    if not salary:
        missing.append(MissingInput.BASE_SALARY.value)
    if quantitative is None:
        missing.append(MissingInput.QUANTITATIVE.value)
    if qualitative is None:
        missing.append(MissingInput.QUALITATIVE.value)
    if satisfaction is None:
        missing.append(MissingInput.SATISFACTION.value)
    return missing


def _statement(run_id, row, terms: PayTerms, now) -> dict:
    """One statement's column values (by attribute name) from an input row."""
    (
        person_id,
        team_id,
        standard,
        salary,
        quantitative,
        qualitative,
        qualitative_key,
        satisfaction,
        satisfaction_key,
        carried,
    ) = row
    result = calculations.pay_breakdown(
        PayInputs(standard, salary, quantitative, qualitative, satisfaction), terms
    )
    carried = carried or ZERO_MONEY
    return {
        "run_id": run_id,
        "person_id": person_id,
        "team_id": team_id,
        "performance_pay_standard": standard,
        "base_salary": salary,
        "quantitative_score": quantitative,
        "qualitative_score": qualitative,
        "qualitative_period": qualitative_key or "",
        "satisfaction": satisfaction,
        "satisfaction_period": satisfaction_key or "",
        "quantitative_applied": result.quantitative_applied,
        "qualitative_applied": result.qualitative_applied,
        "satisfaction_met": result.satisfaction_met,
        "base_pay": result.base_pay,
        "performance_bonus": result.performance_bonus,
        "capability_bonus": result.capability_bonus,
        "satisfaction_bonus": result.satisfaction_bonus,
        "computed_total": result.total,
        "adjustments": carried,
        "total": result.total + carried,
        "missing": _missing(standard, salary, quantitative, qualitative, satisfaction),
        "computed_at": now,
    }


# --- Upsert ----------------------------------------------------------------------------------


def _connection():
    return connections[router.db_for_write(PayStatement)]


def _written_fields() -> list:
    meta = PayStatement._meta
    return [f for f in meta.concrete_fields if f is not meta.pk]


def upsert_statements(rows: list[dict]) -> None:
    """Insert or rewrite the statements ``rows`` (column values by attribute name) on (run,
    person), keeping the ids of existing rows: ``bulk_create`` with ``update_conflicts`` in
    batches. (The path of databases other than PostgreSQL, where a chunk is computed in
    Python; on PostgreSQL the chunk's one statement writes its rows.)"""
    if not rows:
        return
    fields = _written_fields()
    PayStatement.objects.bulk_create(
        [PayStatement(**row) for row in rows],
        update_conflicts=True,
        unique_fields=UNIQUE_FIELDS,
        update_fields=[f.name for f in fields if f.name not in UNIQUE_FIELDS],
        batch_size=UPSERT_BATCH_SIZE,
    )


def compute_statements(
    *, run_id: int, period: period_lib.Period, person_ids, terms: PayTerms, now
) -> int:
    """Compute and write the statements of ``person_ids`` in run ``run_id``; returns how many.

    PostgreSQL: ONE statement, ``INSERT … SELECT <the pay arithmetic> FROM (<the inputs>) …
    ON CONFLICT DO UPDATE`` (:mod:`apps.pay.sql`, the SQL restatement of the pure
    :func:`apps.pay.calculations.pay_breakdown`): the inputs are picked as :func:`input_rows`
    picks them, by one bare SELECT (``pay_sql.inputs_select``), and never travel to Python.
    Other databases: :func:`input_rows`, the pure ``pay_breakdown`` per row and
    :func:`upsert_statements`. Runs inside the chunk's transaction (the ``SET LOCAL`` below
    lasts for it)."""
    connection = _connection()
    if connection.vendor != "postgresql":
        rows = input_rows(period=period, person_ids=person_ids, run_id=run_id)
        statements = [_statement(run_id, row, terms, now) for row in rows]
        upsert_statements(statements)
        return len(statements)
    statement, params = pay_sql.compute_statements(
        table=PayStatement._meta.db_table,
        inputs=pay_sql.inputs_select(
            period=period,
            quarter_key=latest_quarter_key(period),
            run_id=run_id,
            person_ids=person_ids,
            quote=connection.ops.quote_name,
        ),
        terms=terms,
        run_id=run_id,
        now=now,
        quote=connection.ops.quote_name,
    )
    with connection.cursor() as cursor:
        # The statement's estimated cost passes jit_above_cost, and compiling its ~100
        # expressions takes longer than running them: JIT off for this transaction only.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(statement, params)
        return cursor.rowcount


# --- The job ---------------------------------------------------------------------------------


def _current_round(run_id: int) -> int:
    return (
        PayRunChunk.objects.filter(run_id=run_id)
        .order_by("-round")
        .values_list("round", flat=True)
        .first()
        or 0
    )


def pay_run_start(*, run_id: int) -> list[tuple[int, int]]:
    """Claim a queued run: a new round of chunks over the people paid (scorecard reps);
    returns ``[(round, number), …]`` to compute. A run already computing returns the chunks of
    its current round not yet done (a redelivered start); any other run returns nothing."""
    from apps.scorecards.selectors import scorecard_reps

    with transaction.atomic():
        run = PayRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None:
            return []
        if run.status == PayRunStatus.COMPUTING:
            round_ = _current_round(run_id)
            return list(
                PayRunChunk.objects.filter(run_id=run_id, round=round_, done_at__isnull=True)
                .order_by("number")
                .values_list("round", "number")
            )
        if run.status != PayRunStatus.QUEUED:
            return []
        round_ = _current_round(run_id) + 1
        people = list(scorecard_reps().values_list("pk", flat=True))
        size = chunk_size()
        now = timezone.now()
        lease = now + datetime.timedelta(seconds=lease_seconds())
        chunks = [
            PayRunChunk(
                run_id=run_id,
                round=round_,
                number=number,
                person_ids=people[start : start + size],
                leased_until=lease,
            )
            for number, start in enumerate(range(0, len(people), size), start=1)
        ]
        PayRunChunk.objects.bulk_create(chunks)
        PayRun.objects.filter(pk=run_id).update(
            status=PayRunStatus.COMPUTING,
            started_at=now,
            computed_at=None,
            total_chunks=len(chunks),
            done_chunks=0,
            error="",
        )
        if not chunks:
            _finish_if_complete(run_id)
        return [(round_, chunk.number) for chunk in chunks]


def _take(chunk_filter: Q, now) -> int:
    """Take a chunk: a fresh lease and one more attempt, committed before the work (so the
    watchdog sees a worker that dies). A chunk done, or held by a live worker, is not taken."""
    return (
        PayRunChunk.objects.filter(chunk_filter, done_at__isnull=True)
        .filter(Q(attempts=0) | Q(leased_until__isnull=True) | Q(leased_until__lte=now))
        .update(
            attempts=F("attempts") + 1,
            leased_until=now + datetime.timedelta(seconds=lease_seconds()),
        )
    )


def pay_run_compute_chunk(*, run_id: int, round: int, number: int) -> int:  # noqa: A002
    """Compute one chunk of a computing run; returns the number of statements written (0:
    nothing to do — done already, held by another worker, or of an older round).

    The chunk's statements and its "done" mark commit together, and only a chunk not yet done
    counts; progress is an atomic ``F()`` increment, so workers may run chunks in parallel.
    An error leaves the chunk to the watchdog (another attempt) and is kept in ``run.error``.
    """
    where = Q(run_id=run_id, round=round, number=number)
    if not _take(where, timezone.now()):
        return 0
    try:
        with transaction.atomic():
            chunk = (
                PayRunChunk.objects.select_for_update(of=("self",))
                .select_related("run__policy")
                .annotate(
                    current_round=Subquery(
                        PayRunChunk.objects.filter(run=OuterRef("run"))
                        .order_by("-round")
                        .values("round")[:1]
                    )
                )
                .filter(where, done_at__isnull=True)
                .first()
            )
            if (
                chunk is None
                or chunk.run.status != PayRunStatus.COMPUTING
                or chunk.round != chunk.current_round
            ):
                return 0
            run = chunk.run
            period = period_lib.Period(period_lib.MONTH, run.period_start, run.period_end)
            terms = terms_of(run.policy)
            now = timezone.now()
            written = compute_statements(
                run_id=run.pk, period=period, person_ids=chunk.person_ids, terms=terms, now=now
            )
            PayRunChunk.objects.filter(pk=chunk.pk).update(done_at=now, leased_until=None)
            PayRun.objects.filter(pk=run_id, status=PayRunStatus.COMPUTING).update(
                done_chunks=F("done_chunks") + 1
            )
            _finish_if_complete(run_id)
            return written
    except Exception as error:
        _chunk_failed(where, run_id, f"{type(error).__name__}: {error}")
        raise


def _chunk_failed(where: Q, run_id: int, error: str) -> None:
    """Keep the error and let the watchdog try the chunk again at once (lease ended)."""
    PayRunChunk.objects.filter(where, done_at__isnull=True).update(leased_until=timezone.now())
    PayRun.objects.filter(pk=run_id, status=PayRunStatus.COMPUTING).update(
        error=error[:ERROR_LIMIT]
    )


def _finish_if_complete(run_id: int) -> bool:
    """The last chunk opens the run for review; statements of people no longer paid (not
    computed in this round and carrying no adjustment) are dropped."""
    now = timezone.now()
    finished = PayRun.objects.filter(
        pk=run_id, status=PayRunStatus.COMPUTING, done_chunks__gte=F("total_chunks")
    ).update(status=PayRunStatus.OPEN, computed_at=now, error="")
    if finished:
        started = Subquery(PayRun.objects.filter(pk=run_id).values("started_at")[:1])
        PayStatement.objects.filter(run_id=run_id, computed_at__lt=started, adjustments=0).delete()
    return bool(finished)


def pay_run_fail(*, run_id: int, error: str) -> None:
    """Mark a queued or computing run failed with ``error`` (its statements stay)."""
    PayRun.objects.filter(
        pk=run_id, status__in=[PayRunStatus.QUEUED, PayRunStatus.COMPUTING]
    ).update(status=PayRunStatus.FAILED, error=(error or "")[:ERROR_LIMIT])


def pay_run_watchdog() -> int:
    """Queue again every chunk of a computing run (current round) whose lease ran out; a
    chunk that has used up its attempts fails its run with the reason. Returns the number of
    chunks queued again."""
    now = timezone.now()
    expired = list(
        PayRunChunk.objects.filter(
            run__status=PayRunStatus.COMPUTING,
            done_at__isnull=True,
            leased_until__lte=now,
            round=Subquery(
                PayRunChunk.objects.filter(run=OuterRef("run"))
                .order_by("-round")
                .values("round")[:1]
            ),
        )
        .select_related("run")
        .order_by("run_id", "number")
    )
    limit = max_attempts()
    failed: dict[int, str] = {}
    again: dict[int, list[tuple[int, int]]] = {}
    for chunk in expired:
        if chunk.attempts >= limit:
            failed.setdefault(
                chunk.run_id,
                _("Chunk %(number)s of the computation failed %(n)s times; last error: %(error)s")
                % {
                    "number": chunk.number,
                    "n": chunk.attempts,
                    "error": chunk.run.error or _("the worker stopped (lease ran out)"),
                },
            )
        else:
            again.setdefault(chunk.run_id, []).append((chunk.round, chunk.number))
    queued = 0
    with transaction.atomic():
        for run_id, reason in failed.items():
            pay_run_fail(run_id=run_id, error=reason)
        for run_id, chunks in again.items():
            if run_id in failed:
                continue
            _enqueue_chunks(run_id, chunks)
            queued += len(chunks)
    return queued


# --- Corrections ------------------------------------------------------------------------------


def _correction_rows(run: PayRun):
    """The closed run's people with what was paid (the closed statement's computed total and
    P/salary) and the adjustments that already corrected the run, beside the month's inputs
    now. One query."""
    period = period_lib.Period(period_lib.MONTH, run.period_start, run.period_end)
    closed = PayStatement.objects.filter(run=run, person=OuterRef("pk"))
    earlier = (
        PayAdjustment.objects.filter(corrected_run=run, person=OuterRef("pk"))
        .order_by()
        .values("person")
        .annotate(s=Sum("amount"))
        .values("s")[:1]
    )
    people = run.statements.values_list("person_id", flat=True)
    return (
        input_rows(period=period, person_ids=people)
        .annotate(
            paid=Subquery(closed.values("computed_total")[:1]),
            paid_standard=Subquery(closed.values("performance_pay_standard")[:1]),
            paid_salary=Subquery(closed.values("base_salary")[:1]),
            earlier=Subquery(earlier),
        )
        .values_list(
            "pk",
            "team_id",
            "quantitative",
            "qualitative",
            "qualitative_key",
            "satisfaction",
            "satisfaction_key",
            "paid",
            "paid_standard",
            "paid_salary",
            "earlier",
        )
    )


@transaction.atomic
def pay_run_correct(*, actor, run: PayRun, reason: str) -> list[PayAdjustment]:
    """Correct a closed month: recompute its pay now (the run's own policy, the P and salary
    its statements used, the inputs as they are now) and carry each difference from what was
    paid for the month (earlier corrections included) into the next open run as an
    adjustment. The closed statements are never rewritten. Idempotent: nothing changed,
    nothing written."""
    require(permissions.may_run_pay(actor), _("Only HR and admins correct pay."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the month is corrected.")]})
    if len(reason) > TEXT_LIMIT:
        raise ValidationError({"reason": [_("Use at most %(n)s characters.") % {"n": TEXT_LIMIT}]})
    run = PayRun.objects.select_for_update().select_related("policy").get(pk=run.pk)
    if run.status != PayRunStatus.CLOSED:
        raise ValidationError(
            {"status": [_("Only a closed run is corrected; recompute an open run instead.")]}
        )
    target = (
        PayRun.objects.select_for_update()
        .filter(status=PayRunStatus.OPEN, period_start__gt=run.period_start)
        .order_by("period_start")
        .first()
    )
    if target is None:
        raise ValidationError({"run": [_("Open the pay run of a later month first.")]})
    terms = terms_of(run.policy)
    zero = Decimal("0.00")
    adjustments = []
    for row in _correction_rows(run):
        (
            person_id,
            _team_id,
            quantitative,
            qualitative,
            qualitative_key,
            satisfaction,
            satisfaction_key,
            paid,
            standard,
            salary,
            earlier,
        ) = row
        result = calculations.pay_breakdown(
            PayInputs(standard, salary, quantitative, qualitative, satisfaction), terms
        )
        paid, earlier = paid or zero, earlier or zero
        amount = calculations.adjustment_amount(
            paid_total=paid, earlier_adjustments=earlier, corrected_total=result.total
        )
        if amount == 0:
            continue
        adjustments.append(
            PayAdjustment(
                run=target,
                corrected_run=run,
                person_id=person_id,
                amount=amount,
                paid_total=paid + earlier,
                corrected_total=result.total,
                details={
                    "quantitative_score": audit_value(quantitative),
                    "qualitative_score": audit_value(qualitative),
                    "qualitative_period": qualitative_key or "",
                    "satisfaction": audit_value(satisfaction),
                    "satisfaction_period": satisfaction_key or "",
                    "base_pay": str(result.base_pay),
                    "performance_bonus": str(result.performance_bonus),
                    "capability_bonus": str(result.capability_bonus),
                    "satisfaction_bonus": str(result.satisfaction_bonus),
                },
                reason=reason,
                created_by=actor if actor is not None and actor.is_authenticated else None,
            )
        )
    if not adjustments:
        return []
    PayAdjustment.objects.bulk_create(adjustments)
    _carry_adjustments(target, [a.person_id for a in adjustments])
    _audit_adjustments(actor, run, target, adjustments, reason)
    return adjustments


def _carry_adjustments(target: PayRun, person_ids: list[int]) -> None:
    """Raise the target run's statements of ``person_ids`` to the sum of their adjustments
    (creating a statement with only the adjustment for a person who has none there)."""
    from apps.accounts.models import User

    carried = (
        PayAdjustment.objects.filter(run=target, person=OuterRef("person"))
        .order_by()
        .values("person")
        .annotate(s=Sum("amount"))
        .values("s")[:1]
    )
    have = set(
        PayStatement.objects.filter(run=target, person_id__in=person_ids).values_list(
            "person_id", flat=True
        )
    )
    PayStatement.objects.filter(run=target, person_id__in=have).update(
        adjustments=Subquery(carried), total=F("computed_total") + Subquery(carried)
    )
    missing = [pk for pk in person_ids if pk not in have]
    if missing:
        now = timezone.now()
        sums = dict(
            PayAdjustment.objects.filter(run=target, person_id__in=missing)
            .order_by()
            .values("person")
            .annotate(s=Sum("amount"))
            .values_list("person", "s")
        )
        teams = dict(User.objects.filter(pk__in=missing).values_list("pk", "team_id"))
        PayStatement.objects.bulk_create(
            [
                PayStatement(
                    run=target,
                    person_id=pk,
                    team_id=teams.get(pk),
                    adjustments=sums[pk],
                    total=sums[pk],
                    computed_at=now,
                )
                for pk in missing
            ]
        )


def _audit_adjustments(actor, run, target, adjustments, reason) -> None:
    audit_record(
        actor=actor,
        action="pay.run_correct",
        target=run,
        changes={
            "adjustments": [0, len(adjustments)],
            "amount": [None, str(sum(a.amount for a in adjustments))],
            "paid_in": [None, target.period_key],
        },
        reason=reason,
    )
    content_type = ContentType.objects.get_for_model(PayAdjustment)
    author = actor if actor is not None and actor.is_authenticated else None
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=author,
                action="pay.adjustment",
                content_type=content_type,
                object_id=str(adjustment.pk),
                subject_user_id=adjustment.person_id,
                changes={
                    "amount": [None, str(adjustment.amount)],
                    "paid_total": [None, str(adjustment.paid_total)],
                    "corrected_total": [None, str(adjustment.corrected_total)],
                    "corrects": [None, run.period_key],
                    "paid_in": [None, target.period_key],
                },
                reason=reason,
            )
            for adjustment in adjustments
        ]
    )
