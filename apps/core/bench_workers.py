"""Worker processes for the job benchmarks (``bench_kpis --workers``, ``bench_pay --workers``).

A :class:`WorkerPool` starts N separate OS processes (multiprocessing, 'spawn' context: a fresh
interpreter that runs ``django.setup()`` and opens its own database connection), waits until
every one is ready, then hands them chunk calls through one shared queue: each worker takes the
next item and calls the job's chunk function (the same call a Celery worker makes, on any number
of machines) with its keyword arguments. Process start-up is reported apart (a real worker pool
is already running when a job arrives).

This module is imported by the spawned workers before Django is set up: it imports nothing of
the project at the top.
"""

from __future__ import annotations

import importlib
import math
import multiprocessing
import os
import queue
import time
import traceback

#: How long a worker may take to start (interpreter, django.setup(), first connection).
START_TIMEOUT_S = 180
#: How long the pool waits for a chunk before it checks that every worker is alive.
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


def pool_counts(
    workers: str, *, chunk_size: int | None, chunk_option: str, settings_dict
) -> list[int]:
    """The worker counts of a command's ``--workers`` text, after checking the options a pool
    needs: counts of at least 1, a chunk size (``chunk_option``, if given) of at least 1 and a
    database other processes can open. Raises ``ValueError`` with the message for the user."""
    counts = parse_counts(workers)
    if chunk_size is not None and chunk_size < 1:
        raise ValueError(f"{chunk_option} must be at least 1.")
    if not shareable_database(settings_dict):
        raise ValueError(
            "--workers needs a database other processes can open (PostgreSQL or an SQLite "
            "file), not an in-memory SQLite database."
        )
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


def peak_rss_mb() -> float | None:
    """This process's peak resident memory since it started its program, in MB: Linux's
    ``VmHWM`` (``getrusage``'s ``ru_maxrss`` is no use in a spawned worker: it keeps the peak of
    the parent it was forked from across the ``exec``). ``None`` where there is no /proc."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def _function(path: str):
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


# --- The worker process ----------------------------------------------------------------------


def worker_main(settings_module: str, database_name: str, task: str, jobs, results) -> None:
    """One worker: set Django up, connect to the database the command uses (under the tests,
    pytest-django's test database), then call ``task`` (a dotted path) with each ``(key,
    kwargs)`` it takes from ``jobs`` until ``None``. Reports ``("ready", pid, None)``, then
    ``("done", key, (seconds, peak RSS in MB))`` or ``("error", key, traceback)`` per item."""
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, connections

    function = _function(task)
    settings.DATABASES["default"]["NAME"] = database_name
    connection.close()
    connection.settings_dict["NAME"] = database_name
    connection.ensure_connection()
    results.put(("ready", os.getpid(), None))
    try:
        while (item := jobs.get()) is not None:
            key, kwargs = item
            started = time.perf_counter()
            try:
                function(**kwargs)
            except Exception:  # noqa: BLE001 — reported to the command, which stops
                results.put(("error", key, traceback.format_exc()))
            else:
                results.put(("done", key, (time.perf_counter() - started, peak_rss_mb())))
    finally:
        connections.close_all()


class WorkerError(RuntimeError):
    """A worker failed to start, died, or a chunk raised."""


class WorkerPool:
    """N spawned worker processes calling ``task`` (a dotted path) for the items of one queue."""

    def __init__(self, size: int, *, settings_module: str, database_name: str, task: str):
        context = multiprocessing.get_context("spawn")
        self.jobs = context.Queue()
        self.results = context.Queue()
        self.processes = [
            context.Process(
                target=worker_main,
                args=(settings_module, database_name, task, self.jobs, self.results),
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
        #: The largest peak RSS a worker reported (MB), ``None`` before any or without /proc.
        self.peak_rss_mb: float | None = None

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

    def run(self, items: list[tuple], *, timeout_s: float) -> dict:
        """Queue the ``(key, kwargs)`` items and wait until each is reported done;
        ``{key: seconds}``."""
        for item in items:
            self.jobs.put(item)
        deadline = time.perf_counter() + timeout_s
        done: dict = {}
        for _ in items:
            kind, key, detail = self._next(deadline=deadline)
            if kind == "error":
                raise WorkerError(f"chunk {key} failed:\n{detail}")
            if key in done:
                raise WorkerError(f"chunk {key} was reported twice")
            seconds, peak = detail
            done[key] = seconds
            if peak is not None:
                self.peak_rss_mb = max(peak, self.peak_rss_mb or 0)
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


def pool_context():
    """What a pool needs from the command's process: the settings module and the database
    name (the connection is closed so that nothing of it leaks into the workers)."""
    from django.conf import settings
    from django.db import connection

    settings_module = os.environ.get("DJANGO_SETTINGS_MODULE") or settings.SETTINGS_MODULE
    database_name = str(connection.settings_dict["NAME"])
    connection.close()
    return settings_module, database_name


def measure_pools(*, counts: list[int], repeat: int, task: str, run_job, write) -> dict:
    """Time a whole job run by each pool size in ``counts`` (best of ``repeat``).

    ``run_job(pool)`` starts one job, has ``pool`` compute its chunks, checks the outcome
    (raising :class:`WorkerError`) and returns ``(seconds, {chunk key: seconds})``. Returns the
    figures every benchmark prints: ``workers`` (best seconds per pool size), ``speedup``
    (against the smallest pool), ``chunks``, the runs, the chunk times of the best run, the
    start-up times, the load averages and the workers' peak RSS."""
    settings_module, database_name = pool_context()
    timings: dict[str, float] = {}
    runs: dict[str, list[float]] = {}
    start_s: dict[str, float] = {}
    load: dict[str, dict] = {}
    chunk_s: dict[str, list[float]] = {}
    peaks: list[float] = []
    chunks = 0
    for count in counts:
        key = str(count)
        load_before = loadavg()
        pool = WorkerPool(
            count, settings_module=settings_module, database_name=database_name, task=task
        )
        start_s[key] = round(pool.start_s, 2)
        runs[key] = []
        try:
            for attempt in range(1, repeat + 1):
                elapsed, done = run_job(pool)
                chunks = len(done)
                runs[key].append(round(elapsed, 3))
                if round(elapsed, 3) == min(runs[key]):
                    chunk_s[key] = [round(done[number], 3) for number in sorted(done)]
                write(
                    f"  {count} worker(s), run {attempt}/{repeat}: {elapsed:.3f} s "
                    f"({len(done)} chunks)"
                )
        finally:
            if pool.peak_rss_mb is not None:
                peaks.append(pool.peak_rss_mb)
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
        "workers_runs": runs,
        "workers_chunk_s": chunk_s,
        "workers_start_s": start_s,
        "workers_loadavg": load,
        "workers_peak_rss_mb": max(peaks) if peaks else None,
        "cpu_count": os.cpu_count(),
    }
