"""Create the periodic task of the pay app in django-celery-beat's database scheduler:
``pay.watchdog`` every 5 minutes (queues again the chunks of a pay run whose worker died and
fails a run whose chunk used up its attempts).

Idempotent (update_or_create by name); reversing removes it.
"""

from django.db import migrations

WATCHDOG_TASK = "pay: watchdog"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    interval, _created = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=WATCHDOG_TASK,
        defaults={"task": "pay.watchdog", "interval": interval, "crontab": None},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=WATCHDOG_TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pay", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
