"""A real ``celery -A salesperf worker`` process for the crash tests, killed with SIGKILL at a
named point of the code and started again.

A crash point is a call ``_crash_point("<name>")`` in the code under test (apps/scorecards/
services.py and tasks.py: ``claimed``, ``chunk_queued``, ``mid_chunk``, ``mid_upsert``;
apps/reminders/services.py: ``reminders_created``). With ``SALESPERF_CRASH_AT=<name>`` in its
environment the worker kills itself there with SIGKILL — the whole worker, as the solo pool
runs tasks in the worker's own process — exactly like a worker killed by the OOM killer or a
lost machine: no ``finally``, no acknowledgement, no rollback other than the database's.

The worker uses the test database pytest-django created (the test must be
``django_db(transaction=True)`` so that its data is committed and visible to the worker), a
Redis database of its own and a queue of its own (tests/scorecards/crash_settings.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit

import redis
from celery import Celery
from django.db import connection

from tests.concurrency import require_postgres
from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]
#: The Redis database of the crash tests (other Celery tests use 12 and 13).
REDIS_DB = 11


def redis_url() -> str:
    """Database ``REDIS_DB`` of the Redis server ``CELERY_BROKER_URL`` names (CI), else of
    the local one."""
    configured = urlsplit(os.environ.get("CELERY_BROKER_URL", ""))
    netloc = configured.netloc if configured.scheme == "redis" else "127.0.0.1:6379"
    return f"redis://{netloc}/{REDIS_DB}"


def redis_reachable(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def require_crash_services() -> None:
    """PostgreSQL and Redis: skipped on a developer machine without them, a failure under CI."""
    require_postgres()
    require_service(redis_reachable(redis_url()), f"Redis at {redis_url()}")


def database_url() -> str:
    """The URL of the test database this test process uses (pytest-django's ``test_...``)."""
    db = connection.settings_dict
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


class CrashWorker:
    """Start, crash and restart a worker on a queue of its own; send it tasks by name."""

    def __init__(self, tmp_path: Path):
        self.queue = f"crash-{uuid.uuid4().hex}"
        self.mail_dir = tmp_path / "mail"
        self.mail_dir.mkdir()
        self.log_dir = tmp_path
        self.process: subprocess.Popen | None = None
        self.starts = 0
        self.app = Celery("salesperf-crash-test", set_as_current=False)
        self.app.conf.update(
            broker_url=redis_url(),
            task_default_queue=self.queue,
            broker_connection_retry_on_startup=True,
        )

    def start(self, crash_at: str | None = None, *, pool: str = "solo") -> None:
        """Start the worker. The solo pool runs tasks in the worker's process (a crash point
        kills the whole worker); ``pool="prefork"`` in one child (the worker survives it)."""
        assert self.process is None or self.process.poll() is not None
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.scorecards.crash_settings",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": redis_url(),
            "CELERY_RESULT_BACKEND": redis_url(),
            "SALESPERF_TEST_QUEUE": self.queue,
            "SALESPERF_TEST_MAIL_DIR": str(self.mail_dir),
            "PYTHONPATH": str(ROOT),
        }
        env.pop("SALESPERF_CRASH_AT", None)
        if crash_at:
            env["SALESPERF_CRASH_AT"] = crash_at
        self.starts += 1
        log = open(self.log_dir / f"worker-{self.starts}.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "salesperf",
                "worker",
                f"--pool={pool}",
                "--concurrency=1",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
                f"--hostname=crash-{self.starts}@{self.queue}",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    def send(self, task: str, *args) -> None:
        # An explicit connection: Celery prefers a CELERY_BROKER_URL in the environment (CI
        # sets one for the whole suite) to the app's own broker_url.
        with self.app.connection_for_write(redis_url()) as connection:
            self.app.send_task(task, args=list(args), queue=self.queue, connection=connection)

    def wait_killed(self, timeout: float = 60) -> float:
        """Wait for the worker to kill itself at its crash point; returns the seconds waited."""
        started = time.monotonic()
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise AssertionError(f"the worker did not crash:\n{self.log()}") from None
        assert code == -signal.SIGKILL, f"exit code {code}:\n{self.log()}"
        return time.monotonic() - started

    def log(self) -> str:
        return "\n".join(
            path.read_text(errors="replace")[-3000:]
            for path in sorted(self.log_dir.glob("worker-*.log"))
        )

    def stop(self) -> None:
        """Stop the worker (warm shutdown, then SIGKILL) — only the process this object started."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def close(self) -> None:
        self.stop()
        client = redis.Redis.from_url(redis_url())
        for key in client.scan_iter(match=f"*{self.queue}*"):
            client.delete(key)
        self.app.close()

    def emails(self) -> list[str]:
        """The messages the worker sent (the file backend writes one file per connection,
        messages separated by a line of dashes); returns their ``To:`` lines."""
        return [
            line
            for path in sorted(self.mail_dir.iterdir())
            for line in path.read_text().splitlines()
            if line.startswith("To: ")
        ]


def wait_until(predicate, *, timeout: float, every: float = 0.5, tick=None) -> float:
    """Call ``tick`` then check ``predicate`` every ``every`` seconds until true; returns the
    seconds it took (AssertionError after ``timeout``)."""
    started = time.monotonic()
    while True:
        if tick is not None:
            tick()
        if predicate():
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not reached within {timeout} s")
        time.sleep(every)


__all__ = ["CrashWorker", "require_crash_services", "wait_until"]
