"""The reads of the dashboards: set-based, scoped with ``visible_to``, a fixed number of
queries whatever the number of people or records.

Charts and KPI figures come from the stored scorecards (``apps.scorecards``), never from
re-aggregating orders per request; the pipeline and the lead funnel are one ``GROUP BY`` query
each. The arithmetic on the rows (rates, gaps, ranks) is in :mod:`apps.dashboards.calculations`.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, DecimalField, F, Min, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from apps.accounts.models import Team, User
from apps.activities.models import Activity
from apps.core.permissions import SELLING_ROLES
from apps.core.scoping import sees_everything
from apps.leads.choices import OPEN_STATUSES, Grade, LeadStatus
from apps.leads.models import Lead
from apps.opportunities.choices import OPEN_STAGES
from apps.opportunities.models import Opportunity
from apps.performance.periods import MONTH, Period, period_containing
from apps.pips.choices import PipStatus, SessionStatus
from apps.pips.models import Pip
from apps.reminders.models import Reminder
from apps.reviews.choices import CycleStatus, ReviewStatus
from apps.reviews.models import Review
from apps.scorecards.models import Scorecard
from apps.scorecards.selectors import rep_monthly_history

__all__ = [
    "team_pip_progress",
    "team_review_progress",
    "a_leads_to_call",
    "company_cards",
    "lead_funnel_rows",
    "managed_or_visible_teams",
    "month_keys",
    "open_reminders",
    "people_without_scorecard",
    "pipeline_by_stage",
    "rep_history",
    "team_cards",
    "team_people",
]

ZERO_MONEY = Value(0, output_field=DecimalField(max_digits=16, decimal_places=2))


def local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def month_keys(period: Period, count: int = 12) -> list[str]:
    """The keys of the ``count`` months ending with ``period``, oldest first."""
    months = [period]
    for _ in range(count - 1):
        months.append(months[-1].previous())
    return [month.key for month in reversed(months)]


# --- A rep ------------------------------------------------------------------------------------


def rep_history(*, rep, period: Period, months: int = 12) -> list[dict]:
    """The rep's scorecards of the ``months`` months ending with ``period`` beside their
    team's averages (two queries): ``[{"period", "card", "team"}]``, oldest first."""
    return rep_monthly_history(rep=rep, months=month_keys(period, months))


def pipeline_by_stage(*, user, rep, today: datetime.date) -> list[dict]:
    """The rep's open opportunities per stage, as ``user`` sees them (ONE ``GROUP BY stage``
    query): ``[{"stage", "count", "value", "overdue_count", "overdue_value"}]`` — overdue:
    the expected close date has passed."""
    overdue = Q(expected_close_on__lt=today)
    rows = (
        Opportunity.objects.visible_to(user)
        .filter(owner=rep, stage__in=OPEN_STAGES)
        .order_by()
        .values("stage")
        .annotate(
            count=Count("pk"),
            value=Coalesce(Sum("expected_amount"), ZERO_MONEY),
            overdue_count=Count("pk", filter=overdue),
            overdue_value=Coalesce(Sum("expected_amount", filter=overdue), ZERO_MONEY),
        )
    )
    return list(rows)


def lead_funnel_rows(*, user, rep, since: datetime.date, until: datetime.date) -> list[dict]:
    """The rep's leads created in ``[since, until)`` and how many converted, per grade and
    source (ONE ``GROUP BY grade, source`` query): ``[{"grade", "source", "leads",
    "converted"}]``."""
    return list(
        Lead.objects.visible_to(user)
        .filter(
            owner=rep, created_at__gte=local_midnight(since), created_at__lt=local_midnight(until)
        )
        .order_by()
        .values("grade", "source")
        .annotate(leads=Count("pk"), converted=Count("pk", filter=Q(status=LeadStatus.CONVERTED)))
    )


def open_reminders(*, user, today: datetime.date, limit: int = 10):
    """``user``'s own open inbox reminders due by ``today``, the oldest first (one query)."""
    return list(
        Reminder.objects.visible_to(user)
        .in_inbox()
        .open()
        .filter(due_on__lte=today)
        .select_related("rule")
        .order_by("due_on", "pk")[:limit]
    )


def _last_activity(owner_path: str, **filters):
    return Subquery(
        Activity.objects.filter(**{owner_path: OuterRef("pk")}, **filters)
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )


def a_leads_to_call(*, user, rep, limit: int = 10):
    """The rep's open A-grade leads, the longest without contact first (never contacted before
    anything else), as ``user`` sees them (one query). ``last_contact`` is the later of the
    last activity logged on the lead and its first contact."""
    last_activity = Subquery(
        Activity.objects.filter(lead=OuterRef("pk"))
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )
    return list(
        Lead.objects.visible_to(user)
        .filter(owner=rep, grade=Grade.A, status__in=OPEN_STATUSES)
        .annotate(last_activity=last_activity)
        .annotate(
            last_contact=Greatest(
                Coalesce("last_activity", "first_contacted_at"),
                Coalesce("first_contacted_at", "last_activity"),
            )
        )
        .order_by(F("last_contact").asc(nulls_first=True), "created_at", "pk")[:limit]
    )


# --- A team -----------------------------------------------------------------------------------


