"""The demo company's inboxes have content after the reminder builder ran."""

import random

import pytest
from django.core import mail

from apps.accounts import demo as accounts_demo
from apps.activities import demo as activities_demo
from apps.customers import demo as customers_demo
from apps.leads import demo as leads_demo
from apps.reminders import demo as reminders_demo
from apps.reminders.models import Reminder, RuleRun
from apps.sales import demo as sales_demo

pytestmark = pytest.mark.django_db


def test_demo_runs_every_rule_once_and_fills_inboxes_without_sending_email():
    rng = random.Random(7)
    context: dict = {}
    for builder in (accounts_demo, customers_demo, leads_demo, activities_demo, sales_demo):
        builder.build(rng, context)
    assert reminders_demo.build(rng, context) == []
    assert RuleRun.objects.filter(error="").count() == len(context["reminder_runs"]) >= 7
    assert Reminder.objects.exists()
    assert mail.outbox == []
