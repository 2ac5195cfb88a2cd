"""REST API: /api/v1/reminders/ (own only, for every role), mark done, preferences."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.reminders.choices import ReminderStatus
from apps.reminders.models import NotificationPreference, Reminder
from tests.factories import ReminderFactory, ReminderRuleFactory

pytestmark = pytest.mark.django_db

REMINDERS = "/api/v1/reminders/"
PREFERENCES = "/api/v1/reminder-preferences/"


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def inboxes(cast):
    return {
        user.username: ReminderFactory(recipient=user)
        for user in (cast.rep_a, cast.rep_b, cast.manager_a, cast.hr, cast.admin)
    }


@pytest.mark.parametrize("role", ["rep_a", "manager_a", "hr", "admin"])
def test_every_role_sees_only_their_own_reminders(cast, api_as, inboxes, role):
    user = getattr(cast, role)
    assert _ids(api_as(user).get(REMINDERS)) == {inboxes[user.username].pk}


def test_anonymous_gets_nothing(api_client, inboxes):
    assert api_client.get(REMINDERS).status_code in (401, 403)
    assert api_client.get(PREFERENCES).status_code in (401, 403)
    reminder = inboxes["rep_a"]
    assert api_client.post(f"{REMINDERS}{reminder.pk}/done/").status_code in (401, 403)


def test_a_reminder_row_carries_title_rule_record_and_link(cast, api_as):
    reminder = ReminderFactory(recipient=cast.rep_a)
    row = api_as(cast.rep_a).get(f"{REMINDERS}{reminder.pk}/").json()
    assert row["rule"] == "health_report"
    assert row["record_type"] == "customers.customer"
    assert row["object_id"] == reminder.object_id
    assert row["link"] == reminder.link
    assert "Health report 2026-Q4" in row["title"]
    assert row["status"] == "open"
    assert row["due_on"] == reminder.due_on.isoformat()


def test_the_owner_marks_a_reminder_done(cast, api_as):
    reminder = ReminderFactory(recipient=cast.rep_a)
    response = api_as(cast.rep_a).post(f"{REMINDERS}{reminder.pk}/done/")
    assert response.status_code == 200
    assert response.json()["status"] == "done"
    assert Reminder.objects.get(pk=reminder.pk).status == ReminderStatus.DONE


def test_mark_read(cast, api_as):
    reminder = ReminderFactory(recipient=cast.rep_a)
    assert api_as(cast.rep_a).post(f"{REMINDERS}{reminder.pk}/read/").json()["read_at"]


@pytest.mark.parametrize(
    ("role", "status"), [("rep_a", 404), ("manager_b", 404), ("hr", 403), ("admin", 403)]
)
def test_nobody_marks_another_persons_reminder_done(cast, api_as, role, status):
    reminder = ReminderFactory(recipient=cast.rep_b)
    client = api_as(getattr(cast, role))
    assert client.post(f"{REMINDERS}{reminder.pk}/done/").status_code == status
    assert client.get(f"{REMINDERS}{reminder.pk}/").status_code == status
    assert Reminder.objects.get(pk=reminder.pk).status == ReminderStatus.OPEN


def test_reminders_are_read_only(cast, api_as):
    reminder = ReminderFactory(recipient=cast.rep_a)
    client = api_as(cast.rep_a)
    assert client.post(REMINDERS, {}).status_code == 405
    assert client.delete(f"{REMINDERS}{reminder.pk}/").status_code == 405
    assert client.patch(f"{REMINDERS}{reminder.pk}/", {"status": "done"}).status_code == 405


def test_filters_by_status_rule_and_due_range(cast, api_as):
    today = datetime.date(2026, 3, 10)
    early = ReminderFactory(recipient=cast.rep_a, due_on=today)
    late = ReminderFactory(recipient=cast.rep_a, due_on=today + datetime.timedelta(days=10))
    done = ReminderFactory(recipient=cast.rep_a, due_on=today, status=ReminderStatus.DONE)
    other_rule = ReminderFactory(
        recipient=cast.rep_a, rule=ReminderRuleFactory(code="first_visit"), due_on=today
    )
    client = api_as(cast.rep_a)
    assert _ids(client.get(REMINDERS, {"status": "done"})) == {done.pk}
    assert _ids(client.get(REMINDERS, {"rule": "first_visit"})) == {other_rule.pk}
    assert _ids(client.get(REMINDERS, {"due_after": "2026-03-15"})) == {late.pk}
    assert _ids(client.get(REMINDERS, {"due_before": "2026-03-10", "status": "open"})) == {
        early.pk,
        other_rule.pk,
    }
    assert client.get(REMINDERS, {"status": "bogus"}).status_code == 400


def test_reminders_kept_out_of_the_inbox_are_not_listed(cast, api_as):
    ReminderFactory(recipient=cast.rep_a, in_inbox=False)
    assert _ids(api_as(cast.rep_a).get(REMINDERS)) == set()


def test_the_list_makes_the_same_number_of_queries_for_3x_the_rows(cast, api_as):
    client = api_as(cast.rep_a)
    ReminderFactory.create_batch(2, recipient=cast.rep_a)
    with CaptureQueriesContext(connection) as few:
        assert client.get(REMINDERS).status_code == 200
    ReminderFactory.create_batch(4, recipient=cast.rep_a)
    ReminderFactory(recipient=cast.rep_a, rule=ReminderRuleFactory(code="first_visit"))
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(REMINDERS).json()["results"]) == 7
    assert len(many) == len(few)


# --- Preferences ----------------------------------------------------------------------------
def test_preferences_default_to_inbox_and_email_without_digest(cast, api_as):
    data = api_as(cast.rep_a).get(PREFERENCES).json()
    assert data["digest"] is False
    codes = {row["code"] for row in data["rules"]}
    assert {"first_visit", "receivable_overdue", "retention_plan"} <= codes
    assert all(row["inbox"] and row["email"] for row in data["rules"])


def test_a_user_changes_own_preferences_and_nobody_elses(cast, api_as):
    response = api_as(cast.rep_a).post(
        PREFERENCES,
        {"digest": True, "rules": [{"code": "first_visit", "inbox": True, "email": False}]},
        format="json",
    )
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()["rules"]}
    assert rows["first_visit"]["email"] is False
    assert rows["receivable_overdue"]["email"] is True
    assert response.json()["digest"] is True
    assert NotificationPreference.objects.get().user == cast.rep_a
    assert api_as(cast.rep_b).get(PREFERENCES).json()["digest"] is False


def test_an_unknown_rule_in_preferences_is_a_400_and_nothing_is_saved(cast, api_as):
    response = api_as(cast.rep_a).post(
        PREFERENCES,
        {"digest": True, "rules": [{"code": "nope", "inbox": True, "email": True}]},
        format="json",
    )
    assert response.status_code == 400
    assert "nope" in str(response.json())
    assert api_as(cast.rep_a).get(PREFERENCES).json()["digest"] is False


def test_filter_unread_and_read(cast, api_as):
    from django.utils import timezone

    unread = ReminderFactory(recipient=cast.rep_a)
    read = ReminderFactory(recipient=cast.rep_a, read_at=timezone.now())
    client = api_as(cast.rep_a)
    assert _ids(client.get(REMINDERS, {"unread": "true"})) == {unread.pk}
    assert _ids(client.get(REMINDERS, {"unread": "false"})) == {read.pk}