def managed_or_visible_teams(user):
    """The teams whose dashboard ``user`` may open: HR and admin every team, a manager the
    teams they manage, anyone else none."""
    if sees_everything(user):
        return Team.objects.visible_to(user).order_by("name", "pk")
    if getattr(user, "role", None) == "manager":
        return Team.objects.filter(managers=user).order_by("name", "pk")
    return Team.objects.none()


def team_people(*, user, team, period_key: str):
    """The sellers of ``team`` as ``user`` sees them (one query): its active reps and
    managers, and the team's managers who have a scorecard for the month, each with
    ``last_activity`` (their latest activity, or ``None``)."""
    in_team = Q(team=team, is_active=True, role__in=SELLING_ROLES)
    selling_manager = Q(
        pk__in=Scorecard.objects.filter(rep__managed_teams=team, period_key=period_key).values(
            "rep"
        )
    )
    return list(
        User.objects.visible_to(user)
        .filter(in_team | selling_manager)
        .annotate(last_activity=_last_activity("owner"))
        .order_by("username", "pk")
    )


def team_cards(*, user, rep_ids: list[int], period_key: str) -> dict[int, Scorecard]:
    """``{rep_id: scorecard}`` of the month for ``rep_ids``, as ``user`` sees them (one
    query)."""
    return {
        card.rep_id: card
        for card in Scorecard.objects.visible_to(user).filter(
            rep__in=rep_ids, period_key=period_key
        )
    }


# --- The company ------------------------------------------------------------------------------


def company_cards(*, user, period_key: str) -> list[Scorecard]:
    """Every scorecard of the month ``user`` sees, with rep, team and the teams the rep
    manages (two queries)."""
    return list(
        Scorecard.objects.visible_to(user)
        .filter(period_key=period_key)
        .select_related("rep", "rep__team")
        .prefetch_related("rep__managed_teams")
        .order_by("rep__team__name", "rep__username", "pk")
    )


def people_without_scorecard(*, user, period_key: str):
    """The active sellers ``user`` sees who have no scorecard for the month, with their team
    and the teams they manage (two queries)."""
    return list(
        User.objects.visible_to(user)
        .filter(is_active=True, role__in=SELLING_ROLES)
        .exclude(scorecards__period_key=period_key)
        .select_related("team")
        .prefetch_related("managed_teams")
        .order_by("team__name", "username", "pk")
    )


def current_month(today: datetime.date | None = None) -> Period:
    return period_containing(MONTH, today or timezone.localdate())


def team_review_progress(*, user, rep_ids: list[int]) -> list[dict]:
    """The reviews of ``rep_ids`` in the open cycles, per cycle: how many, how many wait for
    the self-review, for the manager, and how many are finalised (one GROUP BY query)."""
    rows = (
        Review.objects.visible_to(user)
        .filter(person_id__in=rep_ids, cycle__status=CycleStatus.OPEN)
        .order_by()
        .values("cycle_id", "cycle__name", "cycle__period_key", "status")
        .annotate(count=Count("pk"))
    )
    cycles: dict[int, dict] = {}
    for row in rows:
        cycle = cycles.setdefault(
            row["cycle_id"],
            {
                "cycle_id": row["cycle_id"],
                "name": row["cycle__name"],
                "period_key": row["cycle__period_key"],
                "total": 0,
                "waiting_self": 0,
                "waiting_manager": 0,
                "finalised": 0,
            },
        )
        cycle["total"] += row["count"]
        if row["status"] in (ReviewStatus.OPEN, ReviewStatus.REOPENED):
            cycle["waiting_self"] += row["count"]
        elif row["status"] == ReviewStatus.SELF_SUBMITTED:
            cycle["waiting_manager"] += row["count"]
        elif row["status"] == ReviewStatus.FINALISED:
            cycle["finalised"] += row["count"]
    return sorted(cycles.values(), key=lambda c: (c["period_key"], c["cycle_id"]), reverse=True)


# --- The quarterly review meeting -------------------------------------------------------------


def quarter_team_cards(*, user, team, period_key: str) -> list[Scorecard]:
    """The stored quarter scorecards of ``period_key`` of ``team``'s people, as ``user`` sees
    them, with each person (one query; nothing is re-aggregated)."""
    return list(
        Scorecard.objects.visible_to(user)
        .filter(rep__team=team, period_key=period_key, period_kind="quarter")
        .select_related("rep")
        .order_by("rep__username", "pk")
    )


def team_pip_progress(*, user, rep_ids: list[int], today: datetime.date) -> list[Pip]:
    """The open improvement plans of ``rep_ids`` with their sessions held, missed and the next
    one to come (one query)."""
    upcoming = Q(sessions__status=SessionStatus.SCHEDULED, sessions__scheduled_on__gte=today)
    return list(
        Pip.objects.visible_to(user)
        .filter(person_id__in=rep_ids)
        .exclude(status=PipStatus.CLOSED)
        .select_related("person")
        .annotate(
            held=Count("sessions", filter=Q(sessions__status=SessionStatus.HELD)),
            missed=Count("sessions", filter=Q(sessions__status=SessionStatus.MISSED)),
            next_session=Min("sessions__scheduled_on", filter=upcoming),
        )
        .order_by("person__username", "pk")
    )
