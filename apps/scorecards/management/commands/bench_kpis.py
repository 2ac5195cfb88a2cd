"""Benchmark the KPI engine on a synthetic organisation.

    manage.py bench_kpis --reps 2000 --orders 1000000 [--managers 100] [--period 2026-10] [--keep]

Generates the organisation on the configured database (its own database, please: the data is
tagged and dropped afterwards unless ``--keep``), runs a full monthly recompute through the job
machinery, times the bare SQL GROUP BY queries that compute the same raw sums and counts, times
the refresh of one rep-period, and prints as its LAST line one JSON object:
``reps, managers, orders, period, database, job_status, scorecards, chunks, recompute_s,
bare_sql_s, ratio, queries, single_refresh_s, single_refresh_queries, single_refresh_pct,
generate_s, peak_rss_mb``. Each timing is the best of ``--repeat`` runs (default 2).
``--managers N`` adds N active managers who own nothing: they get scorecards too.

``--workers 1,2,4`` then (or, with ``--only-workers``, instead) times a whole recompute job
whose chunks (``--chunk-size``, default: everyone getting a scorecard / max(4, N) rounded up)
are run by 1, 2 and 4 separate worker processes sharing one queue, each with its own database
connection (see :mod:`apps.scorecards.bench_workers`), and adds ``workers`` (seconds per
count), ``speedup`` (against the smallest count), ``chunks``, ``chunk_size`` and the details
``workers_*`` to the JSON (``recompute_chunks`` keeps the single-process job's chunk count).
Not on an in-memory SQLite database, which other processes cannot open.
"""

import json
import resource
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core import bench_workers as pool
from apps.performance.periods import MONTH, parse_period, period_containing
from apps.scorecards import bench, bench_workers, selectors, services
from apps.scorecards.models import RecomputeJob, Scorecard
from apps.scorecards.selectors import local_midnight


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


