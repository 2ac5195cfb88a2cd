import datetime

from django.core.management.base import BaseCommand, CommandError

from apps.reminders import services
from apps.reminders.rules import registry


class Command(BaseCommand):
    help = "Run reminder rules now (all, or --rule CODE), e.g. to back-fill a day with --date."

    def add_arguments(self, parser):
        parser.add_argument("--rule", choices=sorted(registry), help="One rule's code.")
        parser.add_argument("--date", help="Run as of this ISO date (default: today).")
        parser.add_argument("--schedules", action="store_true", help="Also refresh beat entries.")

    def handle(self, *args, rule=None, date=None, schedules=False, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from exc
        if schedules:
            self.stdout.write(f"{services.schedules_ensure()} beat entries ensured.")
        runs = (
            [services.rule_run(code=rule, today=today)]
            if rule
            else services.rules_run_all(today=today)
        )
        for run in runs:
            state = run.error or ("skipped" if run.skipped else "ok")
            self.stdout.write(
                f"{run.rule.code}: {run.created} created, {run.closed} closed, "
                f"{run.emailed} e-mailed ({state})"
            )
