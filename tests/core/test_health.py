"""/healthz reports database and broker status: 200 when both answer, 503 otherwise."""

import pytest
from django.db.utils import OperationalError

from apps.core import selectors
from salesperf.celery import app as celery_app


@pytest.fixture
def broker_down(monkeypatch):
    dead = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    # Celery reads CELERY_BROKER_URL from the environment before its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", dead)
    saved = (celery_app.conf.broker_url, celery_app.conf.broker_transport_options)
    celery_app.conf.broker_url = dead
    celery_app.conf.broker_transport_options = {}
    yield
    celery_app.conf.broker_url, celery_app.conf.broker_transport_options = saved


@pytest.mark.django_db
def test_healthz_is_200_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_down(client, broker_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["broker"]["ok"] is False
    assert body["database"]["ok"] is True


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    def failing_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("apps.core.selectors.connection.cursor", failing_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False, "detail": "OperationalError"}


@pytest.mark.django_db
def test_healthz_reports_the_last_scheduler_heartbeat(client):
    from apps.core.services import heartbeat_record

    heartbeat_record()
    heartbeat_record()
    assert selectors.last_heartbeat().count == 2
    assert client.get("/healthz").json()["scheduler"]["last_heartbeat"] is not None
