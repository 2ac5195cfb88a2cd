"""Writes of improvement plans. Each is one transaction that checks who may do it, refuses a
closed plan (:class:`PipClosed`, an API 409) and bad input (a ``ValidationError`` naming the
field, nothing written), and audits what changed."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.permissions import require
from apps.core.services import audit_record, audit_value
from apps.core.versions import check_version
from apps.grades.choices import Grade
from apps.grades.models import AnnualGrade
from apps.pips import calculations, permissions, selectors
from apps.pips.choices import (
    MAX_EXTENSIONS,
    PLAN_MONTHS,
    PipOutcome,
    PipStatus,
    SessionStatus,
)
from apps.pips.exceptions import PipClosed
from apps.pips.models import CoachingSession, Pip
from apps.reminders.calendar import WorkingCalendar, load_calendar

__all__ = [
    "pip_complete",
    "pip_open",
    "pip_propose_for_grades",
    "pip_record_outcome",
    "session_log",
    "session_mark_missed",
    "sessions_escalate_missed",
]

TEXT_LIMIT = 4000


def _locked(pip: Pip, expected_version=None) -> Pip:
    """``pip`` re-read under a row lock (stale ``expected_version`` refused); closed refused."""
    check_version(pip, expected_version)
    pip = Pip.objects.select_for_update().select_related("person").get(pk=pip.pk)
    if pip.is_closed:
        raise PipClosed()
    return pip


def _require_manager(actor, pip):
    if actor is None:  # the system (demo data, jobs)
        return
    require(
        permissions.can_manage_person(actor, pip.person),
        _("Only HR and the person's manager run this improvement plan."),
    )


def _text(errors: dict, name: str, value, *, required_message=None) -> str:
    value = (value or "").strip()
    if required_message and not value:
        errors[name] = [required_message]
    elif len(value) > TEXT_LIMIT:
        errors[name] = [_("Use at most %(n)s characters.") % {"n": TEXT_LIMIT}]
    return value


def _new_pip(*, person, actor, cycle=None, grade=None) -> Pip:
    weak, period = selectors.weak_kpis_of(person)
    return Pip(
        person=person,
        manager=selectors.manager_of(person),
        cycle=cycle,
        grade=grade,
        weak_kpis=weak,
        weak_kpis_period=period,
        opened_by=actor if actor is not None and actor.is_authenticated else None,
    )


@transaction.atomic
def pip_propose_for_grades(*, cycle, actor) -> int:
    """Propose a 3-month plan for each finalised grade C of the annual ``cycle`` (one per person
    and cycle; a person with a plan still open gets no second one). Idempotent: proposing again
    creates nothing new. Returns how many plans were proposed."""
    if actor is not None:
        require(permissions.can_run_org(actor), _("Only HR and admins propose plans from grades."))
    grades = list(
        AnnualGrade.objects.filter(cycle=cycle, finalised=True, grade=Grade.C)
        .select_related("person", "person__team")
        .order_by("pk")
    )
    if not grades:
        return 0
    people = [grade.person_id for grade in grades]
    taken = set(
        Pip.objects.filter(person_id__in=people)
        .filter(cycle=cycle)
        .values_list("person_id", flat=True)
    ) | set(Pip.objects.filter(person_id__in=people).open().values_list("person_id", flat=True))
    created = 0
    for grade in grades:
        if grade.person_id in taken or not grade.person.is_active:
            continue
        pip = _new_pip(person=grade.person, actor=actor, cycle=cycle, grade=grade)
        try:
            with transaction.atomic():
                pip.save()
        except IntegrityError:  # a concurrent proposal won the unique key
            continue
        audit_record(
            actor=actor,
            action="pip.propose",
            target=pip,
            subject_user=pip.person,
            changes={"status": [None, pip.status], "grade": [None, grade.grade]},
        )
        created += 1
    return created


@transaction.atomic
def pip_open(*, actor, person, reason: str = "") -> Pip:
    """HR or the person's manager opens a plan by hand (a proposal to complete)."""
    require(
        person is not None and permissions.can_manage_person(actor, person),
        _("You can open a plan only for people in the teams you manage."),
    )
    if Pip.objects.filter(person=person).open().exists():
        raise ValidationError(
            {"person": [_("%(person)s already has an open improvement plan.") % {"person": person}]}
        )
    pip = _new_pip(person=person, actor=actor)
    pip.save()
    audit_record(
        actor=actor,
        action="pip.open",
        target=pip,
        subject_user=person,
        changes={"status": [None, pip.status]},
        reason=(reason or "").strip()[:TEXT_LIMIT],
    )
    return pip


