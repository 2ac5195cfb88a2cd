"""The beat schedule of the half-yearly weights reminder (apps/dashboards/reminder_rules.py) on
databases migrated before it existed; idempotent (refreshes every rule's entry)."""

from django.db import migrations


def create_schedules(apps, schema_editor):
    from apps.reminders.services import schedules_ensure

    schedules_ensure(
        periodic_task_model=apps.get_model("django_celery_beat", "PeriodicTask"),
        crontab_model=apps.get_model("django_celery_beat", "CrontabSchedule"),
    )


def remove_schedules(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=["reminders: weights_revisit"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0005_satisfaction_decline_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
