"""The monthly beat schedule of training recommendations: the generation runs on the 1st of
every month at 06:00 (idempotent: refreshes the entry)."""

import json

from django.conf import settings
from django.db import migrations

NAME = "training: generate proposals"


def create_schedule(apps, schema_editor):
    periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    crontab, _created = crontab_model.objects.get_or_create(
        minute="0",
        hour="6",
        day_of_week="*",
        day_of_month="1",
        month_of_year="*",
        timezone=settings.TIME_ZONE,
    )
    periodic_task.objects.update_or_create(
        name=NAME,
        defaults={
            "task": "training.generate_proposals",
            "args": json.dumps([]),
            "crontab": crontab,
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
