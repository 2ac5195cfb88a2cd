"""Smoke test of ``manage.py bench_load``: gunicorn on loopback over its own SQLite file, two
clients for a second per phase, a tiny recompute. Shape and errors only, no timing assertion."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.scorecards.management.commands.bench_load import ENDPOINTS, percentile

ROOT = Path(__file__).resolve().parents[2]


def test_bench_load_prints_one_json_line_per_phase_without_errors(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "REDIS_CACHE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="salesperf.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SALESPERF_VAR_DIR=str(tmp_path),
    )
    run = subprocess.run(
        [sys.executable, "manage.py", "bench_load", "--clients", "2", "--duration", "1"]
        + ["--warmup", "0", "--recompute-clients", "2", "--reps", "3", "--orders", "30"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    assert [(line["phase"], line["clients"]) for line in lines] == [("idle", 2), ("recompute", 2)]
    for line in lines:
        assert line["errors"] == 0, line["error_samples"]
        assert line["requests"] > 0 and line["database"] == "sqlite" and line["workers"] == 2
        assert set(line["endpoints"]) == set(ENDPOINTS)
        for row in line["endpoints"].values():
            assert row["requests"] > 0 and row["errors"] == 0
            assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"]
        assert line["scorecards_p95_vs_healthz"] > 0
        assert isinstance(line["goal_p95_10x_healthz_met"], bool)
    recompute = lines[1]
    assert recompute["recomputes"] >= 1 and recompute["reps"] == 3
    assert set(recompute["p95_vs_idle"]) == set(ENDPOINTS)
    assert isinstance(recompute["goal_p95_2x_idle_met"], bool)
    assert "Dropping the generated data" in run.stdout


def test_percentile_is_nearest_rank_in_milliseconds():
    values = [i / 1000 for i in range(1, 101)]  # 1 … 100 ms
    assert percentile(values, 50) == 50.0
    assert percentile(values, 95) == 95.0
    assert percentile(values, 99) == 99.0
    assert percentile([0.004], 99) == 4.0
    assert percentile([], 50) is None


@pytest.mark.parametrize(
    "args, message",
    [
        (["--clients", "0"], "--clients takes numbers between 1 and 200."),
        (["--clients", "8,x"], "--clients takes numbers separated by commas, e.g. 8,32."),
        (["--duration", "0"], "--duration must be in (0, 600] s and --warmup in [0, 60] s."),
        (["--workers", "0"], "--recompute-clients must be 1-200 and --workers 1-16."),
        (["--reps", "-1"], "--reps must be at least 0 and --orders at least 1."),
    ],
)
def test_bad_arguments_are_refused_before_anything_runs(args, message, monkeypatch):
    started = []
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: started.append(a))
    with pytest.raises(CommandError) as error:
        call_command("bench_load", *args)
    assert str(error.value) == message
    assert started == []
