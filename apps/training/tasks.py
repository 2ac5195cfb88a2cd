"""The monthly job of training recommendations: propose workshops and courses."""

from celery import shared_task

from apps.training import services


@shared_task(name="training.generate_proposals")
def generate_proposals(today: str | None = None) -> dict:
    """Run the generation (``today`` as an ISO date for back-fills). Idempotent: a second run
    proposes nothing new; under the reminders' job lock so two workers do not race."""
    import datetime

    from apps.reminders.services import lock_acquire, lock_release

    day = datetime.date.fromisoformat(today) if today else None
    token = lock_acquire("training.generate_proposals")
    if token is None:
        return {"skipped": "locked"}
    try:
        return services.training_proposals_generate(actor=None, today=day)
    finally:
        lock_release("training.generate_proposals", token)
