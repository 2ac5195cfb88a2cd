import random

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation
from django.utils.module_loading import import_string

from apps.accounts.models import User
from apps.core.demo import DEFAULT_LANGUAGE, LANGUAGES

LANGUAGE_NAMES = {"zh-hans": "Chinese", "en": "English"}


class Command(BaseCommand):
    help = (
        "Build the demo company (teams, people and, per app, two years of their data) from a "
        "seeded generator, in Chinese (default) or English."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument(
            "--language",
            choices=LANGUAGES,
            default=DEFAULT_LANGUAGE,
            help=(
                "language of the company, people, product and activity names "
                f"(default {DEFAULT_LANGUAGE}); the same seed gives the same numbers in both"
            ),
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the database already has users",
        )

    def handle(self, *args, seed, if_empty, language=DEFAULT_LANGUAGE, **options):
        if User.objects.exists():
            if if_empty:
                self.stdout.write("Database already has users; demo company not loaded.")
                return
            self.stderr.write("Database already has users: use a fresh database for the demo.")
            raise SystemExit(1)
        rng = random.Random(seed)
        context: dict = {"language": language}
        logins: list[str] = []
        # Texts the services store (e.g. the default weight schemes' notes) in that language too.
        with transaction.atomic(), translation.override(language):
            for path in settings.SALESPERF_DEMO_BUILDERS:
                logins.extend(import_string(path)(rng, context) or [])
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo company loaded in {LANGUAGE_NAMES[language]} ({language}, seed {seed}). "
                "Logins:"
            )
        )
        for line in logins:
            self.stdout.write(f"  {line}")
