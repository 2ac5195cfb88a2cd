"""Crash tests: a real worker process (PostgreSQL + Redis) killed with SIGKILL at each stage of a
recompute job — claimed, chunk queued, mid-chunk, mid-upsert — then started again: the watchdog
recovers the job, which finishes with the scorecards of an uninterrupted run, without duplicate
rows. The broker keeps its one-hour visibility timeout: the recovery is the watchdog's, in
seconds (leases of 3 s, tests/scorecards/crash_settings.py). See tests/scorecards/crash.py."""

import time

import pytest
from django.db.models import Count

from apps.scorecards import services
from apps.scorecards.models import RecomputeChunk, RecomputeJob, Scorecard
from tests.factories import CustomerFactory, RepFactory
from tests.scorecards.crash import CrashWorker, require_crash_services, wait_until
from tests.scorecards.helpers import FIGURE_FIELDS, order, payment, receivable

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

PERIOD = "2026-10"
REPS = 5  # three chunks of two (crash_settings.SCORECARD_CHUNK_SIZE)


@pytest.fixture
def worker(tmp_path):
    require_crash_services()
    crash_worker = CrashWorker(tmp_path)
    yield crash_worker
    crash_worker.close()


def _data() -> list:
    reps = RepFactory.create_batch(REPS)
    for index, rep in enumerate(reps):
        sold = order(rep, CustomerFactory(owner=rep), f"{100 * (index + 1)}.00", "2026-10-05")
        due = receivable(sold, f"{50 * (index + 1)}.00", "2026-10-20")
        payment(due, f"{20 * (index + 1)}.00", "2026-10-25")
    return reps


def _figures() -> dict:
    return {
        card.rep_id: (card.pk, *(getattr(card, name) for name in FIGURE_FIELDS))
        for card in Scorecard.objects.filter(period_key=PERIOD)
    }


def _finished(job) -> bool:
    job.refresh_from_db()
    return job.status in ("done", "failed")


STAGES = {
    # stage: what the database shows right after the crash
    "claimed": lambda job: (job.status, job.done_chunks, job.chunks.count()) == ("running", 0, 3),
    "chunk_queued": lambda job: (job.status, job.done_chunks) == ("running", 0),
    "mid_chunk": lambda job: job.chunks.filter(attempts=1, done_at=None).count() == 1,
    "mid_upsert": lambda job: job.chunks.filter(attempts=1, done_at=None).count() == 1,
}


@pytest.mark.parametrize("stage", list(STAGES))
def test_a_worker_killed_at_each_stage_leaves_a_job_that_finishes_after_a_restart(worker, stage):
    reps = _data()
    job = RecomputeJob.objects.create(period_key=PERIOD)
    started = time.monotonic()
    worker.start(crash_at=stage)
    worker.send("scorecards.recompute_period", job.pk)
    crashed_after = worker.wait_killed(timeout=60)
    job.refresh_from_db()
    assert STAGES[stage](job), (job.status, job.done_chunks, list(job.chunks.values()))
    assert not Scorecard.objects.exists()  # nothing half-written (the upsert rolled back)

    worker.start()  # without the crash point
    recovered_after = wait_until(
        lambda: _finished(job),
        timeout=60,
        every=1,
        tick=lambda: worker.send("scorecards.watchdog"),
    )
    job.refresh_from_db()
    assert (job.status, job.error, job.done_chunks, job.total_chunks) == ("done", "", 3, 3), (
        worker.log()
    )
    assert RecomputeChunk.objects.filter(job=job).count() == 3
    assert set(RecomputeChunk.objects.filter(job=job).values_list("number", flat=True)) == {1, 2, 3}

    recovered = _figures()
    assert sorted(recovered) == sorted(rep.pk for rep in reps)
    duplicates = (
        Scorecard.objects.values("rep", "period_key").annotate(n=Count("pk")).filter(n__gt=1)
    )
    assert not duplicates.exists()
    services.scorecards_recompute(period_key=PERIOD)  # uninterrupted, in this process
    uninterrupted = _figures()
    assert recovered == uninterrupted  # same rows (same ids), same figures
    print(  # noqa: T201 — the timings are part of the report (pytest -s)
        f"\n{stage}: crashed after {crashed_after:.1f} s, recovered after a restart in "
        f"{recovered_after:.1f} s, {time.monotonic() - started:.1f} s in all"
    )


def test_a_start_whose_worker_child_died_after_the_claim_is_redelivered_and_resumed(worker):
    """Prefork: the child running the start dies right after the claim; the worker gives the
    message back (acks late, rejected on worker lost) and the start, delivered again, finds the
    job claimed and queues its chunks — no watchdog needed."""
    reps = _data()
    job = RecomputeJob.objects.create(period_key=PERIOD)
    worker.start(crash_at="claimed", pool="prefork")
    worker.send("scorecards.recompute_period", job.pk)
    took = wait_until(lambda: _finished(job), timeout=60)
    assert (job.status, job.error, job.done_chunks) == ("done", "", 3), worker.log()
    assert "WorkerLostError" in worker.log() or "signal 9" in worker.log(), worker.log()
    assert sorted(_figures()) == sorted(rep.pk for rep in reps)
    print(f"\nclaimed (prefork child killed): done in {took:.1f} s")  # noqa: T201
