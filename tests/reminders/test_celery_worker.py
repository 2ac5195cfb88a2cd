"""A real Celery worker on Redis runs one rule end to end: task -> rule -> reminder -> e-mail."""

import datetime

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from apps.reminders.models import Reminder, RuleRun
from tests.conftest import require_service
from tests.core.test_celery import _app, _redis_reachable, _redis_url
from tests.factories import DeliveryFactory, OrderFactory


@pytest.fixture
def reminders_celery_app():
    url = _redis_url(12)
    require_service(_redis_reachable(url), f"Redis at {url}")
    import apps.reminders.tasks  # noqa: F401  (shared tasks attach to every app)

    app = _app(broker_url=url, result_backend=url, broker_transport_options={})
    yield app
    app.close()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_runs_the_first_visit_rule_end_to_end(cast, reminders_celery_app):
    delivery = DeliveryFactory(
        order=OrderFactory(owner=cast.rep_a), delivered=True, planned_on=datetime.date(2026, 3, 6)
    )
    app = reminders_celery_app
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        result = app.tasks["reminders.run_rule"].delay("first_visit", "2026-03-12").get(timeout=60)
        again = app.tasks["reminders.run_rule"].delay("first_visit", "2026-03-12").get(timeout=60)

    assert (result["created"], result["emailed"]) == (2, 2)  # owner + escalation to manager_a
    assert (again["created"], again["emailed"]) == (0, 0)
    reminders = Reminder.objects.filter(rule__code="first_visit", object_id=delivery.pk)
    assert set(reminders.values_list("recipient", flat=True)) == {cast.rep_a.pk, cast.manager_a.pk}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cast.rep_a.email, cast.manager_a.email])
    assert RuleRun.objects.filter(rule__code="first_visit").count() == 2
