from celery import shared_task

from apps.core import services


@shared_task(name="core.heartbeat", ignore_result=True)
def heartbeat():
    """Periodic proof that beat, broker, worker and database are wired together."""
    services.heartbeat_record(name="scheduler")


@shared_task(name="core.ping")
def ping(value: int) -> int:
    """Round-trip check: returns its argument plus one."""
    return value + 1
