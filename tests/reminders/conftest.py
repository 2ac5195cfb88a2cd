import datetime
from zoneinfo import ZoneInfo

import pytest

from apps.reminders import services
from apps.reminders.models import Reminder

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _china(settings):
    settings.SALESPERF_HOLIDAY_COUNTRY = "CN"
    settings.SALESPERF_SITE_URL = "https://salesperf.example"


@pytest.fixture
def run():
    """``run(code, day)`` runs one rule for ``day`` and returns its RuleRun."""

    def go(code: str, day: datetime.date):
        return services.rule_run(code=code, today=day)

    return go


def reminders_of(code: str, **filters):
    return Reminder.objects.filter(rule__code=code, **filters).order_by("level", "recipient_id")
