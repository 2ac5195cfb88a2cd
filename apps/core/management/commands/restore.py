from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from apps.core import backups


class Command(BaseCommand):
    help = (
        "Restore the configured PostgreSQL database from a `manage.py backup` FILE with "
        "pg_restore --clean --if-exists, in one transaction. Replaces everything in it: stop "
        "web, worker and beat first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--input", dest="source", required=True, type=Path, help="dump file to read"
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="database alias")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )

    def handle(self, *args, source, database, interactive, **options):
        settings_dict = connections[database].settings_dict
        backups.require_postgresql(settings_dict)
        backups.check_dump_file(source)
        if interactive:
            answer = input(
                f"Replace everything in database {settings_dict['NAME']!r} by {source}? "
                "Type 'yes' to continue: "
            )
            if answer != "yes":
                raise CommandError("Restore cancelled.")
        connections[database].close()
        backups.restore(settings_dict, source)
        self.stdout.write(self.style.SUCCESS(f"Restored {settings_dict['NAME']} from {source}."))
