"""Benchmark a pay run on synthetic people.

    manage.py bench_pay --reps 10000 [--period 2026-10] [--repeat 2] [--chunk-size N] [--keep]
                        [--workers 1,2 [--workers-chunk-size N]]

Generates N reps with profiles, a monthly scorecard each, finalised quarterly reviews and
quarter scorecards with satisfaction on the configured database (its own database, please: the
rows are tagged and dropped afterwards unless ``--keep``), then times a full pay run through
the job functions (start + every chunk, as the Celery tasks call them) against the bare SQL
SELECT that reads the same inputs, and the XLSX of the run's statements written with the
exports app's writer against PostgreSQL ``COPY (SELECT …) TO STDOUT``. Prints as its LAST line
one JSON object: ``reps, period, database, run_s, bare_sql_s, ratio, queries, chunks,
statements, xlsx_s, copy_s, xlsx_ratio, xlsx_rows, generate_s, peak_rss_mb``. Each timing is
the best of ``--repeat`` runs. The chunk size defaults to everyone paid (one chunk: the same
number of queries at 1,000 and 10,000 people).

``--workers 1,2`` then times whole pay runs computed by that many worker processes (the calls a
Celery worker makes; see :mod:`apps.core.bench_workers`) in chunks of ``--workers-chunk-size``
(default: the ``PAY_CHUNK_SIZE`` setting, as the deployment runs them), and adds ``workers``
(seconds per pool size), ``workers_ratio`` (each against the bare SQL), ``speedup`` and the
pool's figures to the JSON.
"""

import json
import resource
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from django.utils.module_loading import import_string

from apps.core import bench_workers
from apps.pay import bench, services
from apps.pay.models import PayRun
from apps.performance.periods import MONTH, parse_period, period_containing
from apps.scorecards.selectors import scorecard_reps


def exports_writer():
    """The exports app's XLSX writer (the one HR's downloads use), its ``Column`` class and
    kinds. Loaded by name: the exports layer sits above pay (it exports pay), and the pay app
    itself never depends on it; only this benchmark measures it."""
    return (
        import_string("apps.exports.writers.write_xlsx"),
        {
            "column": import_string("apps.exports.datasets.Column"),
            "text": import_string("apps.exports.datasets.TEXT"),
            "money": import_string("apps.exports.datasets.MONEY"),
            "rate": import_string("apps.exports.datasets.RATE"),
        },
    )


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


