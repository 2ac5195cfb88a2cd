"""A real Celery worker executes our tasks and returns results: on Redis (required under CI) and on
the embedded filesystem broker that `make run` uses."""

import os
import uuid

import pytest
import redis
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from apps.core.models import Heartbeat
from tests.conftest import require_service


def _app(**overrides) -> Celery:
    """A Celery app of its own, with a queue of its own: messages other tests left on the shared
    broker are never consumed by this app's worker, and no other worker takes its tasks."""
    app = Celery("salesperf-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        task_always_eager=False, task_default_queue=f"test-{uuid.uuid4().hex}", **overrides
    )
    import apps.core.tasks  # noqa: F401  (shared tasks attach to every app)

    return app


def _redis_url(db_number: int) -> str:
    configured = os.environ.get("CELERY_BROKER_URL", "")
    if configured.startswith("redis://"):
        return configured
    return f"redis://127.0.0.1:6379/{db_number}"


def _redis_reachable(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def redis_celery_app():
    url = _redis_url(13)
    require_service(_redis_reachable(url), f"Redis at {url}")
    app = _app(broker_url=url, result_backend=url, broker_transport_options={})
    yield app
    app.close()


@pytest.fixture
def filesystem_celery_app(tmp_path):
    folders = {name: tmp_path / name for name in ("queue", "control", "processed")}
    for folder in folders.values():
        folder.mkdir()
    results = tmp_path / "results"
    results.mkdir()
    app = _app(
        broker_url="filesystem://",
        broker_transport_options={
            "data_folder_in": str(folders["queue"]),
            "data_folder_out": str(folders["queue"]),
            "control_folder": str(folders["control"]),
            "processed_folder": str(folders["processed"]),
        },
        result_backend=f"file://{results}",
    )
    yield app
    app.close()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_real_worker_on_redis_returns_a_task_result(redis_celery_app):
    with start_worker(redis_celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        result = redis_celery_app.tasks["core.ping"].delay(41)
        assert result.get(timeout=30) == 42


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_real_worker_on_redis_runs_the_periodic_heartbeat_against_the_database(redis_celery_app):
    with start_worker(redis_celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        redis_celery_app.tasks["core.heartbeat"].apply_async().get(timeout=30)
    assert Heartbeat.objects.get(name="scheduler").count == 1


@pytest.mark.django_db(transaction=True)
def test_real_worker_on_the_embedded_filesystem_broker_returns_a_result(filesystem_celery_app):
    with start_worker(
        filesystem_celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=20
    ):
        assert filesystem_celery_app.tasks["core.ping"].delay(1).get(timeout=30) == 2


def test_celery_is_configured_for_idempotent_late_acknowledged_json_tasks():
    assert settings.CELERY_TASK_SERIALIZER == "json"
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_TASK_TIME_LIMIT > settings.CELERY_TASK_SOFT_TIME_LIMIT > 0
    assert settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"
    assert settings.CELERY_BEAT_SCHEDULE["core-heartbeat"]["task"] == "core.heartbeat"