class Command(BaseCommand):
    help = "Benchmark the scorecard recompute against bare SQL on synthetic data."

    def add_arguments(self, parser):
        parser.add_argument("--reps", type=int, default=200)
        parser.add_argument("--orders", type=int, default=100_000)
        parser.add_argument(
            "--managers",
            type=int,
            default=0,
            help="Also create this many active managers owning nothing (they get scorecards).",
        )
        parser.add_argument("--period", help="Month to recompute (default: the previous month).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--keep", action="store_true", help="Keep the generated data.")
        parser.add_argument(
            "--repeat",
            type=int,
            default=2,
            help="Time each contender this many times and keep the best (shared machines).",
        )
        parser.add_argument(
            "--reuse", action="store_true", help="Measure data kept by an earlier --keep run."
        )
        parser.add_argument(
            "--workers",
            help="Also time the job run by this many worker processes each (e.g. 1,2,4).",
        )
        parser.add_argument(
            "--chunk-size",
            type=int,
            help="Scorecards per chunk for --workers (default: everyone / max(4, N), rounded up).",
        )
        parser.add_argument(
            "--only-workers",
            action="store_true",
            help="Skip the single-process measurement: only the --workers timings.",
        )

    def handle(self, *args, **options):
        if options["reps"] < 1 or options["orders"] < 1:
            raise CommandError("--reps and --orders must be at least 1.")
        if options["managers"] < 0:
            raise CommandError("--managers must be at least 0.")
        key = options["period"] or period_containing(MONTH, timezone.localdate()).previous().key
        try:
            period = parse_period(key)
        except ValueError as error:
            raise CommandError(str(error)) from error
        counts = self.worker_counts(options)
        call_command("migrate", verbosity=0)
        if options["reuse"] and bench.bench_rep_ids():
            generated = {"generate_s": None}
        else:
            bench.drop()
            self.stdout.write(f"Generating {options['reps']} reps, {options['orders']} orders ...")
            generated = bench.generate(
                reps=options["reps"],
                orders=options["orders"],
                seed=options["seed"],
                managers=options["managers"],
            )
            self.stdout.write(f"  generated in {generated['generate_s']} s")
        repeat = max(1, options["repeat"])
        try:
            result = {} if options["only_workers"] else self.measure(period, repeat=repeat)
            if counts:
                result = self.measure_workers(period, counts, options, repeat, result)
        finally:
            if not options["keep"]:
                self.stdout.write("Dropping the generated data ...")
                bench.drop()
        result = {
            "reps": options["reps"],
            "managers": options["managers"],
            "orders": options["orders"],
            "period": period.key,
            "database": connection.vendor,
            **result,
            "generate_s": generated["generate_s"],
            "peak_rss_mb": peak_rss_mb(),
        }
        self.stdout.write(json.dumps(result))

    def worker_counts(self, options) -> list[int]:
        if not options["workers"]:
            if options["only_workers"] or options["chunk_size"] is not None:
                raise CommandError("--only-workers and --chunk-size need --workers.")
            return []
        try:
            return pool.pool_counts(
                options["workers"],
                chunk_size=options["chunk_size"],
                chunk_option="--chunk-size",
                settings_dict=connection.settings_dict,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error

    def measure_workers(self, period, counts, options, repeat, result) -> dict:
        people = selectors.scorecard_reps().count()
        size = options["chunk_size"] or pool.default_chunk_size(people, counts)
        self.stdout.write(
            f"Recomputing {period.key} with {', '.join(map(str, counts))} worker process(es), "
            f"{people} scorecards in chunks of {size} ..."
        )
        try:
            measured = bench_workers.measure_workers(
                period_key=period.key,
                counts=counts,
                chunk_size=size,
                repeat=repeat,
                write=self.stdout.write,
            )
        except pool.WorkerError as error:
            raise CommandError(str(error)) from error
        if "chunks" in result:
            result["recompute_chunks"] = result.pop("chunks")
        result.setdefault("scorecards", Scorecard.objects.filter(period_key=period.key).count())
        return {**result, **measured}

    def measure(self, period, *, repeat: int) -> dict:
        last_year = period.same_period_last_year()
        params = {
            "start": period.start,
            "end": period.end,
            "ly_start": last_year.start,
            "ly_end": last_year.end,
            "start_at": local_midnight(period.start),
            "end_at": local_midnight(period.end),
        }
        bench.run_bare_sql(params)  # warm the caches for both contenders

        recompute_s, bare_sql_s, single_refresh_s = [], [], []
        one_rep = bench.bench_rep_ids()[len(bench.bench_rep_ids()) // 2]
        for attempt in range(1, repeat + 1):
            self.stdout.write(f"Recomputing {period.key} ({attempt}/{repeat}) ...")
            job = RecomputeJob.objects.create(period_key=period.key, error="")
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                for number in services.recompute_job_start(job_id=job.pk):
                    services.recompute_job_run_chunk(job_id=job.pk, number=number)
                recompute_s.append(time.perf_counter() - started)
            job.refresh_from_db()
            RecomputeJob.objects.filter(pk=job.pk).update(error="bench")

            started = time.perf_counter()
            bench.run_bare_sql(params)
            bare_sql_s.append(time.perf_counter() - started)

            with CaptureQueriesContext(connection) as single:
                started = time.perf_counter()
                services.scorecards_recompute(period_key=period.key, rep_ids=[one_rep])
                single_refresh_s.append(time.perf_counter() - started)
        recompute_s, bare_sql_s, single_refresh_s = (
            min(recompute_s),
            min(bare_sql_s),
            min(single_refresh_s),
        )
        return {
            "job_status": job.status,
            "scorecards": Scorecard.objects.filter(period_key=period.key).count(),
            "chunks": job.total_chunks,
            "recompute_s": round(recompute_s, 3),
            "bare_sql_s": round(bare_sql_s, 3),
            "ratio": round(recompute_s / bare_sql_s, 2) if bare_sql_s else None,
            "queries": len(captured),
            "single_refresh_s": round(single_refresh_s, 4),
            "single_refresh_queries": len(single),
            "single_refresh_pct": round(100 * single_refresh_s / recompute_s, 2),
        }
