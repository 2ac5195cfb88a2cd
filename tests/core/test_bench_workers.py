"""The worker pool of the job benchmarks (``bench_kpis --workers``, ``bench_pay --workers``):
its option parsing and the databases other processes can open. The pools themselves run in
``tests/scorecards/test_bench_workers.py`` and ``tests/pay/test_bench.py``."""

import pytest

from apps.core import bench_workers


def test_worker_counts_are_parsed_and_checked():
    assert bench_workers.parse_counts("1, 2,4,2") == [1, 2, 4]
    for bad in ("0", "1,x", "", "1,,2", "-1"):
        with pytest.raises(ValueError, match="--workers"):
            bench_workers.parse_counts(bad)
    assert bench_workers.default_chunk_size(20, [1, 2]) == 5
    assert bench_workers.default_chunk_size(10_001, [1, 2, 4]) == 2501
    assert bench_workers.default_chunk_size(20, [1, 8]) == 3
    assert bench_workers.default_chunk_size(0, [1]) == 1


def test_in_memory_sqlite_is_not_shareable():
    assert not bench_workers.shareable_database(
        {"ENGINE": "django.db.backends.sqlite3", "NAME": "file:memorydb_default?mode=memory"}
    )
    assert not bench_workers.shareable_database(
        {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    )
    assert bench_workers.shareable_database(
        {"ENGINE": "django.db.backends.sqlite3", "NAME": "/tmp/db.sqlite3"}
    )
    assert bench_workers.shareable_database(
        {"ENGINE": "django.db.backends.postgresql", "NAME": "x"}
    )