def _schedule(pip: Pip, start: datetime.date, end: datetime.date, cal: WorkingCalendar) -> int:
    days = calculations.weekly_schedule(start, end, cal.is_working_day)
    first = (pip.sessions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    existing = set(pip.sessions.values_list("scheduled_on", flat=True))
    rows = [
        CoachingSession(pip=pip, number=first + i, scheduled_on=day)
        for i, day in enumerate(d for d in days if d not in existing)
    ]
    CoachingSession.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def pip_complete(
    *,
    actor,
    pip: Pip,
    goals: str,
    support: str,
    start_date: datetime.date | None,
    expected_version=None,
) -> Pip:
    """The manager completes a proposal: goals (tied to the weak KPIs), the support offered and
    a start date on a working day. The plan becomes active and its weekly sessions are
    scheduled for three months."""
    pip = _locked(pip, expected_version)
    _require_manager(actor, pip)
    if pip.status != PipStatus.PROPOSED:
        raise ValidationError({"status": [_("This plan has already started.")]})
    errors: dict = {}
    goals = _text(errors, "goals", goals, required_message=_("Write the goals of the plan."))
    support = _text(
        errors, "support", support, required_message=_("Write the support you will offer.")
    )
    cal = load_calendar()
    if start_date is None:
        errors["start_date"] = [_("Enter the start date.")]
    elif not cal.is_working_day(start_date):
        errors["start_date"] = [
            _("%(day)s is not a working day; the next one is %(next)s.")
            % {"day": start_date.isoformat(), "next": cal.next_working_day(start_date).isoformat()}
        ]
    if errors:
        raise ValidationError(errors)
    pip.goals, pip.support, pip.start_date = goals, support, start_date
    pip.end_date = calculations.add_months(start_date, PLAN_MONTHS)
    pip.status = PipStatus.ACTIVE
    pip.activated_at = timezone.now()
    if pip.manager_id is None and actor is not None and not permissions.can_run_org(actor):
        pip.manager = actor
    pip.save()
    sessions = _schedule(pip, start_date, pip.end_date, cal)
    audit_record(
        actor=actor,
        action="pip.activate",
        target=pip,
        subject_user=pip.person,
        changes={
            "status": [PipStatus.PROPOSED, PipStatus.ACTIVE],
            "start_date": [None, audit_value(start_date)],
            "end_date": [None, audit_value(pip.end_date)],
            "sessions": [0, sessions],
        },
    )
    return pip


def _locked_session(session: CoachingSession, expected_version=None) -> CoachingSession:
    check_version(session, expected_version)
    session = CoachingSession.objects.select_for_update().select_related("pip").get(pk=session.pk)
    pip = Pip.objects.select_for_update().select_related("person").get(pk=session.pip_id)
    if pip.is_closed:
        raise PipClosed()
    if pip.status != PipStatus.ACTIVE:
        raise ValidationError({"status": [_("Complete the plan before logging sessions.")]})
    session.pip = pip
    return session


@transaction.atomic
def session_log(
    *,
    actor,
    session: CoachingSession,
    held_on: datetime.date | None,
    notes: str,
    agreed_actions: str,
    expected_version=None,
    today: datetime.date | None = None,
) -> CoachingSession:
    """The manager logs a held session: the day it was held, notes and agreed actions."""
    session = _locked_session(session, expected_version)
    _require_manager(actor, session.pip)
    today = today or timezone.localdate()
    errors: dict = {}
    if session.status == SessionStatus.MISSED:
        errors["status"] = [_("This session was marked missed and reported to HR.")]
    notes = _text(errors, "notes", notes, required_message=_("Write what you discussed."))
    agreed_actions = _text(
        errors,
        "agreed_actions",
        agreed_actions,
        required_message=_("Write the actions you agreed on."),
    )
    if held_on is None:
        errors["held_on"] = [_("Enter the day the session was held.")]
    elif held_on > today:
        errors["held_on"] = [_("The session cannot be held in the future.")]
    elif session.pip.start_date and held_on < session.pip.start_date:
        errors["held_on"] = [_("The session cannot be held before the plan started.")]
    if errors:
        raise ValidationError(errors)
    before = {
        "held_on": session.held_on,
        "notes": session.notes,
        "agreed_actions": session.agreed_actions,
    }
    session.status = SessionStatus.HELD
    session.held_on, session.notes, session.agreed_actions = held_on, notes, agreed_actions
    session.logged_by = actor if actor is not None and actor.is_authenticated else None
    session.logged_at = timezone.now()
    session.save()
    audit_record(
        actor=actor,
        action="pip.session_log",
        target=session.pip,
        subject_user=session.pip.person,
        changes={
            "session": [None, session.number],
            **{
                name: [audit_value(before[name]), audit_value(getattr(session, name))]
                for name in before
                if before[name] != getattr(session, name)
            },
        },
    )
    return session


def _escalate(sessions: list[CoachingSession], actor=None) -> int:
    now = timezone.now()
    ids = [s.pk for s in sessions]
    CoachingSession.objects.filter(pk__in=ids, escalated_at__isnull=True).update(escalated_at=now)
    for session in sessions:
        audit_record(
            actor=actor,
            action="pip.session_escalate",
            target=session.pip,
            subject_user=session.pip.person,
            changes={
                "session": [None, session.number],
                "scheduled_on": [None, audit_value(session.scheduled_on)],
            },
        )
    return len(ids)


def _run_escalation_rule(today=None) -> None:
    from apps.reminders.services import rule_run

    rule_run(code="pip_session_missed", today=today, send_emails=True)


@transaction.atomic
def session_mark_missed(
    *, actor, session: CoachingSession, reason: str = "", expected_version=None
) -> CoachingSession:
    """The manager (or HR) marks a session missed; it is escalated to HR at once."""
    session = _locked_session(session, expected_version)
    _require_manager(actor, session.pip)
    errors: dict = {}
    reason = (reason or "").strip()
    if session.status != SessionStatus.SCHEDULED:
        errors["status"] = [_("Only a scheduled session can be marked missed.")]
    if len(reason) > 500:
        errors["reason"] = [_("Use at most %(n)s characters.") % {"n": 500}]
    if errors:
        raise ValidationError(errors)
    session.status = SessionStatus.MISSED
    session.missed_reason = reason
    session.save()
    audit_record(
        actor=actor,
        action="pip.session_missed",
        target=session.pip,
        subject_user=session.pip.person,
        changes={"session": [None, session.number], "status": ["scheduled", "missed"]},
        reason=reason,
    )
    _escalate([session], actor)
    transaction.on_commit(_run_escalation_rule)
    return session


def sessions_escalate_missed(*, today: datetime.date | None = None) -> dict:
    """The daily job: a running plan's session not logged by the end of the working day after
    its day is marked missed; every missed session not yet escalated is reported to HR (audited
    once) and HR gets a reminder in their inbox (the reminders' natural key keeps it to one).
    Safe to run again: nothing is marked or escalated twice."""
    today = today or timezone.localdate()
    cal = load_calendar()
    with transaction.atomic():
        due = list(
            CoachingSession.objects.select_for_update(of=("self",))
            .filter(
                status=SessionStatus.SCHEDULED,
                pip__status=PipStatus.ACTIVE,
                scheduled_on__lt=today,
            )
            .select_related("pip", "pip__person")
        )
        missed = [
            s for s in due if calculations.is_overdue(s.scheduled_on, today, cal.add_working_days)
        ]
        for session in missed:
            session.status = SessionStatus.MISSED
            session.save(update_fields=["status", "version"])
            audit_record(
                actor=None,
                action="pip.session_missed",
                target=session.pip,
                subject_user=session.pip.person,
                changes={"session": [None, session.number], "status": ["scheduled", "missed"]},
            )
        pending = list(
            CoachingSession.objects.select_for_update(of=("self",))
            .filter(status=SessionStatus.MISSED, escalated_at__isnull=True)
            .exclude(pip__status=PipStatus.CLOSED)
            .select_related("pip", "pip__person")
        )
        escalated = _escalate(pending)
    _run_escalation_rule(today)
    return {"missed": len(missed), "escalated": escalated}


@transaction.atomic
def pip_record_outcome(
    *,
    actor,
    pip: Pip,
    outcome: str,
    note: str = "",
    expected_version=None,
    today: datetime.date | None = None,
) -> Pip:
    """At the end of the plan: passed or failed closes it (read-only from then on); extended
    adds three months of weekly sessions, once."""
    pip = _locked(pip, expected_version)
    _require_manager(actor, pip)
    today = today or timezone.localdate()
    errors: dict = {}
    note = _text(errors, "note", note)
    if pip.status != PipStatus.ACTIVE:
        errors["status"] = [_("Complete the plan before recording its outcome.")]
    elif outcome not in PipOutcome.values:
        errors["outcome"] = [_("Choose passed, extended or failed.")]
    else:
        last = pip.sessions.order_by("-scheduled_on").values_list("scheduled_on", flat=True)
        last_day = last.first() or pip.end_date
        if last_day and today < last_day:
            errors["outcome"] = [
                _("The plan runs until its last session on %(day)s; record the outcome then.")
                % {"day": last_day.isoformat()}
            ]
        elif outcome == PipOutcome.EXTENDED and pip.extensions >= MAX_EXTENSIONS:
            errors["outcome"] = [_("This plan was already extended once; record passed or failed.")]
    if errors:
        raise ValidationError(errors)
    if outcome == PipOutcome.EXTENDED:
        old_end = pip.end_date
        pip.extensions += 1
        pip.end_date = calculations.add_months(old_end, PLAN_MONTHS)
        pip.outcome_note = note
        pip.save()
        # The new weeks continue on the plan's weekday from the old end on.
        cal = load_calendar()
        next_nominal = old_end + datetime.timedelta(
            days=(pip.start_date.weekday() - old_end.weekday()) % 7
        )
        added = _schedule(pip, next_nominal, pip.end_date, cal)
        audit_record(
            actor=actor,
            action="pip.extend",
            target=pip,
            subject_user=pip.person,
            changes={
                "end_date": [audit_value(old_end), audit_value(pip.end_date)],
                "sessions": [None, added],
            },
            reason=note,
        )
        return pip
    pip.status = PipStatus.CLOSED
    pip.outcome = outcome
    pip.outcome_note = note
    pip.closed_at = timezone.now()
    pip.closed_by = actor if actor is not None and actor.is_authenticated else None
    pip.save()
    audit_record(
        actor=actor,
        action="pip.close",
        target=pip,
        subject_user=pip.person,
        changes={"status": [PipStatus.ACTIVE, PipStatus.CLOSED], "outcome": [None, outcome]},
        reason=note,
    )
    return pip
