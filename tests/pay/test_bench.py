"""``manage.py bench_pay`` at a small size: the JSON line has every figure, one statement per
generated rep, and the generated rows are dropped afterwards."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from apps.accounts.models import User
from apps.pay import bench
from apps.pay.models import PayRun, PayStatement
from apps.reviews.models import Review
from apps.scorecards.models import Scorecard
from tests.concurrency import require_postgres

KEYS = {
    "reps",
    "run_s",
    "bare_sql_s",
    "ratio",
    "queries",
    "statements",
    "peak_rss_mb",
    "xlsx_s",
    "copy_s",
    "xlsx_ratio",
    "xlsx_rows",
}


# Not inside a test transaction: the command migrates and commits like a real run.
@pytest.mark.django_db(transaction=True)
def test_bench_pays_every_generated_rep_and_drops_them_afterwards():
    out = StringIO()
    call_command("bench_pay", reps=20, repeat=1, period="2026-10", stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert set(result) >= KEYS
    assert result["reps"] == 20
    assert result["statements"] == result["xlsx_rows"] == 20
    assert result["status"] == "open" and result["chunks"] == 1
    assert result["run_s"] > 0 and result["bare_sql_s"] >= 0 and result["queries"] > 0
    assert not User.objects.filter(username__startswith="bench_pay_").exists()
    assert not (
        PayRun.objects.exists()
        or PayStatement.objects.exists()
        or Scorecard.objects.exists()
        or Review.objects.exists()
    )


@pytest.mark.django_db(transaction=True)
def test_the_query_count_does_not_depend_on_the_number_of_people():
    def queries(reps):
        out = StringIO()
        call_command("bench_pay", reps=reps, repeat=1, period="2026-10", stdout=out)
        return json.loads(out.getvalue().strip().splitlines()[-1])["queries"]

    assert queries(5) == queries(40)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"workers": "2,none"}, "--workers takes worker counts"),
        ({"workers": "2", "workers_chunk_size": 0}, "--workers-chunk-size must be at least 1"),
        ({"workers_chunk_size": 5}, "--workers-chunk-size needs --workers"),
    ],
)
def test_bad_worker_options_are_refused_before_generating_anything(options, message):
    with pytest.raises(CommandError, match=message):
        call_command("bench_pay", reps=2, repeat=1, period="2026-10", stdout=StringIO(), **options)
    assert not User.objects.filter(username__startswith="bench_pay_").exists()


@pytest.mark.django_db
def test_in_memory_sqlite_refuses_workers():
    if connection.vendor != "sqlite":
        pytest.skip("the in-memory SQLite test database only")
    with pytest.raises(CommandError, match="in-memory SQLite"):
        call_command("bench_pay", reps=2, workers="1,2", period="2026-10", stdout=StringIO())


# Not inside a test transaction: the worker processes read the committed data.
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_workers_compute_every_chunk_once_and_pay_everyone_once():
    require_postgres()
    out = StringIO()
    # 15 people in chunks of 4: 4 chunks for 1 and then 2 worker processes.
    call_command(
        "bench_pay",
        reps=15,
        repeat=1,
        period="2026-10",
        workers="1,2",
        workers_chunk_size=4,
        keep=True,
        stdout=out,
    )
    try:
        result = json.loads(out.getvalue().strip().splitlines()[-1])
        assert set(result["workers"]) == set(result["workers_ratio"]) == {"1", "2"}
        assert set(result["speedup"]) == {"2"}
        assert (result["workers_chunks"], result["workers_chunk_size"]) == (4, 4)
        assert all(seconds > 0 for seconds in result["workers"].values())
        assert result["workers_ratio"]["2"] == round(
            result["workers"]["2"] / result["bare_sql_s"], 2
        )
        assert "2 worker(s):" in out.getvalue()
        # The workers' own peak (VmHWM), not the parent's carried over the spawn.
        assert 0 < result["workers_peak_rss_mb"] < 1000
        # The pool's runs are removed afterwards; the statements of the last one were checked
        # by the command (one per person, every chunk once) before that.
        assert not PayRun.objects.filter(period_key="2026-10").exists()
    finally:
        bench.drop()
    assert not User.objects.filter(username__startswith="bench_pay_").exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_that_fails_a_chunk_stops_the_benchmark_with_its_error(monkeypatch):
    """The pool reports a chunk that raises (here: a chunk that writes nothing, so the run
    never opens) instead of timing a broken run."""
    require_postgres()
    monkeypatch.setattr(bench, "CHUNK_TASK", "apps.pay.bench.bench_rep_ids")
    with pytest.raises(CommandError, match="chunk 1 failed"):
        call_command(
            "bench_pay",
            reps=3,
            repeat=1,
            period="2026-10",
            workers="1",
            workers_chunk_size=2,
            stdout=StringIO(),
        )
    assert not User.objects.filter(username__startswith="bench_pay_").exists()
