"""Factories of this app's models (exported through tests/factories/__init__.py)."""

import datetime

import factory
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from apps.reminders.choices import ExceptionKind, ReminderStatus
from apps.reminders.models import (
    CalendarException,
    NotificationPreference,
    Reminder,
    ReminderRule,
    RuleRun,
)
from apps.reminders.rules import registry
from tests.factories.accounts import RepFactory
from tests.factories.customers import CustomerFactory

__all__ = [
    "CalendarExceptionFactory",
    "NotificationPreferenceFactory",
    "ReminderFactory",
    "ReminderRuleFactory",
    "RuleRunFactory",
]


class ReminderRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReminderRule
        django_get_or_create = ["code"]

    code = "health_report"
    enabled = True
    params = factory.LazyAttribute(lambda o: dict(registry[o.code].defaults))


class ReminderFactory(factory.django.DjangoModelFactory):
    """An open health-report reminder about a customer of the recipient (pass ``record=``)."""

    class Meta:
        model = Reminder
        exclude = ["record"]

    rule = factory.SubFactory(ReminderRuleFactory)
    recipient = factory.SubFactory(RepFactory)
    record = factory.SubFactory(CustomerFactory, owner=factory.SelfAttribute("..recipient"))
    content_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.record))
    object_id = factory.LazyAttribute(lambda o: o.record.pk)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=3))
    level = 0
    details = factory.LazyAttribute(
        lambda o: {"customer": str(o.record), "year": 2026, "quarter": 4}
    )
    link = factory.LazyAttribute(lambda o: f"/customers/{o.record.pk}/")
    status = ReminderStatus.OPEN


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreference

    user = factory.SubFactory(RepFactory)
    rule = factory.SubFactory(ReminderRuleFactory)
    inbox = True
    email = True


class CalendarExceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarException

    date = factory.Sequence(lambda n: datetime.date(2030, 1, 1) + datetime.timedelta(days=n))
    kind = ExceptionKind.HOLIDAY
    name = "Company day"


class RuleRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RuleRun

    rule = factory.SubFactory(ReminderRuleFactory)
    run_for = factory.LazyFunction(timezone.localdate)
    finished_at = factory.LazyFunction(timezone.now)
