"""Browser pages: inbox, mark done, open, preferences, rules, run log, calendar."""

import datetime

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from apps.reminders.choices import ExceptionKind, ReminderStatus
from apps.reminders.context_processors import unread_reminders
from apps.reminders.models import (
    CalendarException,
    DigestPreference,
    NotificationPreference,
    Reminder,
    ReminderRule,
)
from apps.reminders.services import rules_ensure
from tests.factories import CalendarExceptionFactory, ReminderFactory, RuleRunFactory

pytestmark = pytest.mark.django_db

INBOX = reverse("reminders:inbox")


# --- Inbox ----------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["rep_a", "manager_a", "hr", "admin"])
def test_the_inbox_shows_only_ones_own_open_reminders(cast, client_as, role):
    user = getattr(cast, role)
    mine = ReminderFactory(recipient=user)
    ReminderFactory(recipient=user, status=ReminderStatus.DONE)
    someone_else = ReminderFactory(recipient=cast.rep_b)
    response = client_as(user).get(INBOX)
    assert response.status_code == 200
    assert [r.pk for r in response.context["reminders"]] == [mine.pk]
    assert someone_else.title not in response.content.decode()


def test_the_inbox_filters_done_reminders_on_request(cast, client_as):
    done = ReminderFactory(recipient=cast.rep_a, status=ReminderStatus.DONE)
    response = client_as(cast.rep_a).get(INBOX, {"status": "done"})
    assert [r.pk for r in response.context["reminders"]] == [done.pk]


def test_the_inbox_makes_the_same_number_of_queries_for_3x_the_rows(cast, client_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(cast.rep_a)
    ReminderFactory.create_batch(2, recipient=cast.rep_a)
    with CaptureQueriesContext(connection) as few:
        assert client.get(INBOX).status_code == 200
    ReminderFactory.create_batch(4, recipient=cast.rep_a)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(INBOX).context["reminders"]) == 6
    assert len(many) == len(few)


def test_an_empty_inbox_says_so(cast, client_as):
    assert "Nothing here" in client_as(cast.rep_a).get(INBOX).content.decode()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_mark_done_from_the_inbox(cast, client_as):
    reminder = ReminderFactory(recipient=cast.rep_a)
    response = client_as(cast.rep_a).post(
        reverse("reminders:reminder-done", args=[reminder.pk]), {"next": f"{INBOX}?status=open"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{INBOX}?status=open"
    assert Reminder.objects.get(pk=reminder.pk).status == ReminderStatus.DONE


def test_mark_done_ignores_an_outside_next(cast, client_as):
    reminder = ReminderFactory(recipient=cast.rep_a)
    response = client_as(cast.rep_a).post(
        reverse("reminders:reminder-done", args=[reminder.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == INBOX


@pytest.mark.parametrize(("role", "status"), [("rep_a", 404), ("manager_b", 404), ("hr", 403)])
def test_someone_elses_reminder_cannot_be_marked_done_or_opened(cast, client_as, role, status):
    reminder = ReminderFactory(recipient=cast.rep_b)
    client = client_as(getattr(cast, role))
    assert client.post(reverse("reminders:reminder-done", args=[reminder.pk])).status_code == status
    assert client.get(reverse("reminders:reminder-open", args=[reminder.pk])).status_code == status
    reminder.refresh_from_db()
    assert (reminder.status, reminder.read_at) == (ReminderStatus.OPEN, None)


def test_opening_a_reminder_marks_it_read_and_goes_to_the_record(cast, client_as):
    reminder = ReminderFactory(recipient=cast.rep_a)
    response = client_as(cast.rep_a).get(reverse("reminders:reminder-open", args=[reminder.pk]))
    assert response.status_code == 302
    assert response["Location"] == reminder.link
    assert Reminder.objects.get(pk=reminder.pk).read_at is not None


def test_unread_count_in_context_counts_own_unread_open_inbox_reminders(
    cast, client_as, django_assert_num_queries
):
    ReminderFactory.create_batch(2, recipient=cast.rep_a)
    ReminderFactory(recipient=cast.rep_a, status=ReminderStatus.DONE)
    ReminderFactory(recipient=cast.rep_a, in_inbox=False)
    ReminderFactory(recipient=cast.rep_b)
    request = RequestFactory().get("/")
    request.user = cast.rep_a
    with django_assert_num_queries(1):
        assert unread_reminders(request) == {"unread_reminders": 2}
    client_as(cast.rep_a).post(reverse("reminders:read-all"))
    assert unread_reminders(request) == {"unread_reminders": 0}


def test_unread_count_is_zero_for_anonymous(rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    assert unread_reminders(request) == {"unread_reminders": 0}


def test_the_nav_badge_include_shows_the_count():
    html = Template('{% include "reminders/nav_badge.html" %}').render(
        Context({"unread_reminders": 3})
    )
    assert ">3<" in html
    assert Template('{% include "reminders/nav_badge.html" %}').render(Context({})).strip() == ""


# --- Preferences ----------------------------------------------------------------------------
def test_preferences_page_saves_per_rule_choices_and_digest(cast, client_as):
    client = client_as(cast.rep_a)
    page = client.get(reverse("reminders:preferences"))
    assert page.status_code == 200
    data = {"digest": "on"}
    for row, _inbox, _email in page.context["form"].table():
        data[f"inbox_{row['code']}"] = "on"
        if row["code"] != "first_visit":
            data[f"email_{row['code']}"] = "on"
    response = client.post(reverse("reminders:preferences"), data)
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=cast.rep_a, rule__code="first_visit")
    assert (pref.inbox, pref.email) == (True, False)
    assert DigestPreference.objects.get(user=cast.rep_a).digest is True
    assert not NotificationPreference.objects.exclude(user=cast.rep_a).exists()


# --- Rules, runs, calendar (HR/admin) -------------------------------------------------------
HR_PAGES = ["reminders:rule-list", "reminders:run-log", "reminders:calendar"]


@pytest.mark.parametrize("name", HR_PAGES)
def test_reps_and_managers_get_403_on_hr_pages(cast, client_as, name):
    for user in (cast.rep_a, cast.manager_a):
        assert client_as(user).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", HR_PAGES)
def test_hr_and_admin_open_the_hr_pages(cast, client_as, name):
    for user in (cast.hr, cast.admin):
        assert client_as(user).get(reverse(name)).status_code == 200


def test_rule_list_shows_every_rule_and_its_last_run(cast, client_as):
    rules = rules_ensure()
    RuleRunFactory(rule=rules["first_visit"], error="RuntimeError: boom")
    html = client_as(cast.hr).get(reverse("reminders:rule-list")).content.decode()
    assert "First follow-up visit after delivery" in html
    assert "Receivable overdue" in html
    assert "Working days after delivery: <strong>3</strong>" in html
    assert "failed" in html


def test_hr_edits_a_rule(cast, client_as):
    rule = rules_ensure()["a_lead_contact"]
    url = reverse("reminders:rule-edit", args=[rule.pk])
    client = client_as(cast.hr)
    assert client.get(url).status_code == 200
    response = client.post(url, {"working_days": "2"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.enabled, rule.params) == (False, {"working_days": 2})


def test_a_bad_parameter_shows_on_its_field_and_nothing_is_saved(cast, client_as):
    rule = rules_ensure()["a_lead_contact"]
    response = client_as(cast.admin).post(
        reverse("reminders:rule-edit", args=[rule.pk]), {"enabled": "on", "working_days": "zero"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["working_days"] == ["Enter a whole number."]
    rule.refresh_from_db()
    assert rule.params == {"working_days": 1}


def test_a_rep_cannot_edit_or_run_a_rule(cast, client_as):
    rule = rules_ensure()["a_lead_contact"]
    client = client_as(cast.rep_a)
    assert client.post(reverse("reminders:rule-edit", args=[rule.pk]), {}).status_code == 403
    assert client.post(reverse("reminders:rule-run", args=[rule.pk])).status_code == 403
    assert ReminderRule.objects.get(pk=rule.pk).enabled is True


def test_run_now_runs_the_rule_and_lands_on_the_run_log(cast, client_as):
    rule = rules_ensure()["receivable_overdue"]
    client = client_as(cast.admin)
    response = client.post(reverse("reminders:rule-run", args=[rule.pk]))
    assert response["Location"] == reverse("reminders:run-log")
    log = client.get(reverse("reminders:run-log")).content.decode()
    assert "Receivable overdue" in log


def test_hr_adds_and_deletes_a_calendar_exception(cast, client_as):
    client = client_as(cast.hr)
    response = client.post(
        reverse("reminders:calendar"),
        {"date": "2026-03-07", "kind": ExceptionKind.WORKDAY, "name": "Stocktake"},
    )
    assert response.status_code == 302
    exception = CalendarException.objects.get()
    assert exception.date == datetime.date(2026, 3, 7)
    page = client.get(reverse("reminders:calendar"), {"year": "2026"}).content.decode()
    assert "Stocktake" in page
    assert "Spring Festival" in page
    client.post(reverse("reminders:calendar-delete", args=[exception.pk]))
    assert not CalendarException.objects.exists()


def test_a_duplicate_calendar_date_shows_an_error_and_saves_nothing(cast, client_as):
    CalendarExceptionFactory(date=datetime.date(2026, 3, 7))
    response = client_as(cast.hr).post(
        reverse("reminders:calendar"), {"date": "2026-03-07", "kind": ExceptionKind.HOLIDAY}
    )
    assert response.status_code == 200
    assert "already has an exception" in response.context["form"].errors["date"][0]
    assert CalendarException.objects.count() == 1


def test_a_manager_cannot_delete_a_calendar_exception(cast, client_as):
    exception = CalendarExceptionFactory()
    response = client_as(cast.manager_a).post(
        reverse("reminders:calendar-delete", args=[exception.pk])
    )
    assert response.status_code == 403
    assert CalendarException.objects.filter(pk=exception.pk).exists()


def test_the_calendar_page_survives_a_bad_year(cast, client_as):
    assert client_as(cast.hr).get(reverse("reminders:calendar"), {"year": "x"}).status_code == 200
