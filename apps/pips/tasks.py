"""The daily job of improvement plans: missed coaching sessions escalate to HR."""

from celery import shared_task

from apps.pips import services


@shared_task(name="pips.escalate_missed_sessions")
def escalate_missed_sessions(today: str | None = None) -> dict:
    """Mark overdue sessions missed and report them to HR (``today`` as an ISO date for
    back-fills). Runs under the reminders' job lock; a repeated run changes nothing."""
    import datetime

    from apps.reminders.services import lock_acquire, lock_release

    day = datetime.date.fromisoformat(today) if today else None
    token = lock_acquire("pips.escalate_missed_sessions")
    if token is None:
        return {"skipped": "locked"}
    try:
        return services.sessions_escalate_missed(today=day)
    finally:
        lock_release("pips.escalate_missed_sessions", token)
