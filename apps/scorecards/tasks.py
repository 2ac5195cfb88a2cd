"""Celery tasks of the scorecards app: ids in, one service call, nothing else."""

from celery import shared_task
from django.utils import timezone

from apps.performance.periods import MONTH, period_containing
from apps.scorecards import services


@shared_task(name="scorecards.recompute_period", acks_late=True, reject_on_worker_lost=True)
def recompute_period(job_id: int) -> int:
    """Claim the job, split its reps into chunks and fan the chunks out. Delivered again for a
    job already running (its worker died before queueing every chunk), queue again the chunks
    not done and not held by a live worker."""
    numbers = services.recompute_job_start(job_id=job_id) or services.recompute_job_resume(
        job_id=job_id
    )
    for index, number in enumerate(numbers):
        recompute_chunk.delay(job_id, number)
        if index == 0:
            services._crash_point("chunk_queued")
    return len(numbers)


@shared_task(
    name="scorecards.recompute_chunk",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=services.CHUNK_TIME_LIMIT,
    soft_time_limit=services.CHUNK_SOFT_TIME_LIMIT,
)
def recompute_chunk(job_id: int, number: int) -> None:
    services.recompute_job_run_chunk(job_id=job_id, number=number)


@shared_task(name="scorecards.watchdog")
def watchdog() -> dict:
    """Every minute: queue again the chunks and jobs that a dead worker or a lost message left
    behind, and fail the jobs that cannot finish (see ``services.recompute_watchdog``)."""
    report = services.recompute_watchdog()
    for job_id in report.restart:
        recompute_period.delay(job_id)
    for job_id, number in report.requeue:
        recompute_chunk.delay(job_id, number)
    return {"restarted": report.restart, "requeued": report.requeue, "failed": report.failed}


@shared_task(name="scorecards.refresh_current_month")
def refresh_current_month() -> list[int]:
    """Nightly: recompute the current month, quarter and year for everyone."""
    today = timezone.localdate()
    return [
        services.recompute_job_create(period_key=key).pk
        for key in services.recompute_periods_for(today)
    ]


@shared_task(name="scorecards.close_month")
def close_month() -> list[int]:
    """On the 1st: recompute the month (and its quarter and year) that just ended."""
    last_month = period_containing(MONTH, timezone.localdate()).previous()
    return [
        services.recompute_job_create(period_key=key).pk
        for key in services.recompute_periods_for(last_month.start)
    ]


@shared_task(name="scorecards.refresh_stale")
def refresh_stale() -> int:
    """Every few minutes: recompute only the rep-periods marked stale."""
    return services.scorecards_refresh_stale()
