"""A rule run cut short (its worker died) is marked failed with the reason once its lease has run
out, and the next run completes its work without a second reminder or a second e-mail: reminders
are unique on their natural key (inserts ignore conflicts) and an e-mail is claimed before it is
sent. In-process crashes here; a real worker killed with SIGKILL at the end (PostgreSQL + Redis).
"""

import datetime
import time
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from apps.reminders import services
from apps.reminders.models import JobLock, Reminder, RuleRun
from tests.factories import DeliveryFactory, OrderFactory, ReceivableFactory
from tests.reminders.conftest import reminders_of

D = datetime.date
OVERDUE_DAY = D(2026, 1, 11)
LOST = "The run did not finish within 30 minutes (worker lost); the next run completes its work."


class Killed(BaseException):  # noqa: N818 — stands for SIGKILL: no `except Exception` sees it
    """A worker dying mid-run: nothing after the crash point runs, no error handler either."""


def _overdue_receivable(owner):
    return ReceivableFactory(
        order=OrderFactory(owner=owner), issued_on=D(2025, 12, 11), due_on=D(2026, 1, 10)
    )


def _age(run: RuleRun, seconds: int) -> None:
    RuleRun.objects.filter(pk=run.pk).update(
        started_at=timezone.now() - datetime.timedelta(seconds=seconds)
    )


def _killed_run(code: str, day: datetime.date, **patch) -> RuleRun:
    with mock.patch.multiple(services, **patch), pytest.raises(Killed):
        services.rule_run(code=code, today=day)
    return RuleRun.objects.filter(rule__code=code).latest("pk")


def test_a_run_cut_short_is_marked_failed_once_its_lease_ran_out(cast, run):
    _overdue_receivable(cast.rep_a)
    cut = _killed_run(
        "receivable_overdue", OVERDUE_DAY, _close_resolved=mock.Mock(side_effect=Killed)
    )
    assert (cut.finished_at, cut.error) == (None, "")  # shows "running"
    assert services.rule_runs_recover() == 0  # within its lease: it may still be running
    _age(cut, services.RUN_LOCK_SECONDS + 1)
    run("receivable_overdue", OVERDUE_DAY)  # every run first recovers the runs cut short
    cut.refresh_from_db()
    assert cut.error == LOST
    assert cut.finished_at is not None
    assert services.rule_runs_recover() == 0


def test_the_run_after_a_crash_creates_no_second_reminder_and_sends_each_email_once(cast, run):
    _overdue_receivable(cast.rep_a)
    cut = _killed_run(
        "receivable_overdue", OVERDUE_DAY, _close_resolved=mock.Mock(side_effect=Killed)
    )  # died after creating the reminder, before its e-mail
    assert reminders_of("receivable_overdue").count() == 1
    assert mail.outbox == []
    _age(cut, services.RUN_LOCK_SECONDS + 1)
    again = run("receivable_overdue", OVERDUE_DAY)
    assert (again.created, again.emailed, again.error) == (0, 1, "")
    assert run("receivable_overdue", OVERDUE_DAY).emailed == 0
    assert reminders_of("receivable_overdue").count() == 1
    assert [m.to for m in mail.outbox] == [[cast.rep_a.email]]


def test_an_email_claimed_by_a_worker_that_died_before_sending_it_is_never_doubled(cast, run):
    _overdue_receivable(cast.rep_a)
    _killed_run("receivable_overdue", OVERDUE_DAY, send_mail=mock.Mock(side_effect=Killed))
    reminder = reminders_of("receivable_overdue").get()
    assert reminder.emailed_at is not None  # claimed: lost rather than sent twice
    assert run("receivable_overdue", OVERDUE_DAY).emailed == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_run_lock_lasts_as_long_as_a_run_may(settings):
    settings.REMINDER_RUN_LEASE_SECONDS = 120
    from apps.reminders.tasks import _locked

    def work():
        lock = JobLock.objects.get(name="reminders.test")
        return (lock.expires_at - timezone.now()).total_seconds()

    assert 115 < _locked("reminders.test", work) <= 120


# --- A real worker killed with SIGKILL (PostgreSQL + Redis) ---------------------------------------
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_run_leaves_a_failed_run_and_the_next_run_sends_each_email_once(
    cast, tmp_path
):
    from tests.scorecards.crash import CrashWorker, require_crash_services, wait_until

    require_crash_services()
    delivery = DeliveryFactory(
        order=OrderFactory(owner=cast.rep_a), delivered=True, planned_on=D(2026, 3, 6)
    )
    worker = CrashWorker(tmp_path)
    try:
        worker.start(crash_at="reminders_created")
        worker.send("reminders.run_rule", "first_visit", "2026-03-12")
        crashed_after = worker.wait_killed(timeout=60)
        cut = RuleRun.objects.get(rule__code="first_visit")
        assert (cut.finished_at, cut.created) == (None, 0)
        reminders = Reminder.objects.filter(rule__code="first_visit", object_id=delivery.pk)
        assert reminders.count() == 2  # owner + escalation to manager_a, committed
        assert worker.emails() == []

        worker.start()
        time.sleep(3.5)  # the dead run's lease and lock (3 s in crash_settings) run out
        worker.send("reminders.run_rule", "first_visit", "2026-03-12")
        recovered_after = wait_until(
            lambda: (
                RuleRun.objects.filter(rule__code="first_visit", finished_at__isnull=False)
                .exclude(pk=cut.pk)
                .exists()
            ),
            timeout=60,
        )
        cut.refresh_from_db()
        assert "worker lost" in cut.error
        assert reminders.count() == 2
        emails = worker.emails()
        assert sorted(emails) == sorted(
            [f"To: {cast.rep_a.email}", f"To: {cast.manager_a.email}"]
        ), worker.log()
        print(  # noqa: T201 — the timings are part of the report (pytest -s)
            f"\nreminders_created: crashed after {crashed_after:.1f} s, next run done "
            f"{recovered_after + 3.5:.1f} s after the restart"
        )
    finally:
        worker.close()
