"""``bench_kpis --workers``: a recompute job's chunks run by separate worker processes.

The workers are spawned processes with connections of their own, so the data must be committed
(``transaction=True``) in a database they can open: PostgreSQL (DATABASE_URL); the in-memory
SQLite test database is refused with a clear message."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count

from apps.scorecards import bench
from apps.scorecards.models import RecomputeChunk, RecomputeJob, Scorecard
from tests.concurrency import require_postgres

REPS = 20


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"workers": "1,zero"}, "--workers takes worker counts"),
        ({"workers": "1", "chunk_size": 0}, "--chunk-size must be at least 1"),
        ({"only_workers": True}, "need --workers"),
        ({"chunk_size": 5}, "need --workers"),
    ],
)
def test_bad_worker_options_are_refused_before_generating_anything(options, message):
    with pytest.raises(CommandError, match=message):
        call_command("bench_kpis", reps=2, orders=4, repeat=1, stdout=StringIO(), **options)
    assert not RecomputeJob.objects.exists()


@pytest.mark.django_db
def test_in_memory_sqlite_refuses_workers():
    if connection.vendor != "sqlite":
        pytest.skip("the in-memory SQLite test database only")
    with pytest.raises(CommandError, match="in-memory SQLite"):
        call_command("bench_kpis", reps=2, orders=4, workers="1,2", stdout=StringIO())


# Not inside a test transaction: the worker processes read the committed data.
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_workers_run_every_chunk_once_and_write_every_scorecard_once():
    require_postgres()
    out = StringIO()
    call_command(
        "bench_kpis",
        reps=REPS,
        orders=400,
        repeat=1,
        workers="1,2",
        keep=True,
        stdout=out,
    )
    try:
        result = json.loads(out.getvalue().strip().splitlines()[-1])
        assert {"workers", "speedup", "chunks", "chunk_size", "recompute_s"} <= set(result)
        assert set(result["workers"]) == {"1", "2"} and set(result["speedup"]) == {"2"}
        assert all(seconds > 0 for seconds in result["workers"].values())
        assert (result["chunks"], result["chunk_size"], result["recompute_chunks"]) == (4, 5, 1)
        assert "2 worker(s):" in out.getvalue() and "speed-up" in out.getvalue()

        # One single-process job and one job per worker count, each done, each chunk run once.
        jobs = RecomputeJob.objects.order_by("pk")
        assert [job.status for job in jobs] == ["done"] * 3
        worker_jobs = jobs[1:]
        chunks = RecomputeChunk.objects.filter(job__in=worker_jobs)
        assert chunks.count() == 8
        assert set(chunks.values_list("attempts", flat=True)) == {1}
        assert not chunks.filter(done_at__isnull=True).exists()
        # The chunks of a job cover every rep once.
        for job in worker_jobs:
            covered = [rep for chunk in job.chunks.all() for rep in chunk.rep_ids]
            assert sorted(covered) == sorted(bench.bench_rep_ids())

        # One scorecard per rep, last written by the last job (after it started).
        cards = Scorecard.objects.filter(period_key=result["period"])
        assert cards.count() == REPS == result["scorecards"]
        assert not cards.values("rep").annotate(n=Count("pk")).filter(n__gt=1).exists()
        assert not cards.filter(computed_at__lt=worker_jobs[-1].started_at).exists()
    finally:
        bench.drop()
    assert not RecomputeJob.objects.exists() and not Scorecard.objects.exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_only_workers_skips_the_single_process_measurement():
    require_postgres()
    out = StringIO()
    call_command(
        "bench_kpis",
        reps=6,
        orders=60,
        repeat=1,
        workers="2",
        chunk_size=2,
        only_workers=True,
        stdout=out,
    )
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert "recompute_s" not in result and result["speedup"] == {}
    assert (result["chunks"], result["chunk_size"], result["scorecards"]) == (3, 2, 6)
    assert set(result["workers"]) == {"2"}
    # Dropped afterwards (no --keep): jobs, chunks and scorecards of the bench.
    assert not RecomputeJob.objects.exists() and not Scorecard.objects.exists()
