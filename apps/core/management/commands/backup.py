from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections

from apps.core import backups


class Command(BaseCommand):
    help = (
        "Back up the configured PostgreSQL database to FILE with pg_dump (custom format). "
        "Restore it with `manage.py restore --input FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path, help="dump file to write")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="database alias")

    def handle(self, *args, output, database, **options):
        backups.dump(connections[database].settings_dict, output)
        self.stdout.write(self.style.SUCCESS(f"Backed up to {output}."))
