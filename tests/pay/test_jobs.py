"""The pay run job: idempotent start, chunks counted once, the watchdog, attempts used up, and
the thin Celery tasks."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from apps.pay import services, tasks
from apps.pay.choices import PayRunStatus
from apps.pay.models import PayRun, PayRunChunk
from apps.scorecards.models import Scorecard
from tests.pay.conftest import OCTOBER, compute, open_and_compute

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """The chunk tasks queued (run_id, round, number), instead of a broker."""
    queued = []
    monkeypatch.setattr(tasks.compute_pay_chunk, "delay", lambda *args: queued.append(args))
    return queued


def _started(inputs, settings, size=2):
    settings.PAY_CHUNK_SIZE = size
    run = services.pay_run_open(actor=inputs.hr, period_key=OCTOBER)
    return run, services.pay_run_start(run_id=run.pk)


def test_settings_have_defaults(settings):
    for name in ("PAY_CHUNK_SIZE", "PAY_CHUNK_LEASE_SECONDS", "PAY_CHUNK_MAX_ATTEMPTS"):
        if hasattr(settings, name):
            delattr(settings, name)
    assert (services.chunk_size(), services.lease_seconds(), services.max_attempts()) == (
        1000,
        600,
        3,
    )
    settings.PAY_CHUNK_SIZE = 50
    settings.PAY_CHUNK_LEASE_SECONDS = 30
    assert (services.chunk_size(), services.lease_seconds()) == (50, 30)


def test_a_redelivered_start_requeues_only_the_chunks_not_done(inputs, settings):
    run, chunks = _started(inputs, settings)
    assert chunks == [(1, 1), (1, 2), (1, 3)]
    services.pay_run_compute_chunk(run_id=run.pk, round=1, number=1)
    assert services.pay_run_start(run_id=run.pk) == [(1, 2), (1, 3)]
    assert PayRunChunk.objects.filter(run=run).count() == 3  # no new chunks, no new round
    run.refresh_from_db()
    assert (run.status, run.done_chunks) == (PayRunStatus.COMPUTING, 1)


def test_a_chunk_done_twice_counts_once(inputs, settings):
    run, _chunks = _started(inputs, settings)
    assert services.pay_run_compute_chunk(run_id=run.pk, round=1, number=1) == 2
    assert services.pay_run_compute_chunk(run_id=run.pk, round=1, number=1) == 0
    run.refresh_from_db()
    assert run.done_chunks == 1
    for number in (2, 3, 3, 2):
        services.pay_run_compute_chunk(run_id=run.pk, round=1, number=number)
    run.refresh_from_db()
    assert (run.status, run.done_chunks, run.total_chunks) == (PayRunStatus.OPEN, 3, 3)
    assert run.statements.count() == 5
    # a start delivered again after the run opened does nothing
    assert services.pay_run_start(run_id=run.pk) == []


def test_a_duplicate_delivery_while_a_worker_holds_the_chunk_is_skipped(inputs, settings):
    run, _chunks = _started(inputs, settings)
    # a worker took chunk 1 (lease live, attempt 1) and is still computing it
    assert services._take(services.Q(run_id=run.pk, round=1, number=1), timezone.now()) == 1
    assert services.pay_run_compute_chunk(run_id=run.pk, round=1, number=1) == 0
    chunk = PayRunChunk.objects.get(run=run, number=1)
    assert (chunk.attempts, chunk.done_at) == (1, None)


def test_the_watchdog_requeues_a_chunk_whose_lease_ran_out(
    inputs, settings, sent, django_capture_on_commit_callbacks
):
    run, _chunks = _started(inputs, settings)
    services.pay_run_compute_chunk(run_id=run.pk, round=1, number=1)
    # chunk 2: a worker took it and died; chunk 3: its worker is alive
    past = timezone.now() - datetime.timedelta(seconds=1)
    PayRunChunk.objects.filter(run=run, number=2).update(attempts=1, leased_until=past)
    services._take(services.Q(run_id=run.pk, round=1, number=3), timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert services.pay_run_watchdog() == 1
    assert sent == [(run.pk, 1, 2)]
    assert services.pay_run_compute_chunk(run_id=run.pk, round=1, number=2) == 2
    chunk = PayRunChunk.objects.get(run=run, number=2)
    assert chunk.attempts == 2 and chunk.done_at is not None
    # nothing expired now
    with django_capture_on_commit_callbacks(execute=True):
        assert services.pay_run_watchdog() == 0
    assert len(sent) == 1


def test_a_lost_first_delivery_is_requeued_after_the_lease(
    inputs, settings, sent, django_capture_on_commit_callbacks
):
    run, _chunks = _started(inputs, settings, size=10)
    assert services.pay_run_watchdog() == 0  # the queueing lease is still running
    PayRunChunk.objects.filter(run=run).update(leased_until=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert services.pay_run_watchdog() == 1
    assert sent == [(run.pk, 1, 1)]


def test_attempts_used_up_fail_the_run_and_keep_the_earlier_statements(
    inputs, settings, sent, monkeypatch, django_capture_on_commit_callbacks
):
    run = open_and_compute(inputs.hr, OCTOBER)
    before = dict(run.statements.values_list("person_id", "total"))
    Scorecard.objects.filter(rep=inputs.rep_a, period_key=OCTOBER).update(score=D("100"))
    services.pay_run_recompute(actor=inputs.hr, run=run)
    assert services.pay_run_start(run_id=run.pk) == [(2, 1)]

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "compute_statements", broken)
    for attempt in (1, 2, 3):
        with pytest.raises(RuntimeError):
            services.pay_run_compute_chunk(run_id=run.pk, round=2, number=1)
        run.refresh_from_db()
        assert run.status == PayRunStatus.COMPUTING
        assert "RuntimeError: database went away" in run.error
        with django_capture_on_commit_callbacks(execute=True):
            queued = services.pay_run_watchdog()
        assert queued == (1 if attempt < 3 else 0)
    run.refresh_from_db()
    assert run.status == PayRunStatus.FAILED
    assert "failed 3 times" in run.error and "database went away" in run.error
    assert sent == [(run.pk, 2, 1), (run.pk, 2, 1)]
    assert dict(run.statements.values_list("person_id", "total")) == before
    # HR may compute it again once the cause is fixed
    monkeypatch.undo()
    services.pay_run_recompute(actor=inputs.hr, run=run)
    run = compute(run)
    assert run.status == PayRunStatus.OPEN
    assert run.statements.get(person=inputs.rep_a).total == before[inputs.rep_a.pk] + D("500")


def test_the_tasks_take_ids_and_call_the_services(inputs, monkeypatch, settings):
    settings.PAY_CHUNK_SIZE = 2
    monkeypatch.setattr(
        tasks.compute_pay_chunk, "delay", lambda *args: tasks.compute_pay_chunk(*args)
    )
    run = services.pay_run_open(actor=inputs.hr, period_key=OCTOBER)
    assert tasks.compute_pay_run(run.pk) == 3
    run.refresh_from_db()
    assert run.status == PayRunStatus.OPEN and run.statements.count() == 5
    assert tasks.compute_pay_run(run.pk) == 0
    assert tasks.pay_watchdog() == 0
    assert tasks.compute_pay_chunk(run.pk, 1, 1) == 0


def test_a_start_for_a_missing_or_closed_run_does_nothing(inputs):
    assert services.pay_run_start(run_id=999_999) == []
    run = open_and_compute(inputs.hr, OCTOBER)
    services.pay_run_close(actor=inputs.hr, run=run)
    assert services.pay_run_start(run_id=run.pk) == []
    assert services.pay_run_compute_chunk(run_id=run.pk, round=1, number=1) == 0


def test_a_run_with_nobody_to_pay_opens_at_once(db):
    from tests.factories import HRFactory

    hr = HRFactory()
    run = compute(services.pay_run_open(actor=hr, period_key=OCTOBER))
    assert (run.status, run.total_chunks) == (PayRunStatus.OPEN, 0)
    assert PayRun.objects.get().statements.count() == 0


def test_the_watchdog_runs_every_five_minutes(db):
    task = PeriodicTask.objects.get(task="pay.watchdog")
    assert (task.interval.every, task.interval.period) == (5, "minutes")
    assert "pay.watchdog" in tasks.pay_watchdog.name
