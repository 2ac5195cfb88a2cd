import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.core.models import AuditEntry
from apps.grades.choices import Grade
from apps.pips import services
from apps.pips.choices import PipOutcome, PipStatus, SessionStatus
from apps.pips.exceptions import PipClosed
from apps.pips.models import CoachingSession, Pip
from apps.reminders.models import Reminder
from tests.factories import AnnualGradeFactory
from tests.pips.conftest import START

D = datetime.date
END_OF_PLAN = D(2026, 12, 8)


# --- From a C grade ---------------------------------------------------------------------------
def test_a_finalised_c_grade_proposes_a_plan_with_the_weakest_kpis(cast, c_grade):
    assert services.pip_propose_for_grades(cycle=c_grade.cycle, actor=cast.hr) == 1
    pip = Pip.objects.get(person=cast.rep_a)
    assert pip.status == PipStatus.PROPOSED
    assert pip.grade == c_grade
    assert pip.manager == cast.manager_a
    assert [row["kpi"] for row in pip.weak_kpis] == [
        "collection_rate",
        "new_customers",
        "retention_rate",
    ]
    assert pip.weak_kpis_period == "2025"
    assert AuditEntry.objects.filter(action="pip.propose", object_id=str(pip.pk)).count() == 1


def test_proposing_again_creates_no_second_plan(cast, c_grade):
    services.pip_propose_for_grades(cycle=c_grade.cycle, actor=cast.hr)
    assert services.pip_propose_for_grades(cycle=c_grade.cycle, actor=cast.hr) == 0
    assert Pip.objects.filter(person=cast.rep_a).count() == 1


def test_a_b_grade_or_an_unfinalised_c_proposes_nothing(cast, c_grade):
    AnnualGradeFactory(cycle=c_grade.cycle, person=cast.rep_a2, grade=Grade.B, finalised=True)
    AnnualGradeFactory(cycle=c_grade.cycle, person=cast.rep_b, grade=Grade.C, finalised=False)
    assert services.pip_propose_for_grades(cycle=c_grade.cycle, actor=None) == 1
    assert list(Pip.objects.values_list("person", flat=True)) == [cast.rep_a.pk]


def test_only_hr_proposes_plans_from_grades(cast, c_grade):
    with pytest.raises(PermissionDenied):
        services.pip_propose_for_grades(cycle=c_grade.cycle, actor=cast.manager_a)
    assert not Pip.objects.exists()


def test_a_manager_opens_a_plan_by_hand_only_for_their_team(cast):
    pip = services.pip_open(actor=cast.manager_a, person=cast.rep_a2, reason="Two weak quarters")
    assert pip.status == PipStatus.PROPOSED
    with pytest.raises(PermissionDenied):
        services.pip_open(actor=cast.manager_a, person=cast.rep_b)
    with pytest.raises(ValidationError) as excinfo:
        services.pip_open(actor=cast.hr, person=cast.rep_a2)
    assert "person" in excinfo.value.message_dict
    assert Pip.objects.count() == 1


# --- Completing --------------------------------------------------------------------------------
def test_completing_starts_the_plan_and_schedules_weekly_sessions(cast, active):
    assert active.status == PipStatus.ACTIVE
    assert active.end_date == D(2026, 12, 7)
    days = list(active.sessions.values_list("scheduled_on", flat=True))
    assert len(days) == 13
    assert D(2026, 10, 5) not in days and D(2026, 10, 8) in days
    assert AuditEntry.objects.filter(action="pip.activate").count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"goals": " "}, "goals"),
        ({"support": ""}, "support"),
        ({"start_date": None}, "start_date"),
        ({"start_date": D(2026, 10, 1)}, "start_date"),  # National Day
        ({"start_date": D(2026, 9, 12)}, "start_date"),  # a Saturday
    ],
)
def test_bad_completion_names_the_field_and_writes_nothing(cast, proposed, changes, field):
    data = {"goals": "Goals", "support": "Support", "start_date": START, **changes}
    with pytest.raises(ValidationError) as excinfo:
        services.pip_complete(actor=cast.manager_a, pip=proposed, **data)
    assert field in excinfo.value.message_dict
    proposed.refresh_from_db()
    assert proposed.status == PipStatus.PROPOSED
    assert not CoachingSession.objects.exists()
    assert not AuditEntry.objects.filter(action="pip.activate").exists()


