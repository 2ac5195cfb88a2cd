from django.core.management.base import BaseCommand

from apps.performance.services import ensure_default_schemes


class Command(BaseCommand):
    help = (
        "Create the v1 'market expansion' weight scheme of every cycle that has none "
        "(effective 2020-01-01). Safe to run again."
    )

    def handle(self, *args, **options):
        created = ensure_default_schemes()
        for scheme in created:
            self.stdout.write(f"Created {scheme.cycle} v{scheme.version}: {scheme.name}")
        if not created:
            self.stdout.write("Every cycle already has a weight scheme.")
