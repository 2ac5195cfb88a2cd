import random

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

from apps.accounts.models import User


class Command(BaseCommand):
    help = (
        "Build the demo company (teams, people and, per app, their data) from a seeded generator."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the database already has users",
        )

    def handle(self, *args, seed, if_empty, **options):
        if User.objects.exists():
            if if_empty:
                self.stdout.write("Database already has users; demo company not loaded.")
                return
            self.stderr.write("Database already has users: use a fresh database for the demo.")
            raise SystemExit(1)
        rng = random.Random(seed)
        context: dict = {}
        logins: list[str] = []
        with transaction.atomic():
            for path in settings.SALESPERF_DEMO_BUILDERS:
                logins.extend(import_string(path)(rng, context) or [])
        self.stdout.write(self.style.SUCCESS("Demo company loaded. Logins:"))
        for line in logins:
            self.stdout.write(f"  {line}")
