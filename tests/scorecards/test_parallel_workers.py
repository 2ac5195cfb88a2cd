"""A recompute chunk keeps to the parallel workers the setting allows (PostgreSQL), so a
background job does not take every core of the database server from the web requests."""

import pytest
from django.db import connection

from apps.scorecards import services
from apps.scorecards.models import RecomputeJob
from tests.concurrency import require_postgres
from tests.factories.accounts import RepFactory


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("setting", "expected"), [(0, "0"), (1, "1")])
def test_a_chunk_runs_with_the_configured_parallel_workers(settings, setting, expected):
    require_postgres()
    settings.SCORECARD_MAX_PARALLEL_WORKERS = setting
    RepFactory()
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        server_default = cursor.fetchone()[0]
    seen = []

    def record(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            seen.append(cursor.fetchone()[0])
        return 0

    original = services.scorecards_recompute
    services.scorecards_recompute = record
    try:
        job = RecomputeJob.objects.create(period_key="2026-10")
        for number in services.recompute_job_start(job_id=job.pk):
            services.recompute_job_run_chunk(job_id=job.pk, number=number)
    finally:
        services.scorecards_recompute = original
    assert seen == [expected]
    with connection.cursor() as cursor:  # SET LOCAL: gone with the chunk's transaction
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == server_default


def test_other_databases_are_left_alone(settings, monkeypatch):
    settings.SCORECARD_MAX_PARALLEL_WORKERS = 0
    monkeypatch.setattr(services, "_connection", lambda: type("C", (), {"vendor": "sqlite"})())
    services._limit_parallel_workers()  # no statement, no error


def test_none_leaves_the_server_setting(settings, monkeypatch):
    settings.SCORECARD_MAX_PARALLEL_WORKERS = None

    def fail():
        raise AssertionError("no connection is needed")

    monkeypatch.setattr(services, "_connection", fail)
    services._limit_parallel_workers()
