"""Recompute the scorecards of one period, in chunks, with a plain-text progress bar.

    manage.py recompute_scorecards --period 2026-10
    manage.py recompute_scorecards --period 2026-10 --kind quarter   # the quarter of 2026-10
    manage.py recompute_scorecards --period 2026 --kind month        # every month of 2026

Runs in this process through the same job machinery as the workers (a RecomputeJob row records
it), so it works without a broker.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.performance.periods import KINDS, MONTH
from apps.scorecards import services
from apps.scorecards.models import RecomputeJob

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Recompute every scorecard of a period (month, quarter or year)."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="2026-10, 2026-Q4 or 2026")
        parser.add_argument(
            "--kind",
            choices=KINDS,
            help="Recompute the period(s) of this kind that the given period contains or lies in.",
        )

    def handle(self, *args, **options):
        try:
            period = services.parse_period_key(options["period"])
        except ValidationError as error:
            raise CommandError(" ".join(error.message_dict["period"])) from error
        kind = options["kind"] or period.kind
        if kind == period.kind:
            targets = [period]
        elif kind == MONTH:
            targets = period.months()
        elif period.kind == MONTH or (period.kind == "quarter" and kind == "year"):
            targets = [period.containing(kind)]
        else:
            targets = period.quarters()
        for target in targets:
            self.recompute(target.key)

    def recompute(self, key: str) -> None:
        job = RecomputeJob.objects.create(period_key=key)
        numbers = services.recompute_job_start(job_id=job.pk)
        total = len(numbers)
        self.bar(key, 0, total)
        for done, number in enumerate(numbers, start=1):
            services.recompute_job_run_chunk(job_id=job.pk, number=number)
            self.bar(key, done, total)
        job.refresh_from_db()
        self.stdout.write(f"{key}: {job.status}")

    def bar(self, key: str, done: int, total: int) -> None:
        filled = BAR_WIDTH if not total else BAR_WIDTH * done // total
        percent = 100 if not total else 100 * done // total
        self.stdout.write(f"{key} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {percent:3d}%")
