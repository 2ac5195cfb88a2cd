"""The beat schedules of the review deadline rules (apps/reminders/rules/reviews.py) on
databases migrated before they existed; idempotent (refreshes every rule's entry)."""

from django.db import migrations


def create_schedules(apps, schema_editor):
    from apps.reminders.services import schedules_ensure

    schedules_ensure(
        periodic_task_model=apps.get_model("django_celery_beat", "PeriodicTask"),
        crontab_model=apps.get_model("django_celery_beat", "CrontabSchedule"),
    )


def remove_schedules(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[
            "reminders: review_self_due",
            "reminders: review_manager_due",
            "reminders: review_surveys_due",
            "reminders: review_finalise_due",
        ]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0003_version"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("reviews", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