class Command(BaseCommand):
    help = "Benchmark a pay run against bare SQL on synthetic people."

    def add_arguments(self, parser):
        parser.add_argument("--reps", type=int, default=1000)
        parser.add_argument("--period", help="Month to pay (default: the previous month).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--chunk-size", type=int, help="People per chunk (default: everyone, one chunk)."
        )
        parser.add_argument(
            "--repeat",
            type=int,
            default=2,
            help="Time each contender this many times and keep the best (shared machines).",
        )
        parser.add_argument("--keep", action="store_true", help="Keep the generated data.")
        parser.add_argument(
            "--workers",
            help="Also time pay runs computed by this many worker processes (e.g. 1,2).",
        )
        parser.add_argument(
            "--workers-chunk-size",
            type=int,
            help="People per chunk for --workers (default: the PAY_CHUNK_SIZE setting).",
        )

    def handle(self, *args, **options):
        if options["reps"] < 1:
            raise CommandError("--reps must be at least 1.")
        key = options["period"] or period_containing(MONTH, timezone.localdate()).previous().key
        try:
            period = parse_period(key)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if period.kind != MONTH:
            raise CommandError("--period must be a month (YYYY-MM).")
        counts = self.worker_counts(options)
        call_command("migrate", verbosity=0)
        bench.drop()
        if PayRun.objects.filter(period_key=period.key).exists():
            raise CommandError(
                f"A pay run of {period.key} exists in this database: use another --period."
            )
        self.stdout.write(f"Generating {options['reps']} reps ...")
        started = time.perf_counter()
        bench.generate(reps=options["reps"], period=period, seed=options["seed"])
        generate_s = round(time.perf_counter() - started, 3)
        self.stdout.write(f"  generated in {generate_s} s")
        try:
            size = options["chunk_size"] or max(1, scorecard_reps().count())
            with override_settings(PAY_CHUNK_SIZE=size):
                result = self.measure(period, repeat=max(1, options["repeat"]))
            if counts:
                result = self.measure_workers(period, counts, options, result)
        finally:
            if not options["keep"]:
                self.stdout.write("Dropping the generated data ...")
                bench.drop()
        result = {
            "reps": options["reps"],
            "period": period.key,
            "database": connection.vendor,
            **result,
            "generate_s": generate_s,
            "peak_rss_mb": peak_rss_mb(),
        }
        self.stdout.write(json.dumps(result))

    def worker_counts(self, options) -> list[int]:
        if not options["workers"]:
            if options["workers_chunk_size"] is not None:
                raise CommandError("--workers-chunk-size needs --workers.")
            return []
        try:
            return bench_workers.pool_counts(
                options["workers"],
                chunk_size=options["workers_chunk_size"],
                chunk_option="--workers-chunk-size",
                settings_dict=connection.settings_dict,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error

    def measure_workers(self, period, counts, options, result) -> dict:
        size = options["workers_chunk_size"] or settings.PAY_CHUNK_SIZE
        self.stdout.write(
            f"Computing the pay of {period.key} with {', '.join(map(str, counts))} worker "
            f"process(es) in chunks of {size} ..."
        )
        try:
            measured = bench.measure_workers(
                period=period,
                counts=counts,
                chunk_size=size,
                repeat=max(1, options["repeat"]),
                write=self.stdout.write,
            )
        except bench_workers.WorkerError as error:
            raise CommandError(str(error)) from error
        bare = result["bare_sql_s"]
        ratios = {
            key: round(seconds / bare, 2) if bare else None
            for key, seconds in measured["workers"].items()
        }
        measured["workers_chunks"] = measured.pop("chunks")
        measured["workers_chunk_size"] = measured.pop("chunk_size")
        return {**result, **measured, "workers_ratio": ratios}

    def _run(self, period, hr) -> tuple[PayRun, float, int]:
        """Open a run and compute it through the job functions; (run, seconds, queries)."""
        run = bench.open_run(period, hr)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            for round_, number in services.pay_run_start(run_id=run.pk):
                services.pay_run_compute_chunk(run_id=run.pk, round=round_, number=number)
            seconds = time.perf_counter() - started
        run.refresh_from_db()
        return run, seconds, len(captured)

    def measure(self, period, *, repeat: int) -> dict:
        hr = bench.bench_hr()
        write_xlsx, kinds = exports_writer()
        bench.run_bare_sql(period)  # warm the caches for both contenders
        run_s, bare_sql_s, xlsx_s, copy_s = [], [], [], []
        run = None
        for attempt in range(1, repeat + 1):
            self.stdout.write(f"Computing the pay of {period.key} ({attempt}/{repeat}) ...")
            if run is not None:
                run.delete()
            run, seconds, queries = self._run(period, hr)
            run_s.append(seconds)

            started = time.perf_counter()
            bench.run_bare_sql(period)
            bare_sql_s.append(time.perf_counter() - started)

            started = time.perf_counter()
            file = write_xlsx(
                bench.statements_for_xlsx(run.pk), bench.xlsx_columns(**kinds), title=period.key
            )
            xlsx_s.append(time.perf_counter() - started)
            file.close()
            if connection.vendor == "postgresql":
                started = time.perf_counter()
                bench.copy_rows(run.pk)
                copy_s.append(time.perf_counter() - started)
        statements = run.statements.count()
        best = {
            "run_s": min(run_s),
            "bare_sql_s": min(bare_sql_s),
            "xlsx_s": min(xlsx_s),
            "copy_s": min(copy_s) if copy_s else None,
        }
        run.delete()
        return {
            "status": run.status,
            "run_s": round(best["run_s"], 3),
            "bare_sql_s": round(best["bare_sql_s"], 3),
            "ratio": round(best["run_s"] / best["bare_sql_s"], 2) if best["bare_sql_s"] else None,
            "queries": queries,
            "chunks": run.total_chunks,
            "statements": statements,
            "xlsx_s": round(best["xlsx_s"], 3),
            "copy_s": round(best["copy_s"], 3) if best["copy_s"] is not None else None,
            "xlsx_ratio": (round(best["xlsx_s"] / best["copy_s"], 2) if best["copy_s"] else None),
            "xlsx_rows": statements,
        }
