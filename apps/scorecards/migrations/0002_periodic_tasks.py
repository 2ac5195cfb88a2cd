"""Create the periodic tasks of the scorecards app in django-celery-beat's database scheduler.

- ``scorecards.refresh_current_month`` nightly at 01:30 (site time zone);
- ``scorecards.close_month`` on the 1st of every month at 02:00;
- ``scorecards.refresh_stale`` every 5 minutes.

Idempotent (update_or_create by name); reversing removes them.
"""

from django.conf import settings
from django.db import migrations

TASKS = {
    "scorecards: refresh current month": (
        "scorecards.refresh_current_month",
        {"minute": "30", "hour": "1", "day_of_month": "*"},
    ),
    "scorecards: close previous month": (
        "scorecards.close_month",
        {"minute": "0", "hour": "2", "day_of_month": "1"},
    ),
}
STALE_TASK = "scorecards: refresh stale"


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (task, fields) in TASKS.items():
        crontab, _created = CrontabSchedule.objects.get_or_create(
            day_of_week="*", month_of_year="*", timezone=settings.TIME_ZONE, **fields
        )
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "crontab": crontab, "interval": None}
        )
    interval, _created = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=STALE_TASK,
        defaults={"task": "scorecards.refresh_stale", "interval": interval, "crontab": None},
    )


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[*TASKS, STALE_TASK]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("scorecards", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
