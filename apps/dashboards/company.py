"""The built-in panels of the company overview (registered by ``DashboardsConfig.ready()``):
company totals against target, teams ranked by average score and by achievement, the score
distribution of each team, and the people without a scorecard for the month.

Each builder reads the month's scorecards already loaded in the :class:`CompanyOverview` (no
query of its own) except :func:`missing_panel` (one query).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from apps.dashboards import calculations, charts, selectors
from apps.dashboards.panels import CompanyOverview, Panel, register_company_panel
from apps.grades.selectors import distribution_summary
from apps.pay import selectors as pay_selectors
from apps.pay.models import PayRun
from apps.pay.permissions import may_run_pay
from apps.reviews.choices import CycleStatus, ReviewStatus
from apps.reviews.models import ReviewCycle
from apps.reviews.selectors import cycle_progress

#: People listed by name in the "without a scorecard" panel (the rest are counted).
MISSING_LISTED = 50


@dataclass
class TeamFigures:
    """One team's month, from its people's scorecards."""

    team_id: int | None
    name: str
    scores: list = field(default_factory=list)
    cards: list = field(default_factory=list)

    @property
    def average_score(self) -> Decimal | None:
        return calculations.average(self.scores)

    @property
    def totals(self) -> calculations.Totals:
        return calculations.totals(self.cards)


def team_of(person):
    """The team a person counts in: the one they work in, else the first one they manage
    (``managed_teams`` prefetched), else ``None``."""
    if person.team is not None:
        return person.team
    managed = sorted(person.managed_teams.all(), key=lambda team: (team.name, team.pk))
    return managed[0] if managed else None


def team_figures(cards) -> list[TeamFigures]:
    """The month's cards grouped by their person's team (:func:`team_of`; people without a
    team together)."""
    teams: dict = {}
    for card in cards:
        team = team_of(card.rep)
        key = team.pk if team else None
        figures = teams.setdefault(key, TeamFigures(key, str(team) if team else _("No team")))
        figures.cards.append(card)
        figures.scores.append(card.score)
    return list(teams.values())


def _team_url(overview: CompanyOverview, team_id) -> str | None:
    from django.urls import reverse

    if team_id is None:
        return None
    return f"{reverse('dashboards:team')}?team={team_id}&{overview.query}"


def totals_panel(overview: CompanyOverview) -> Panel:
    return Panel(
        key="totals",
        title=_("Company totals"),
        template="dashboards/panels/totals.html",
        context={"totals": calculations.totals(overview.cards)},
        wide=True,
    )


def teams_panel(overview: CompanyOverview) -> Panel | None:
    teams = team_figures(overview.cards)
    by_score = calculations.ranked(teams, key=lambda team: team.average_score)
    by_achievement = calculations.ranked(teams, key=lambda team: team.totals.achievement)
    rows = [
        {
            "rank": rank,
            "team": team,
            "average_score": team.average_score,
            "totals": team.totals,
            "url": _team_url(overview, team.team_id),
        }
        for rank, team in by_score
    ]
    achievement_rank = {id(team): rank for rank, team in by_achievement}
    for row in rows:
        row["achievement_rank"] = achievement_rank[id(row["team"])]
    context = {"rows": rows, "score_chart": None, "achievement_chart": None}
    if teams:
        context["score_chart"] = charts.bar(
            _("Teams by average score"),
            items=[(row["team"].name, row["average_score"], row["url"]) for row in rows],
            unit="score",
        )
        context["achievement_chart"] = charts.bar(
            _("Teams by sales achievement"),
            items=[
                (team.name, team.totals.achievement, _team_url(overview, team.team_id))
                for _rank, team in by_achievement
            ],
            unit="percent",
            reference=Decimal(100),
        )
    return Panel(
        key="teams",
        title=_("Teams ranked"),
        template="dashboards/panels/teams.html",
        context=context,
        wide=True,
    )


def distribution_panel(overview: CompanyOverview) -> Panel:
    teams = sorted(team_figures(overview.cards), key=lambda team: team.name)
    return Panel(
        key="distribution",
        title=_("Score distribution per team"),
        template="dashboards/panels/distribution.html",
        context={
            "histograms": [
                charts.histogram(
                    team.name, values=team.scores, bins=charts.SCORE_BINS, unit="score"
                )
                for team in teams
            ]
        },
        wide=True,
    )


def missing_panel(overview: CompanyOverview) -> Panel:
    people = selectors.people_without_scorecard(user=overview.user, period_key=overview.period.key)
    return Panel(
        key="missing",
        title=_("People without a scorecard"),
        template="dashboards/panels/missing.html",
        context={
            "people": [(person, team_of(person)) for person in people[:MISSING_LISTED]],
            "count": len(people),
            "more": max(len(people) - MISSING_LISTED, 0),
        },
    )


def grades_panel(overview: CompanyOverview) -> Panel | None:
    """The latest annual grades per letter and the 9-box, once grades exist."""
    summary = distribution_summary(user=overview.user)
    if summary is None:
        return None
    return Panel(
        key="grades",
        title=_("Grade distribution and 9-box"),
        template="grades/dashboard_panel.html",
        context=summary,
    )


#: Open review cycles shown on the overview (each costs two queries: a fixed bound).
REVIEW_CYCLES_SHOWN = 3


def reviews_panel(overview: CompanyOverview) -> Panel | None:
    """The open review cycles (newest first) and how far each has come."""
    cycles = list(
        ReviewCycle.objects.visible_to(overview.user)
        .filter(status=CycleStatus.OPEN)
        .order_by("-period_key", "-pk")[:REVIEW_CYCLES_SHOWN]
    )
    if not cycles:
        return None
    rows = []
    for cycle in cycles:
        progress = cycle_progress(cycle=cycle)
        rows.append(
            {
                "cycle": cycle,
                "progress": progress,
                "waiting_self": progress[ReviewStatus.OPEN] + progress[ReviewStatus.REOPENED],
                "waiting_manager": progress[ReviewStatus.SELF_SUBMITTED],
            }
        )
    return Panel(
        key="reviews",
        title=_("Review cycles in progress"),
        template="dashboards/panels/reviews.html",
        context={"rows": rows},
        wide=True,
    )


def pay_panel(overview: CompanyOverview) -> Panel | None:
    """HR and admins: the latest pay run's status and total, per team, with a link to it
    (two queries: the run, then the totals)."""
    if not may_run_pay(overview.user):
        return None
    run = PayRun.objects.visible_to(overview.user).order_by("-period_start", "-pk").first()
    if run is None:
        return None
    rows, grand = pay_selectors.team_totals(run, overview.user)
    return Panel(
        key="pay",
        title=_("Performance pay"),
        template="pay/dashboard_panel.html",
        context={"run": run, "teams": rows, "total": grand},
    )


def register_builtin_panels() -> None:
    register_company_panel("totals", totals_panel)
    register_company_panel("teams", teams_panel)
    register_company_panel("distribution", distribution_panel)
    register_company_panel("missing", missing_panel)
    register_company_panel("grades", grades_panel, after="distribution")
    register_company_panel("reviews", reviews_panel, after="totals")
    register_company_panel("pay", pay_panel, after="grades")
