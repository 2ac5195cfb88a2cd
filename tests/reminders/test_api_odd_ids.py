"""Reminder ids that are not numbers (issue #9): a 404 for everyone, never a 500."""

import pytest

from apps.reminders.models import Reminder
from tests.factories import ReminderFactory

pytestmark = pytest.mark.django_db

REMINDERS = "/api/v1/reminders/"


@pytest.mark.parametrize("role", ["admin", "hr", "manager_a", "rep_a"])
@pytest.mark.parametrize("pk", ["null", "abc", "1.5", "٣", "²"])
def test_a_non_numeric_id_is_not_found(cast, api_as, role, pk):
    ReminderFactory(recipient=cast.rep_b)
    client = api_as(getattr(cast, role))
    assert client.get(f"{REMINDERS}{pk}/").status_code == 404
    for action in ("read", "done"):
        assert client.post(f"{REMINDERS}{pk}/{action}/").status_code == 404
    assert not Reminder.objects.filter(read_at__isnull=False).exists()
    assert not Reminder.objects.filter(done_at__isnull=False).exists()


def test_someone_elses_reminder_is_still_refused_to_hr_and_not_found_for_a_rep(cast, api_as):
    reminder = ReminderFactory(recipient=cast.rep_b)
    for user, status in ((cast.hr, 403), (cast.admin, 403), (cast.rep_a, 404)):
        assert api_as(user).get(f"{REMINDERS}{reminder.pk}/").status_code == status
        assert api_as(user).post(f"{REMINDERS}{reminder.pk}/done/").status_code == status
