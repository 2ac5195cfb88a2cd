"""Two workers running the same rule at the same moment on PostgreSQL: the natural-key
constraint and the e-mail claim keep it to one reminder and one e-mail per person."""

import datetime
import threading
from unittest import mock

import pytest
from django.core import mail
from django.db import connection, connections

from apps.reminders import services
from apps.reminders.models import Reminder, RuleRun
from tests.conftest import require_service
from tests.factories import OrderFactory, ReceivableFactory

pytestmark = pytest.mark.services


def _require_postgres():
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")


def _in_parallel(work, workers=2):
    barrier = threading.Barrier(workers)
    errors = []

    def target():
        try:
            barrier.wait(timeout=10)
            work()
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_of_one_rule_create_each_reminder_once_and_email_once(cast):
    _require_postgres()
    for owner in (cast.rep_a, cast.rep_a, cast.rep_a2, cast.rep_b):
        ReceivableFactory(
            order=OrderFactory(owner=owner),
            issued_on=datetime.date(2026, 1, 1),
            due_on=datetime.date(2026, 1, 10),
        )
    services.rules_ensure()
    day = datetime.date(2026, 3, 12)  # 61 days overdue: owners and managers

    # Both workers compute their candidates, then insert at the same moment.
    original_create = services._create
    gate = threading.Barrier(2)

    def create_together(*args, **kwargs):
        gate.wait(timeout=10)
        return original_create(*args, **kwargs)

    with mock.patch.object(services, "_create", create_together):
        for _ in range(3):  # again and again: never more
            _in_parallel(lambda: services.rule_run(code="receivable_overdue", today=day))

    reminders = Reminder.objects.filter(rule__code="receivable_overdue")
    owner_rows, manager_rows = 4, 4
    assert reminders.count() == owner_rows + manager_rows
    keys = list(reminders.values_list("object_id", "recipient", "due_on", "level"))
    assert len(keys) == len(set(keys))
    assert len(mail.outbox) == owner_rows + manager_rows
    assert sum(RuleRun.objects.values_list("created", flat=True)) == owner_rows + manager_rows
    assert sum(RuleRun.objects.values_list("emailed", flat=True)) == owner_rows + manager_rows


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_email_senders_send_each_email_once(cast):
    _require_postgres()
    for _ in range(20):
        ReceivableFactory(
            order=OrderFactory(owner=cast.rep_a),
            issued_on=datetime.date(2026, 1, 1),
            due_on=datetime.date(2026, 1, 10),
        )
    with mock.patch.object(services, "reminders_send_emails", return_value=0):
        services.rule_run(code="receivable_overdue", today=datetime.date(2026, 1, 11))
    assert Reminder.objects.filter(emailed_at__isnull=True).count() == 20

    _in_parallel(services.reminders_send_emails, workers=3)

    assert len(mail.outbox) == 20
    assert not Reminder.objects.filter(emailed_at__isnull=True).exists()
