"""``bench_kpis --workers 1,2,4``: run one recompute job's chunks with N worker processes.

For each N the command starts N separate OS processes (multiprocessing, 'spawn' context: a
fresh interpreter that runs ``django.setup()`` and opens its own database connection), waits
until every one is ready, then times the wall clock from claiming a new
:class:`~apps.scorecards.models.RecomputeJob` (``services.recompute_job_start``, which makes
the chunks) until the job is done: the chunk numbers go to one shared queue, and each worker
takes the next number and calls ``services.recompute_job_run_chunk`` — the same calls a
Celery worker makes, on any number of machines. Process start-up is outside the timing (a
real worker pool is already running when a job arrives) and reported apart.

This module is imported by the spawned workers before Django is set up: it imports nothing
of the project at the top.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import queue
import resource
import sys
import time
import traceback

#: How long a worker may take to start (interpreter, django.setup(), first connection).
START_TIMEOUT_S = 180
#: How long the command waits for a chunk before it checks that every worker is alive.
POLL_S = 1.0


def parse_counts(text: str) -> list[int]:
    """``"1,2,4"`` -> ``[1, 2, 4]`` (each at least 1, duplicates dropped, order kept)."""
    counts: list[int] = []
    for part in str(text).split(","):
        part = part.strip()
        if not part.isdigit() or int(part) < 1:
            raise ValueError(
                f"--workers takes worker counts of at least 1 separated by commas (1,2,4), "
                f"not {text!r}."
            )
        if int(part) not in counts:
            counts.append(int(part))
    return counts


def default_chunk_size(people: int, counts: list[int]) -> int:
    """Enough chunks for the largest pool (at least four): ``ceil(people / max(4, N))``."""
    return max(1, math.ceil(people / max(4, *counts)))


def loadavg() -> list[float] | None:
    try:
        with open("/proc/loadavg") as handle:
            return [float(value) for value in handle.read().split()[:3]]
    except OSError:
        return None


def shareable_database(settings_dict: dict) -> bool:
    """Other processes can open it: not an in-memory SQLite database."""
    if settings_dict["ENGINE"] != "django.db.backends.sqlite3":
        return True
    name = str(settings_dict.get("NAME") or "")
    return bool(name) and ":memory:" not in name and "mode=memory" not in name


# --- The worker process ----------------------------------------------------------------------


def worker_main(settings_module: str, database_name: str, jobs, results) -> None:
    """One worker: set Django up, connect to the database the command uses (under the tests,
    pytest-django's test database), then run the chunks it takes from ``jobs`` until ``None``.
    Reports ``("ready", pid, None)``, then ``("done", number, seconds)`` or ``("error",
    number, traceback)`` per chunk."""
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, connections

    from apps.scorecards import services

    settings.DATABASES["default"]["NAME"] = database_name
    connection.close()
    connection.settings_dict["NAME"] = database_name
    connection.ensure_connection()
    results.put(("ready", os.getpid(), None))
    try:
        while (item := jobs.get()) is not None:
            job_id, number = item
            started = time.perf_counter()
            try:
                services.recompute_job_run_chunk(job_id=job_id, number=number)
            except Exception:  # noqa: BLE001 — reported to the command, which stops
                results.put(("error", number, traceback.format_exc()))
            else:
                results.put(("done", number, time.perf_counter() - started))
    finally:
        connections.close_all()


class WorkerError(RuntimeError):
    """A worker failed to start, died, or a chunk raised."""


class WorkerPool:
    """N spawned worker processes sharing one queue of ``(job_id, number)``."""

    def __init__(self, size: int, *, settings_module: str, database_name: str):
        context = multiprocessing.get_context("spawn")
        self.jobs = context.Queue()
        self.results = context.Queue()
        self.processes = [
            context.Process(
                target=worker_main,
                args=(settings_module, database_name, self.jobs, self.results),
                name=f"bench-worker-{index}",
                daemon=True,
            )
            for index in range(1, size + 1)
        ]
        started = time.perf_counter()
        for process in self.processes:
            process.start()
        ready = 0
        while ready < size:
            kind, _value, detail = self._next(deadline=started + START_TIMEOUT_S)
            if kind != "ready":
                raise WorkerError(f"worker failed to start: {detail}")
            ready += 1
        self.start_s = time.perf_counter() - started

    def _next(self, *, deadline: float):
        while True:
            try:
                return self.results.get(timeout=POLL_S)
            except queue.Empty:
                dead = [p for p in self.processes if p.exitcode is not None]
                if dead:
                    codes = ", ".join(f"{p.name} exit code {p.exitcode}" for p in dead)
                    raise WorkerError(f"a worker died: {codes}") from None
                if time.perf_counter() > deadline:
                    raise WorkerError("timed out waiting for the workers") from None

    def run(self, job_id: int, numbers: list[int], *, timeout_s: float) -> dict[int, float]:
        """Queue the chunks and wait until each is reported done; ``{number: seconds}``."""
        for number in numbers:
            self.jobs.put((job_id, number))
        deadline = time.perf_counter() + timeout_s
        done: dict[int, float] = {}
        for _ in numbers:
            kind, number, detail = self._next(deadline=deadline)
            if kind == "error":
                raise WorkerError(f"chunk {number} failed:\n{detail}")
            if number in done:
                raise WorkerError(f"chunk {number} was reported twice")
            done[number] = detail
        return done

    def close(self) -> None:
        for process in self.processes:
            if process.is_alive():
                self.jobs.put(None)
        for process in self.processes:
            process.join(timeout=30)
            if process.is_alive():  # our own child, stuck: stop it
                process.terminate()
                process.join(timeout=5)
        self.jobs.close()
        self.results.close()


def children_peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


# --- The measurement (in the command's process) ----------------------------------------------


def measure_workers(
    *, period_key: str, counts: list[int], chunk_size: int, repeat: int, write
) -> dict:
    """Time a whole recompute job of ``period_key`` run by each pool size in ``counts`` (best
    of ``repeat``), checking that the job is done and each chunk ran exactly once."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings

    from apps.scorecards import services
    from apps.scorecards.choices import JobStatus
    from apps.scorecards.models import RecomputeChunk, RecomputeJob

    settings_module = os.environ.get("DJANGO_SETTINGS_MODULE") or settings.SETTINGS_MODULE
    database_name = str(connection.settings_dict["NAME"])
    connection.close()  # nothing of the parent's connection leaks into the pool
    timings: dict[str, float] = {}
    runs: dict[str, list[float]] = {}
    start_s: dict[str, float] = {}
    load: dict[str, dict] = {}
    chunk_s: dict[str, list[float]] = {}
    chunks = 0
    for count in counts:
        key = str(count)
        load_before = loadavg()
        pool = WorkerPool(count, settings_module=settings_module, database_name=database_name)
        start_s[key] = round(pool.start_s, 2)
        runs[key] = []
        try:
            for attempt in range(1, repeat + 1):
                job = RecomputeJob.objects.create(period_key=period_key, error="")
                started = time.perf_counter()
                with override_settings(SCORECARD_CHUNK_SIZE=chunk_size):
                    numbers = services.recompute_job_start(job_id=job.pk)
                done = pool.run(job.pk, numbers, timeout_s=3600)
                elapsed = time.perf_counter() - started
                job.refresh_from_db()
                RecomputeJob.objects.filter(pk=job.pk).update(error="bench")
                attempts = list(
                    RecomputeChunk.objects.filter(job=job).values_list("attempts", flat=True)
                )
                if job.status != JobStatus.DONE or job.done_chunks != len(numbers):
                    raise WorkerError(
                        f"job {job.pk} ended {job.status} with {job.done_chunks}/"
                        f"{len(numbers)} chunks done"
                    )
                if sorted(done) != sorted(numbers) or any(a != 1 for a in attempts):
                    raise WorkerError(f"job {job.pk}: a chunk ran more than once or never")
                chunks = len(numbers)
                runs[key].append(round(elapsed, 3))
                if round(elapsed, 3) == min(runs[key]):
                    chunk_s[key] = [round(done[number], 3) for number in sorted(done)]
                write(
                    f"  {count} worker(s), run {attempt}/{repeat}: {elapsed:.3f} s "
                    f"({len(numbers)} chunks)"
                )
        finally:
            pool.close()
        timings[key] = min(runs[key])
        load[key] = {"before": load_before, "after": loadavg()}
    base_key = str(min(counts))
    speedup = {
        key: round(timings[base_key] / seconds, 2) if seconds else None
        for key, seconds in timings.items()
        if key != base_key
    }
    for key, seconds in timings.items():
        extra = f", speed-up {speedup[key]}x" if key in speedup else ""
        write(
            f"{key} worker(s): {seconds:.3f} s (best of {len(runs[key])}; start-up "
            f"{start_s[key]} s, not timed{extra}; load {load[key]['before']} -> "
            f"{load[key]['after']})"
        )
    return {
        "workers": timings,
        "speedup": speedup,
        "chunks": chunks,
        "chunk_size": chunk_size,
        "workers_runs": runs,
        "workers_chunk_s": chunk_s,
        "workers_start_s": start_s,
        "workers_loadavg": load,
        "workers_peak_rss_mb": children_peak_rss_mb(),
        "cpu_count": os.cpu_count(),
    }
