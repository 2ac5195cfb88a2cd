"""``bench_kpis --workers 1,2,4``: run one recompute job's chunks with N worker processes.

For each N the command starts N separate OS processes (multiprocessing, 'spawn' context: a
fresh interpreter that runs ``django.setup()`` and opens its own database connection), waits
until every one is ready, then times the wall clock from claiming a new
:class:`~apps.scorecards.models.RecomputeJob` (``services.recompute_job_start``, which makes
the chunks) until the job is done: the chunk numbers go to one shared queue, and each worker
takes the next number and calls ``services.recompute_job_run_chunk`` — the same calls a
Celery worker makes, on any number of machines. Process start-up is outside the timing (a
real worker pool is already running when a job arrives) and reported apart.

The pool itself is :mod:`apps.core.bench_workers` (shared with ``bench_pay --workers``).
"""

from __future__ import annotations

import time

from apps.core.bench_workers import WorkerError, measure_pools

#: What each worker calls for a chunk (the Celery task's service call).
TASK = "apps.scorecards.services.recompute_job_run_chunk"


# --- The measurement (in the command's process) ----------------------------------------------


def measure_workers(
    *, period_key: str, counts: list[int], chunk_size: int, repeat: int, write
) -> dict:
    """Time a whole recompute job of ``period_key`` run by each pool size in ``counts`` (best
    of ``repeat``), checking that the job is done and each chunk ran exactly once."""
    from django.test.utils import override_settings

    from apps.scorecards import services
    from apps.scorecards.choices import JobStatus
    from apps.scorecards.models import RecomputeChunk, RecomputeJob

    def run_job(pool):
        job = RecomputeJob.objects.create(period_key=period_key, error="")
        started = time.perf_counter()
        with override_settings(SCORECARD_CHUNK_SIZE=chunk_size):
            numbers = services.recompute_job_start(job_id=job.pk)
        done = pool.run(
            [(number, {"job_id": job.pk, "number": number}) for number in numbers],
            timeout_s=3600,
        )
        elapsed = time.perf_counter() - started
        job.refresh_from_db()
        RecomputeJob.objects.filter(pk=job.pk).update(error="bench")
        attempts = list(RecomputeChunk.objects.filter(job=job).values_list("attempts", flat=True))
        if job.status != JobStatus.DONE or job.done_chunks != len(numbers):
            raise WorkerError(
                f"job {job.pk} ended {job.status} with {job.done_chunks}/{len(numbers)} chunks done"
            )
        if sorted(done) != sorted(numbers) or any(a != 1 for a in attempts):
            raise WorkerError(f"job {job.pk}: a chunk ran more than once or never")
        return elapsed, done

    measured = measure_pools(counts=counts, repeat=repeat, task=TASK, run_job=run_job, write=write)
    return {**measured, "chunk_size": chunk_size}
