"""Celery tasks of the pay app: ids in, one service call, nothing else."""

from celery import shared_task

from apps.pay import services


@shared_task(name="pay.compute_run")
def compute_pay_run(run_id: int) -> int:
    """Claim the run (or, redelivered, find its chunks not done) and fan the chunks out."""
    chunks = services.pay_run_start(run_id=run_id)
    for round_, number in chunks:
        compute_pay_chunk.delay(run_id, round_, number)
    return len(chunks)


@shared_task(name="pay.compute_chunk")
def compute_pay_chunk(run_id: int, round: int, number: int) -> int:  # noqa: A002
    return services.pay_run_compute_chunk(run_id=run_id, round=round, number=number)


@shared_task(name="pay.watchdog")
def pay_watchdog() -> int:
    """Every few minutes: queue again the chunks whose worker died; fail exhausted runs."""
    return services.pay_run_watchdog()
