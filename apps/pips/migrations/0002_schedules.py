"""The beat schedules of improvement plans: the daily escalation of missed coaching sessions
and the reminders' entries of the two PIP rules (idempotent: refreshes every rule's entry)."""

import json

from django.conf import settings
from django.db import migrations

ESCALATION = "pips: escalate missed coaching sessions"


def create_schedules(apps, schema_editor):
    from apps.reminders.services import schedules_ensure

    periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    schedules_ensure(periodic_task_model=periodic_task, crontab_model=crontab_model)
    crontab, _created = crontab_model.objects.get_or_create(
        minute="30",
        hour="8",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=settings.TIME_ZONE,
    )
    periodic_task.objects.update_or_create(
        name=ESCALATION,
        defaults={
            "task": "pips.escalate_missed_sessions",
            "args": json.dumps([]),
            "crontab": crontab,
        },
    )


def remove_schedules(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[
            ESCALATION,
            "reminders: pip_session_due",
            "reminders: pip_session_missed",
        ]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pips", "0001_initial"),
        ("reminders", "0004_review_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
