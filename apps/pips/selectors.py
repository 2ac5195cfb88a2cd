"""Reads of improvement plans: the weak KPIs a plan starts from, the coaching manager, and a
plan's sessions split into past and upcoming."""

from __future__ import annotations

import datetime

from django.db.models import Q

from apps.accounts.models import User
from apps.core.choices import Role
from apps.performance.choices import PeriodKind
from apps.pips import calculations
from apps.pips.choices import WEAK_KPI_COUNT
from apps.scorecards.models import Scorecard


def latest_scorecard(person) -> Scorecard | None:
    """The person's latest year or quarter scorecard (the year one first on the same start)."""
    return (
        Scorecard.objects.filter(rep=person, period_kind__in=[PeriodKind.YEAR, PeriodKind.QUARTER])
        .exclude(kpi_scores={})
        .order_by("-period_end", "-period_kind")
        .first()
    )


def weak_kpis_of(person) -> tuple[list[dict], str]:
    """The person's weakest KPI scores in their latest year/quarter scorecard and its period."""
    card = latest_scorecard(person)
    if card is None:
        return [], ""
    return calculations.weakest_kpis(card.kpi_scores, WEAK_KPI_COUNT), card.period_key


def manager_of(person) -> User | None:
    """The first active manager of the person's team (not the person themself)."""
    if person.team_id is None:
        return None
    return (
        User.objects.filter(managed_teams=person.team_id, is_active=True)
        .exclude(pk=person.pk)
        .order_by("pk")
        .first()
    )


def hr_ids() -> list[int]:
    return list(
        User.objects.filter(role=Role.HR, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def people_for_new_plan(user):
    """The reps ``user`` may open a plan for (HR/admin: every active rep; a manager: their
    teams' active people other than themself), without those with an open plan."""
    from apps.pips.models import Pip
    from apps.pips.permissions import can_run_org

    people = User.objects.filter(is_active=True).exclude(pk=user.pk)
    if can_run_org(user):
        people = people.filter(role__in=[Role.REP, Role.MANAGER])
    else:
        people = people.filter(team__managers=user)
    busy = Pip.objects.open().values("person_id")
    return (
        people.exclude(pk__in=busy)
        .exclude(Q(team__isnull=True))
        .order_by("first_name", "last_name", "username")
    )


def split_sessions(sessions, today: datetime.date) -> tuple[list, list]:
    """(past or logged, upcoming) sessions of a plan."""
    past, upcoming = [], []
    for session in sessions:
        (
            upcoming if session.status == "scheduled" and session.scheduled_on >= today else past
        ).append(session)
    return past, upcoming
