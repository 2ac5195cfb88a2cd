"""Scheduled jobs. Beat (django-celery-beat's database scheduler) must run as ONE process;
should a second one run anyway, each job takes a database lock with an expiry first and a job
that finds the lock taken does nothing, and the reminders' natural keys make a repeated run
harmless in any case."""

from celery import shared_task

from apps.reminders import services


def _locked(name: str, work):
    """Run ``work`` under the named lock. The lock lasts as long as a run may (a worker killed
    mid-run leaves a lock that expires when its run is marked failed, see
    ``services.rule_runs_recover``)."""
    token = services.lock_acquire(name, seconds=services.run_lease_seconds())
    if token is None:
        return {"skipped": "locked"}
    try:
        return work()
    finally:
        services.lock_release(name, token)


@shared_task(name="reminders.run_rule")
def run_rule(code: str, today: str | None = None) -> dict:
    """Run one rule (``today`` as an ISO date, for back-fills); returns the run's counts."""
    import datetime

    day = datetime.date.fromisoformat(today) if today else None

    def work():
        run = services.rule_run(code=code, today=day)
        return {
            "run": run.pk,
            "created": run.created,
            "closed": run.closed,
            "emailed": run.emailed,
            "skipped": run.skipped,
        }

    return _locked(f"reminders.rule.{code}", work)


@shared_task(name="reminders.run_all")
def run_all() -> dict:
    def work():
        runs = services.rules_run_all()
        return {run.rule.code: run.created for run in runs}

    return _locked("reminders.run_all", work)


@shared_task(name="reminders.send_digests")
def send_digests() -> dict:
    return _locked("reminders.digests", lambda: {"sent": services.digests_send()})
