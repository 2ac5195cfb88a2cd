"""Authorization registry for this app, read by tests/core/test_authorization.py.

Reminders are personal: rep_b's reminder is a 404 for rep_a and manager_a and a 403 for HR and
admin (they may not act on someone else's inbox). Rules, runs and calendar exceptions belong to
nobody: only HR and admin reach their pages (403 for the others).
"""

from apps.reminders.models import CalendarException, Reminder, ReminderRule
from tests.factories import CalendarExceptionFactory, ReminderFactory, ReminderRuleFactory

OUT_OF_SCOPE: dict = {
    Reminder: lambda cast: ReminderFactory(recipient=cast.rep_b),
    ReminderRule: lambda cast: ReminderRuleFactory(code="first_visit"),
    CalendarException: lambda cast: CalendarExceptionFactory(),
}
ROUTE_MODELS: dict = {
    "reminders:rule-edit": ReminderRule,
}