def test_another_teams_manager_cannot_complete(cast, proposed):
    with pytest.raises(PermissionDenied):
        services.pip_complete(
            actor=cast.manager_b, pip=proposed, goals="g", support="s", start_date=START
        )


def test_a_stale_version_is_refused(cast, proposed):
    Pip.objects.filter(pk=proposed.pk).update(version=proposed.version + 1)
    with pytest.raises(ValidationError):
        services.pip_complete(
            actor=cast.manager_a,
            pip=proposed,
            goals="g",
            support="s",
            start_date=START,
            expected_version=proposed.version,
        )
    assert not CoachingSession.objects.exists()


# --- Logging -----------------------------------------------------------------------------------
def test_the_manager_logs_a_session(cast, active):
    session = active.sessions.get(number=1)
    services.session_log(
        actor=cast.manager_a,
        session=session,
        held_on=START,
        notes="Went through overdue invoices",
        agreed_actions="Call the three largest debtors",
        today=START,
    )
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD
    assert session.logged_by == cast.manager_a
    assert AuditEntry.objects.filter(action="pip.session_log").count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"notes": ""}, "notes"),
        ({"agreed_actions": " "}, "agreed_actions"),
        ({"held_on": None}, "held_on"),
        ({"held_on": D(2026, 9, 8)}, "held_on"),  # after "today"
        ({"held_on": D(2026, 9, 4)}, "held_on"),  # before the plan started
    ],
)
def test_bad_session_logs_name_the_field_and_write_nothing(cast, active, changes, field):
    session = active.sessions.get(number=1)
    data = {"held_on": START, "notes": "n", "agreed_actions": "a", **changes}
    with pytest.raises(ValidationError) as excinfo:
        services.session_log(actor=cast.manager_a, session=session, today=START, **data)
    assert field in excinfo.value.message_dict
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    assert session.notes == ""


def test_a_rep_cannot_log_their_own_session(cast, active):
    with pytest.raises(PermissionDenied):
        services.session_log(
            actor=cast.rep_a,
            session=active.sessions.get(number=1),
            held_on=START,
            notes="n",
            agreed_actions="a",
            today=START,
        )


# --- Missed sessions and escalation ------------------------------------------------------------
def _hr_reminders():
    return Reminder.objects.filter(rule__code="pip_session_missed", recipient__role="hr")


def test_an_unlogged_session_escalates_to_hr_once(cast, active):
    # Session 1 (Mon 7 Sep) may be logged until Tue 8 Sep; on Wed 9 Sep it is missed.
    assert services.sessions_escalate_missed(today=D(2026, 9, 8)) == {"missed": 0, "escalated": 0}
    result = services.sessions_escalate_missed(today=D(2026, 9, 9))
    assert result == {"missed": 1, "escalated": 1}
    session = active.sessions.get(number=1)
    assert session.status == SessionStatus.MISSED
    assert session.escalated_at is not None
    assert list(_hr_reminders().values_list("recipient", "object_id")) == [(cast.hr.pk, session.pk)]
    again = services.sessions_escalate_missed(today=D(2026, 9, 10))
    assert again == {"missed": 0, "escalated": 0}
    assert _hr_reminders().count() == 1
    assert AuditEntry.objects.filter(action="pip.session_escalate").count() == 1


