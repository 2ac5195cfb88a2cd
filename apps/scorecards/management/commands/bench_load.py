"""Load test: gunicorn on loopback, N concurrent clients, latency percentiles per endpoint.

    manage.py bench_load [--clients 8,32] [--duration 20] [--recompute-clients 8]
                         [--reps 2000] [--orders 1000000] [--workers 2] [--keep]

On the configured database (its own database, please: PostgreSQL for real figures) it migrates,
loads the demo company when the database has no users, starts ``gunicorn --workers 2`` on
127.0.0.1 and a free port with the production settings (DEBUG off, CSP, ``CONN_MAX_AGE``) made
to work over plain loopback HTTP (no SSL redirect, cookies without ``Secure``, static files
straight from the app folders instead of collectstatic's manifest: the bench requests no static
file). Every simulated client signs in once, from its own loopback address (127.0.0.10, .11 …:
the token endpoint's throttle of 30 a minute per address and the sign-in lockout see ordinary
users, nothing is raised for the bench): a token for the API user (``--api-user``, default
manager1) and a browser session for ``--user`` (default rep01). Then, for each ``--clients``
count, every client cycles for ``--duration`` seconds through

- ``scorecards_api``: GET /api/v1/scorecards/?period=<current month> (token),
- ``leads``: GET /leads/ (session), ``home``: GET / (session, the rep's dashboard),
- ``healthz``: GET /healthz from loopback (the trivial JSON view),

and one JSON line per phase gives requests/s, p50/p95/p99 (ms) and errors per endpoint. Then
``--reps`` synthetic reps are generated (``apps.scorecards.bench``, dropped at the end unless
``--keep``) and a background process runs full recomputes of the current month through the job
machinery, back to back, while ``--recompute-clients`` clients run again; the last line compares
each p95 with the idle phase at the same number of clients. ``--reps 0`` skips that phase.
Every loop is bounded in time and in count; gunicorn and the recompute process are stopped
whatever happens.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from apps.performance.periods import MONTH, period_containing

DEMO_PASSWORD = "demo-pass-2026"
ENDPOINTS = ("scorecards_api", "leads", "home", "healthz")
#: Per-request timeout (s): a request slower than this counts as an error.
REQUEST_TIMEOUT = 30.0
#: Upper bound on requests per client and phase, whatever the duration.
MAX_REQUESTS_PER_CLIENT = 100_000
#: Upper bound on back-to-back recomputes in the background process.
MAX_RECOMPUTES = 1_000
SETTINGS_MODULE = "salesperf_bench_load_settings"
SETTINGS_SOURCE = '''"""Written by bench_load: production settings over plain HTTP on loopback."""

from salesperf.settings.production import *  # noqa: F401,F403
from salesperf.settings.production import STORAGES

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
WHITENOISE_USE_FINDERS = True
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
'''
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile of ``values`` (milliseconds, rounded), None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-pct * len(ordered) // 100))))
    return round(ordered[rank - 1] * 1000, 1)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def parse_counts(value: str) -> list[int]:
    try:
        counts = [int(part) for part in value.split(",") if part.strip()]
    except ValueError as error:
        raise CommandError("--clients takes numbers separated by commas, e.g. 8,32.") from error
    if not counts or any(count < 1 or count > 200 for count in counts):
        raise CommandError("--clients takes numbers between 1 and 200.")
    return counts


class Client:
    """One simulated user: its own loopback source address, token and session."""

    def __init__(self, number: int, base_url: str, period: str):
        import httpx

        self.number = number
        self.address = f"127.0.0.{10 + number}"
        self.period = period
        self.http = httpx.AsyncClient(
            base_url=base_url,
            transport=httpx.AsyncHTTPTransport(local_address=self.address),
            timeout=REQUEST_TIMEOUT,
            follow_redirects=False,
        )
        self.token = ""

    async def sign_in(self, api_user: str, user: str, password: str) -> None:
        answer = await self.http.post(
            "/api/v1/auth/token/", json={"username": api_user, "password": password}
        )
        if answer.status_code != 200:
            raise CommandError(f"Token sign-in of {api_user} failed: {answer.status_code}.")
        self.token = answer.json()["token"]
        page = await self.http.get("/login/")
        match = CSRF_RE.search(page.text)
        if page.status_code != 200 or not match:
            raise CommandError(f"The login page answered {page.status_code} without a form.")
        answer = await self.http.post(
            "/login/",
            data={"username": user, "password": password, "csrfmiddlewaretoken": match[1]},
        )
        if answer.status_code != 302 or "sessionid" not in self.http.cookies:
            raise CommandError(f"Browser sign-in of {user} failed: {answer.status_code}.")

    async def request(self, endpoint: str):
        if endpoint == "scorecards_api":
            return await self.http.get(
                "/api/v1/scorecards/",
                params={"period": self.period},
                headers={"Authorization": f"Token {self.token}"},
            )
        path = {"leads": "/leads/", "home": "/", "healthz": "/healthz"}[endpoint]
        return await self.http.get(path)

    async def sign_out(self) -> None:
        if self.token:
            await self.http.delete(
                "/api/v1/auth/token/", headers={"Authorization": f"Token {self.token}"}
            )
        await self.http.aclose()


async def run_clients(clients: list[Client], duration: float) -> dict:
    """Every client cycles through ENDPOINTS (each from another start) until the time is up."""
    timings = {endpoint: [] for endpoint in ENDPOINTS}
    errors = dict.fromkeys(ENDPOINTS, 0)
    samples: dict[str, str] = {}

    async def one(client: Client, deadline: float) -> None:
        for count in range(MAX_REQUESTS_PER_CLIENT):
            if time.perf_counter() >= deadline:
                return
            endpoint = ENDPOINTS[(client.number + count) % len(ENDPOINTS)]
            started = time.perf_counter()
            try:
                answer = await client.request(endpoint)
                ok = answer.status_code == 200
                if not ok:
                    samples.setdefault(endpoint, f"HTTP {answer.status_code}")
            except Exception as exc:  # timeouts, refused connections: all count as errors
                ok = False
                samples.setdefault(endpoint, type(exc).__name__)
            elapsed = time.perf_counter() - started
            if ok:
                timings[endpoint].append(elapsed)
            else:
                errors[endpoint] += 1

    started = time.perf_counter()
    deadline = started + duration
    await asyncio.wait_for(
        asyncio.gather(*(one(client, deadline) for client in clients)),
        timeout=duration + REQUEST_TIMEOUT + 5,
    )
    elapsed = time.perf_counter() - started
    endpoints = {
        endpoint: {
            "requests": len(timings[endpoint]) + errors[endpoint],
            "rps": round(len(timings[endpoint]) / elapsed, 1),
            "p50_ms": percentile(timings[endpoint], 50),
            "p95_ms": percentile(timings[endpoint], 95),
            "p99_ms": percentile(timings[endpoint], 99),
            "errors": errors[endpoint],
        }
        for endpoint in ENDPOINTS
    }
    total = sum(row["requests"] for row in endpoints.values())
    failed = sum(row["errors"] for row in endpoints.values())
    return {
        "clients": len(clients),
        "duration_s": round(elapsed, 2),
        "requests": total,
        "rps": round((total - failed) / elapsed, 1),
        "errors": failed,
        "error_samples": samples,
        "endpoints": endpoints,
    }


def ratio(numerator, denominator):
    return round(numerator / denominator, 2) if numerator and denominator else None


class Command(BaseCommand):
    help = "Load-test gunicorn on loopback: p50/p95/p99 per endpoint, idle and during a recompute."

    def add_arguments(self, parser):
        parser.add_argument("--clients", default="8,32", help="Client counts, e.g. 8,32.")
        parser.add_argument("--duration", type=float, default=20.0, help="Seconds per phase.")
        parser.add_argument("--warmup", type=float, default=2.0, help="Unmeasured seconds first.")
        parser.add_argument("--recompute-clients", type=int, default=8)
        parser.add_argument("--reps", type=int, default=2000, help="0: no recompute phase.")
        parser.add_argument("--orders", type=int, default=1_000_000)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers.")
        parser.add_argument("--user", default="rep01", help="Browser pages as this user.")
        parser.add_argument("--api-user", default="manager1", help="API calls as this user.")
        parser.add_argument("--password", default=DEMO_PASSWORD)
        parser.add_argument("--keep", action="store_true", help="Keep the generated reps.")
        # Internal: the background recompute loop (a process of its own, like a worker).
        parser.add_argument("--recompute-until", type=float, help=argparse_suppress())
        parser.add_argument("--recompute-period", help=argparse_suppress())

    def handle(self, *args, **options):
        logging.getLogger("httpx").setLevel(logging.WARNING)  # no line per request
        if options["recompute_until"]:
            return self.recompute_loop(options["recompute_period"], options["recompute_until"])
        counts = parse_counts(options["clients"])
        if not 0 < options["duration"] <= 600 or not 0 <= options["warmup"] <= 60:
            raise CommandError("--duration must be in (0, 600] s and --warmup in [0, 60] s.")
        if not 1 <= options["recompute_clients"] <= 200 or not 1 <= options["workers"] <= 16:
            raise CommandError("--recompute-clients must be 1-200 and --workers 1-16.")
        if options["reps"] < 0 or options["orders"] < 1:
            raise CommandError("--reps must be at least 0 and --orders at least 1.")
        period = period_containing(MONTH, timezone.localdate()).key
        call_command("migrate", verbosity=0)
        from apps.accounts.models import User

        if not User.objects.exists():
            self.stdout.write("Loading the demo company ...")
            call_command("load_demo", verbosity=0)
        for username in (options["user"], options["api_user"]):
            if not User.objects.filter(username=username, is_active=True).exists():
                raise CommandError(f"No active user {username} in this database.")
        self.jobs: list[int] = []
        generated = False
        with tempfile.TemporaryDirectory(prefix="bench_load_") as workdir:
            server = self.start_gunicorn(Path(workdir), options["workers"])
            try:
                results = asyncio.run(self.idle_phases(server, counts, period, options))
                if options["reps"]:
                    from apps.scorecards import bench

                    bench.drop()
                    self.stdout.write(
                        f"Generating {options['reps']} reps, {options['orders']} orders ..."
                    )
                    generated = True
                    bench.generate(reps=options["reps"], orders=options["orders"])
                    idle = {row["clients"]: row for row in results}
                    asyncio.run(self.recompute_phase(server, period, options, idle))
            finally:
                self.stop(server["process"])
                if generated and not options["keep"]:
                    from apps.scorecards import bench
                    from apps.scorecards.models import RecomputeJob

                    self.stdout.write("Dropping the generated data ...")
                    bench.drop()
                    RecomputeJob.objects.filter(pk__in=self.jobs).delete()

    # --- gunicorn ------------------------------------------------------------------------
    def start_gunicorn(self, workdir: Path, workers: int) -> dict:
        (workdir / f"{SETTINGS_MODULE}.py").write_text(SETTINGS_SOURCE)
        port = free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
            "PYTHONPATH": os.pathsep.join([str(workdir), str(settings.BASE_DIR)]),
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_CONN_MAX_AGE": os.environ.get("DATABASE_CONN_MAX_AGE", "60"),
            "DJANGO_LOG_LEVEL": "ERROR",
        }
        env.pop("WEB_CONCURRENCY", None)  # --workers says it; no shared cache needed here
        log = (workdir / "gunicorn.log").open("w")
        gunicorn = Path(sys.executable).with_name("gunicorn")
        process = subprocess.Popen(
            [str(gunicorn), "salesperf.wsgi:application", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", str(workers), "--timeout", "120", "--graceful-timeout", "5"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return {"process": process, "url": base_url, "log": workdir / "gunicorn.log"}
            except OSError:
                time.sleep(0.2)
        self.stop(process)
        raise CommandError(
            "gunicorn did not start:\n" + (workdir / "gunicorn.log").read_text()[-3000:]
        )

    def stop(self, process) -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)

    # --- phases --------------------------------------------------------------------------
    async def make_clients(self, server, count, period, options) -> list[Client]:
        clients = [Client(number, server["url"], period) for number in range(count)]
        # Sign-ins hash the password (slow on purpose): two at a time, and only once per client.
        for start in range(0, count, 2):
            await asyncio.gather(
                *(
                    client.sign_in(options["api_user"], options["user"], options["password"])
                    for client in clients[start : start + 2]
                )
            )
        return clients

    async def measure(self, clients, options, phase: str) -> dict:
        if options["warmup"]:
            await run_clients(clients, options["warmup"])
        result = {"phase": phase, **await run_clients(clients, options["duration"])}
        endpoints = result["endpoints"]
        result["scorecards_p95_vs_healthz"] = ratio(
            endpoints["scorecards_api"]["p95_ms"], endpoints["healthz"]["p95_ms"]
        )
        # Goal: the scorecard API's p95 at most 10x the trivial view's, and no error.
        result["goal_p95_10x_healthz_met"] = (
            result["errors"] == 0
            and result["scorecards_p95_vs_healthz"] is not None
            and result["scorecards_p95_vs_healthz"] <= 10
        )
        return result

    async def idle_phases(self, server, counts, period, options) -> list[dict]:
        self.stdout.write(f"Signing in {max(counts)} clients ...")
        clients = await self.make_clients(server, max(counts), period, options)
        results = []
        try:
            for count in counts:
                result = await self.measure(clients[:count], options, "idle")
                result["database"] = connection.vendor
                result["workers"] = options["workers"]
                self.stdout.write(json.dumps(result))
                results.append(result)
        finally:
            for client in clients:
                await client.sign_out()
        return results

    async def recompute_phase(self, server, period, options, idle) -> None:
        count = options["recompute_clients"]
        clients = await self.make_clients(server, count, period, options)
        total = options["warmup"] + options["duration"]
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "bench_load", "--recompute-period", period]
            + ["--recompute-until", str(time.time() + total)],
            cwd=settings.BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            # The worker writes "started" once Django is up and its first job is claimed.
            first = await asyncio.wait_for(asyncio.to_thread(worker.stdout.readline), 120)
            if not first.startswith("started"):
                raise CommandError(f"The recompute process did not start: {first}")
            result = await self.measure(clients, options, "recompute")
            out, err = await asyncio.to_thread(worker.communicate, timeout=600)
        except BaseException:
            self.stop(worker)
            raise
        finally:
            for client in clients:
                await client.sign_out()
        if worker.returncode:
            raise CommandError(f"The recompute process failed:\n{err[-3000:]}")
        loop = json.loads(out.strip().splitlines()[-1])
        self.jobs = loop.pop("job_ids")
        result.update(
            {
                "database": connection.vendor,
                "workers": options["workers"],
                "reps": options["reps"],
                "orders": options["orders"],
                **loop,
            }
        )
        baseline = idle.get(count)
        if baseline:
            result["p95_vs_idle"] = {
                endpoint: ratio(
                    result["endpoints"][endpoint]["p95_ms"],
                    baseline["endpoints"][endpoint]["p95_ms"],
                )
                for endpoint in ENDPOINTS
            }
            # Goal: every endpoint's p95 during the recompute at most 2x idle, and no error.
            result["goal_p95_2x_idle_met"] = result["errors"] == 0 and all(
                value is not None and value <= 2 for value in result["p95_vs_idle"].values()
            )
        self.stdout.write(json.dumps(result))

    # --- the background recompute process --------------------------------------------------
    def recompute_loop(self, period: str, until: float) -> None:
        from apps.scorecards import services
        from apps.scorecards.models import RecomputeJob

        timings, job_ids = [], []
        for attempt in range(MAX_RECOMPUTES):
            if attempt and time.time() >= until:
                break
            job = RecomputeJob.objects.create(period_key=period, error="")
            job_ids.append(job.pk)
            started = time.perf_counter()
            chunks = services.recompute_job_start(job_id=job.pk)
            if not attempt:
                self.stdout.write("started")
                self.stdout.flush()
            for number in chunks:
                services.recompute_job_run_chunk(job_id=job.pk, number=number)
            timings.append(time.perf_counter() - started)
            RecomputeJob.objects.filter(pk=job.pk).update(error="bench_load")
        self.stdout.write(
            json.dumps(
                {
                    "recomputes": len(timings),
                    "recompute_s_mean": round(sum(timings) / len(timings), 3),
                    "recompute_s_max": round(max(timings), 3),
                    "job_ids": job_ids,
                }
            )
        )


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS
