"""Running rules exactly once, e-mail claims, digests, preferences, settings and the lock."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.core.models import AuditEntry
from apps.reminders import services
from apps.reminders.choices import ExceptionKind, ReminderStatus
from apps.reminders.models import (
    CalendarException,
    DigestSent,
    JobLock,
    Reminder,
    ReminderRule,
    RuleRun,
)
from tests.factories import (
    CalendarExceptionFactory,
    DeliveryFactory,
    NotificationPreferenceFactory,
    OrderFactory,
    ReceivableFactory,
    ReminderFactory,
    ReminderRuleFactory,
)
from tests.reminders.conftest import reminders_of

D = datetime.date
OVERDUE_DAY = D(2026, 1, 11)


def _overdue_receivable(owner):
    return ReceivableFactory(
        order=OrderFactory(owner=owner), issued_on=D(2025, 12, 11), due_on=D(2026, 1, 10)
    )


# --- Exactly once ---------------------------------------------------------------------------
def test_running_a_rule_twice_creates_no_duplicate_and_sends_no_second_email(cast, run):
    _overdue_receivable(cast.rep_a)
    first = run("receivable_overdue", OVERDUE_DAY)
    second = run("receivable_overdue", OVERDUE_DAY)
    assert (first.created, first.emailed) == (1, 1)
    assert (second.created, second.emailed) == (0, 0)
    assert reminders_of("receivable_overdue").count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [cast.rep_a.email]
    assert "https://salesperf.example/sales/receivables/" in mail.outbox[0].body


def test_a_reminder_marked_done_is_not_raised_again(cast, run):
    _overdue_receivable(cast.rep_a)
    run("receivable_overdue", OVERDUE_DAY)
    reminder = reminders_of("receivable_overdue").get()
    services.reminder_mark_done(actor=cast.rep_a, reminder=reminder)
    assert run("receivable_overdue", OVERDUE_DAY + datetime.timedelta(days=1)).created == 0
    assert reminders_of("receivable_overdue").get().status == ReminderStatus.DONE


def test_the_database_refuses_a_second_row_with_the_same_natural_key(cast):
    from django.db import IntegrityError, transaction

    reminder = ReminderFactory(recipient=cast.rep_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            rule=reminder.rule,
            content_type=reminder.content_type,
            object_id=reminder.object_id,
            recipient=reminder.recipient,
            due_on=reminder.due_on,
            level=reminder.level,
        )


def test_a_claimed_email_is_not_sent_again_by_a_retried_job(cast, run):
    _overdue_receivable(cast.rep_a)
    with mock.patch.object(services, "reminders_send_emails", return_value=0):
        run("receivable_overdue", OVERDUE_DAY)  # crashed before sending, say
    Reminder.objects.update(emailed_at=timezone.now())  # another worker claimed it
    assert services.reminders_send_emails() == 0
    assert mail.outbox == []


def test_a_failed_email_is_given_back_and_retried_once_on_the_next_run(cast, run):
    _overdue_receivable(cast.rep_a)
    with mock.patch("apps.reminders.services.send_mail", side_effect=OSError("smtp down")):
        assert run("receivable_overdue", OVERDUE_DAY).emailed == 0
    reminder = reminders_of("receivable_overdue").get()
    assert reminder.emailed_at is None
    assert (reminder.email_attempts, reminder.email_error) == (1, "smtp down")
    assert run("receivable_overdue", OVERDUE_DAY).emailed == 1
    assert run("receivable_overdue", OVERDUE_DAY).emailed == 0
    assert len(mail.outbox) == 1


def test_failing_emails_stop_after_the_maximum_attempts(cast, run):
    _overdue_receivable(cast.rep_a)
    with mock.patch("apps.reminders.services.send_mail", side_effect=OSError("down")):
        for _ in range(services.MAX_EMAIL_ATTEMPTS + 2):
            run("receivable_overdue", OVERDUE_DAY)
    assert reminders_of("receivable_overdue").get().email_attempts == services.MAX_EMAIL_ATTEMPTS


def test_a_recipient_without_an_address_is_not_retried(cast, run):
    cast.rep_a.email = ""
    cast.rep_a.save()
    _overdue_receivable(cast.rep_a)
    run("receivable_overdue", OVERDUE_DAY)
    run("receivable_overdue", OVERDUE_DAY)
    reminder = reminders_of("receivable_overdue").get()
    assert reminder.emailed_at is not None
    assert reminder.email_error == "no e-mail address"
    assert mail.outbox == []


def test_the_run_log_records_what_a_run_did(cast, run):
    _overdue_receivable(cast.rep_a)
    result = run("receivable_overdue", OVERDUE_DAY)
    logged = RuleRun.objects.get(pk=result.pk)
    assert (logged.created, logged.closed, logged.emailed, logged.error) == (1, 0, 1, "")
    assert logged.finished_at is not None
    assert logged.run_for == OVERDUE_DAY


def test_a_failing_rule_logs_its_error_and_run_all_carries_on(cast):
    _overdue_receivable(cast.rep_a)
    with mock.patch(
        "apps.reminders.rules.deliveries.FirstVisitAfterDelivery.candidates",
        side_effect=RuntimeError("boom"),
    ):
        runs = services.rules_run_all(today=OVERDUE_DAY)
    failed = RuleRun.objects.get(rule__code="first_visit")
    assert failed.error == "RuntimeError: boom"
    assert failed.finished_at is not None
    assert RuleRun.objects.get(rule__code="receivable_overdue").created == 1
    assert len(runs) == len(services.rules_ensure()) - 1


def test_a_switched_off_rule_is_logged_as_skipped_and_creates_nothing(cast, run):
    services.rules_ensure()
    ReminderRule.objects.filter(code="receivable_overdue").update(enabled=False)
    _overdue_receivable(cast.rep_a)
    result = run("receivable_overdue", OVERDUE_DAY)
    assert result.skipped is True
    assert not Reminder.objects.exists()


def test_an_unknown_rule_is_refused():
    with pytest.raises(ValidationError) as exc:
        services.rule_run(code="nope", today=OVERDUE_DAY)
    assert "nope" in exc.value.message_dict["rule"][0]


# --- Preferences ----------------------------------------------------------------------------
def test_inbox_off_keeps_the_reminder_out_of_the_inbox_but_emails_it(cast, run):
    rule = ReminderRuleFactory(code="receivable_overdue")
    NotificationPreferenceFactory(user=cast.rep_a, rule=rule, inbox=False, email=True)
    _overdue_receivable(cast.rep_a)
    run("receivable_overdue", OVERDUE_DAY)
    assert not Reminder.objects.visible_to(cast.rep_a).in_inbox().exists()
    assert len(mail.outbox) == 1


def test_email_off_sends_no_email_but_fills_the_inbox(cast, run):
    rule = ReminderRuleFactory(code="receivable_overdue")
    NotificationPreferenceFactory(user=cast.rep_a, rule=rule, inbox=True, email=False)
    _overdue_receivable(cast.rep_a)
    _overdue_receivable(cast.rep_a2)
    run("receivable_overdue", OVERDUE_DAY)
    assert Reminder.objects.visible_to(cast.rep_a).in_inbox().count() == 1
    assert [m.to for m in mail.outbox] == [[cast.rep_a2.email]]


def test_a_preference_for_one_rule_leaves_the_others_alone(cast, run):
    rule = ReminderRuleFactory(code="first_visit")
    NotificationPreferenceFactory(user=cast.rep_a, rule=rule, email=False)
    _overdue_receivable(cast.rep_a)
    run("receivable_overdue", OVERDUE_DAY)
    assert len(mail.outbox) == 1


def test_digest_users_get_one_email_a_day_with_all_their_reminders(cast, run):
    services.preferences_update(user=cast.rep_a, choices={}, digest=True)
    _overdue_receivable(cast.rep_a)
    _overdue_receivable(cast.rep_a)
    _overdue_receivable(cast.rep_b)
    assert run("receivable_overdue", OVERDUE_DAY).emailed == 1  # rep_b, who has no digest
    assert services.digests_send(day=OVERDUE_DAY) == 1
    assert services.digests_send(day=OVERDUE_DAY) == 0
    digest = mail.outbox[-1]
    assert digest.to == [cast.rep_a.email]
    assert digest.body.count("/sales/receivables/") == 2
    assert len(mail.outbox) == 2
    assert DigestSent.objects.get(user=cast.rep_a).reminder_count == 2


def test_a_failed_digest_is_sent_on_the_retry(cast, run):
    services.preferences_update(user=cast.rep_a, choices={}, digest=True)
    _overdue_receivable(cast.rep_a)
    run("receivable_overdue", OVERDUE_DAY)
    with mock.patch("apps.reminders.services.send_mail", side_effect=OSError("down")):
        assert services.digests_send(day=OVERDUE_DAY) == 0
    assert services.digests_send(day=OVERDUE_DAY) == 1
    assert len(mail.outbox) == 1


def test_preferences_update_refuses_an_unknown_rule_and_saves_nothing(cast):
    with pytest.raises(ValidationError) as exc:
        services.preferences_update(
            user=cast.rep_a,
            choices={"first_visit": {"inbox": False, "email": False}, "bogus": {}},
            digest=True,
        )
    assert "bogus" in exc.value.message_dict["rule"][0]
    assert not cast.rep_a.reminder_preferences.exists()
    assert not hasattr(cast.rep_a, "reminder_digest") or not cast.rep_a.reminder_digest.digest


# --- Inbox actions --------------------------------------------------------------------------
def test_mark_done_sets_done_and_read_and_is_harmless_twice(cast):
    reminder = ReminderFactory(recipient=cast.rep_a)
    services.reminder_mark_done(actor=cast.rep_a, reminder=reminder)
    done_at = Reminder.objects.get(pk=reminder.pk).done_at
    services.reminder_mark_done(actor=cast.rep_a, reminder=reminder)
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.DONE
    assert reminder.done_at == done_at
    assert reminder.read_at is not None


def test_an_auto_closed_reminder_stays_closed_when_marked_done(cast):
    reminder = ReminderFactory(recipient=cast.rep_a, status=ReminderStatus.CLOSED_AUTO)
    services.reminder_mark_done(actor=cast.rep_a, reminder=reminder)
    assert Reminder.objects.get(pk=reminder.pk).status == ReminderStatus.CLOSED_AUTO


def test_nobody_marks_someone_elses_reminder_done(cast):
    reminder = ReminderFactory(recipient=cast.rep_b)
    for user in (cast.rep_a, cast.manager_b, cast.hr, cast.admin):
        with pytest.raises(PermissionDenied):
            services.reminder_mark_done(actor=user, reminder=reminder)
    assert Reminder.objects.get(pk=reminder.pk).status == ReminderStatus.OPEN


# --- Rule settings --------------------------------------------------------------------------
def test_hr_switches_a_rule_off_and_changes_its_parameters_with_an_audit_entry(cast):
    rule = services.rules_ensure()["first_visit"]
    services.rule_update(
        actor=cast.hr,
        rule=rule,
        enabled=False,
        params={"working_days": "5", "lookback_days": "30", "escalate": "0"},
    )
    rule.refresh_from_db()
    assert rule.enabled is False
    assert rule.params == {"working_days": 5, "lookback_days": 30, "escalate": 0}
    assert AuditEntry.objects.filter(action="reminders.rule_update").count() == 1


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"working_days": "0"}, "working_days", "at least 1"),
        ({"working_days": "2.5"}, "working_days", "whole number"),
        ({"working_days": "31"}, "working_days", "at most 30"),
        ({"escalate": "2"}, "escalate", "at most 1"),
    ],
)
def test_bad_rule_parameters_are_refused_and_nothing_is_saved(cast, params, field, message):
    rule = services.rules_ensure()["first_visit"]
    values = {"working_days": "3", "lookback_days": "60", "escalate": "1", **params}
    with pytest.raises(ValidationError) as exc:
        services.rule_update(actor=cast.admin, rule=rule, enabled=False, params=values)
    assert message in exc.value.message_dict[field][0]
    rule.refresh_from_db()
    assert rule.enabled is True
    assert rule.effective_params()["working_days"] == 3


def test_receivable_stages_are_parsed_sorted_and_checked(cast):
    rule = services.rules_ensure()["receivable_overdue"]
    services.rule_update(
        actor=cast.admin,
        rule=rule,
        enabled=True,
        params={"stages": "45, 0, 15", "escalate_from_days": "45"},
    )
    rule.refresh_from_db()
    assert rule.params["stages"] == [0, 15, 45]
    for bad, message in (("", "at least one"), ("0, 0", "once"), ("a", "whole number")):
        with pytest.raises(ValidationError) as exc:
            services.rule_update(
                actor=cast.admin,
                rule=rule,
                enabled=True,
                params={"stages": bad, "escalate_from_days": "45"},
            )
        assert message in exc.value.message_dict["stages"][0]


def test_satisfaction_threshold_must_be_a_number_from_0_to_100(cast):
    rule = services.rules_ensure()["retention_plan"]
    with pytest.raises(ValidationError) as exc:
        services.rule_update(
            actor=cast.hr, rule=rule, enabled=True, params={"threshold": "101", "working_days": 5}
        )
    assert "at most 100" in exc.value.message_dict["threshold"][0]
    with pytest.raises(ValidationError) as exc:
        services.rule_update(
            actor=cast.hr, rule=rule, enabled=True, params={"threshold": "x", "working_days": 5}
        )
    assert "Enter a number" in exc.value.message_dict["threshold"][0]


def test_reps_and_managers_may_not_change_rules(cast):
    rule = services.rules_ensure()["first_visit"]
    for user in (cast.rep_a, cast.manager_a):
        with pytest.raises(PermissionDenied):
            services.rule_update(actor=user, rule=rule, enabled=False, params={})


# --- Calendar exceptions --------------------------------------------------------------------
def test_hr_adds_a_make_up_day_that_rules_then_use(cast, run):
    services.calendar_exception_create(
        actor=cast.hr, date=D(2026, 3, 7), kind=ExceptionKind.WORKDAY, name="Stocktake"
    )
    DeliveryFactory(order=OrderFactory(owner=cast.rep_a), delivered=True, planned_on=D(2026, 3, 6))
    run("first_visit", D(2026, 3, 6))
    assert reminders_of("first_visit").get().due_on == D(2026, 3, 10)  # Sat, Mon, Tue
    assert AuditEntry.objects.filter(action="reminders.calendar_exception_create").exists()


def test_a_second_exception_on_the_same_date_is_refused(cast):
    CalendarExceptionFactory(date=D(2026, 3, 7))
    with pytest.raises(ValidationError) as exc:
        services.calendar_exception_create(
            actor=cast.admin, date=D(2026, 3, 7), kind=ExceptionKind.WORKDAY
        )
    assert "already has an exception" in exc.value.message_dict["date"][0]
    assert CalendarException.objects.count() == 1


def test_an_exception_needs_a_date_and_a_known_kind(cast):
    with pytest.raises(ValidationError) as exc:
        services.calendar_exception_create(actor=cast.admin, date=None, kind="party")
    assert set(exc.value.message_dict) == {"date", "kind"}
    assert not CalendarException.objects.exists()


def test_reps_and_managers_may_not_edit_the_calendar(cast):
    exception = CalendarExceptionFactory()
    for user in (cast.rep_a, cast.manager_a):
        with pytest.raises(PermissionDenied):
            services.calendar_exception_create(
                actor=user, date=D(2026, 5, 1), kind=ExceptionKind.HOLIDAY
            )
        with pytest.raises(PermissionDenied):
            services.calendar_exception_delete(actor=user, exception=exception)
    assert CalendarException.objects.count() == 1


# --- Lock and schedules ---------------------------------------------------------------------
def test_the_lock_is_held_once_released_and_expires(db):
    token = services.lock_acquire("job", seconds=60)
    assert token
    assert services.lock_acquire("job", seconds=60) is None
    services.lock_release("job", "someone-else")
    assert services.lock_acquire("job", seconds=60) is None
    services.lock_release("job", token)
    second = services.lock_acquire("job", seconds=60)
    assert second
    JobLock.objects.filter(name="job").update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert services.lock_acquire("job", seconds=60)


def test_a_locked_rule_task_does_nothing(cast):
    from apps.reminders import tasks

    _overdue_receivable(cast.rep_a)
    token = services.lock_acquire("reminders.rule.receivable_overdue")
    assert tasks.run_rule("receivable_overdue", "2026-01-11") == {"skipped": "locked"}
    assert not Reminder.objects.exists()
    services.lock_release("reminders.rule.receivable_overdue", token)
    assert tasks.run_rule("receivable_overdue", "2026-01-11")["created"] == 1


def test_schedules_exist_after_migrating_and_ensuring_them_again_changes_nothing(db):
    from django_celery_beat.models import PeriodicTask

    names = set(
        PeriodicTask.objects.filter(name__startswith="reminders: ").values_list("name", flat=True)
    )
    assert "reminders: first_visit" in names
    assert "reminders: daily digest" in names
    count = PeriodicTask.objects.count()
    services.schedules_ensure()
    assert PeriodicTask.objects.count() == count
    task = PeriodicTask.objects.get(name="reminders: receivable_overdue")
    assert (task.task, task.args) == ("reminders.run_rule", '["receivable_overdue"]')


def test_the_run_reminders_command_runs_one_rule_for_a_date(cast):
    from io import StringIO

    from django.core.management import call_command

    _overdue_receivable(cast.rep_a)
    out = StringIO()
    call_command(
        "run_reminders", "--rule", "receivable_overdue", "--date", "2026-01-11", stdout=out
    )
    assert "receivable_overdue: 1 created, 0 closed, 1 e-mailed (ok)" in out.getvalue()