def test_marking_a_session_missed_escalates_at_once(
    cast, active, django_capture_on_commit_callbacks
):
    session = active.sessions.get(number=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.session_mark_missed(actor=cast.manager_a, session=session, reason="Sick")
    session.refresh_from_db()
    assert session.status == SessionStatus.MISSED and session.escalated_at is not None
    assert _hr_reminders().filter(object_id=session.pk).count() == 1
    assert services.sessions_escalate_missed(today=D(2026, 9, 8))["escalated"] == 0
    assert _hr_reminders().filter(object_id=session.pk).count() == 1
    with pytest.raises(ValidationError) as excinfo:
        services.session_log(
            actor=cast.manager_a,
            session=session,
            held_on=START,
            notes="n",
            agreed_actions="a",
            today=D(2026, 9, 14),
        )
    assert "status" in excinfo.value.message_dict


def test_the_manager_is_reminded_the_working_day_before_a_session(cast, active):
    from apps.reminders.services import rule_run

    rule_run(code="pip_session_due", today=D(2026, 9, 10), send_emails=False)
    assert not Reminder.objects.filter(rule__code="pip_session_due", due_on=D(2026, 9, 14))
    # Friday 11 Sep: the next working day is Monday 14 Sep.
    rule_run(code="pip_session_due", today=D(2026, 9, 11), send_emails=False)
    reminder = Reminder.objects.get(rule__code="pip_session_due", due_on=D(2026, 9, 14))
    assert reminder.recipient == cast.manager_a
    assert "rep_a" in reminder.title or str(cast.rep_a) in reminder.title


# --- Outcome -----------------------------------------------------------------------------------
def test_the_outcome_waits_for_the_end_of_the_plan(cast, active):
    with pytest.raises(ValidationError) as excinfo:
        services.pip_record_outcome(
            actor=cast.manager_a, pip=active, outcome=PipOutcome.PASSED, today=D(2026, 10, 1)
        )
    assert "outcome" in excinfo.value.message_dict
    active.refresh_from_db()
    assert active.status == PipStatus.ACTIVE


def test_a_plan_is_extended_once_only(cast, active):
    pip = services.pip_record_outcome(
        actor=cast.manager_a, pip=active, outcome=PipOutcome.EXTENDED, today=END_OF_PLAN
    )
    assert pip.extensions == 1 and pip.status == PipStatus.ACTIVE
    assert pip.end_date == D(2027, 3, 7)
    days = list(pip.sessions.order_by("number").values_list("scheduled_on", flat=True))
    assert days[13] == D(2026, 12, 7)  # the weeks go on, on the plan's weekday
    assert days == sorted(days) and len(days) == len(set(days))
    with pytest.raises(ValidationError) as excinfo:
        services.pip_record_outcome(
            actor=cast.manager_a, pip=pip, outcome=PipOutcome.EXTENDED, today=D(2027, 3, 8)
        )
    assert "already extended once" in excinfo.value.message_dict["outcome"][0]
    pip.refresh_from_db()
    assert pip.extensions == 1


def test_a_passed_plan_is_closed_and_read_only(cast, active):
    pip = services.pip_record_outcome(
        actor=cast.hr,
        pip=active,
        outcome=PipOutcome.PASSED,
        note="Back on track",
        today=END_OF_PLAN,
    )
    assert pip.status == PipStatus.CLOSED and pip.outcome == PipOutcome.PASSED
    assert AuditEntry.objects.filter(action="pip.close").count() == 1
    with pytest.raises(PipClosed):
        services.pip_record_outcome(
            actor=cast.hr, pip=pip, outcome=PipOutcome.FAILED, today=END_OF_PLAN
        )
    with pytest.raises(PipClosed):
        services.session_log(
            actor=cast.manager_a,
            session=pip.sessions.first(),
            held_on=START,
            notes="n",
            agreed_actions="a",
            today=END_OF_PLAN,
        )


def test_an_unknown_outcome_names_the_field(cast, active):
    with pytest.raises(ValidationError) as excinfo:
        services.pip_record_outcome(
            actor=cast.manager_a, pip=active, outcome="promoted", today=END_OF_PLAN
        )
    assert "outcome" in excinfo.value.message_dict
