"""SPEC §2.7, issue 11 item 6: a rep's or a team's customer satisfaction that falls two
quarters in a row (Q1 > Q2 > Q3, Q3 the last complete quarter) reminds the rep's manager(s), or
the team's managers, and HR to review the process, e.g. switch on solution pre-review.

The figures are the stored quarter scorecards' ``customer_satisfaction`` (one query over the
last three quarters for everyone); a team's figure is the mean of its reps' (their current
team) that have one. A quarter without a figure (no scorecard, or no answered survey) makes no
alert. The reminder is due on the day after the last complete quarter, so the runner's natural
key makes exactly one per rep/team, recipient and quarter, however often it runs; it closes
itself once a later quarter is complete (or the figures no longer show the decline)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Team
from apps.core.formatting import format_number
from apps.performance.periods import period_containing
from apps.reminders.choices import LEVEL_MANAGER
from apps.reminders.rules.base import Candidate, Rule, RunContext, managers_of, registry
from apps.reminders.rules.reviews import hr_ids
from apps.scorecards.choices import PeriodKind
from apps.scorecards.models import Scorecard

MEAN_PLACES = Decimal("0.01")


def last_three_quarters(today):
    """The three fiscal quarters before the one ``today`` lies in, oldest first."""
    last = period_containing(PeriodKind.QUARTER, today).previous()
    return [last.previous().previous(), last.previous(), last]


def falls_twice(values: list) -> bool:
    """``True`` when three readings (oldest first) are all there and strictly fall twice."""
    return len(values) == 3 and None not in values and values[0] > values[1] > values[2]


def _figures(ctx: RunContext):
    """({rep_id: (name, team_id, [v1, v2, v3])}, {team_id: [mean1, mean2, mean3]}, last quarter)
    from one query over the quarter scorecards of the last three quarters."""
    quarters = last_three_quarters(ctx.today)
    keys = [q.key for q in quarters]
    rows = Scorecard.objects.filter(period_kind=PeriodKind.QUARTER, period_key__in=keys).values(
        "rep_id",
        "rep__username",
        "rep__first_name",
        "rep__last_name",
        "rep__team_id",
        "rep__team__name",
        "period_key",
        "customer_satisfaction",
    )
    reps: dict[int, dict] = {}
    team_values: dict[int, list[list]] = defaultdict(lambda: [[], [], []])
    team_names: dict[int, str] = {}
    for row in rows:
        index = keys.index(row["period_key"])
        rep = reps.setdefault(
            row["rep_id"],
            {
                "name": f"{row['rep__first_name']} {row['rep__last_name']}".strip()
                or row["rep__username"],
                "team_id": row["rep__team_id"],
                "values": [None, None, None],
            },
        )
        value = row["customer_satisfaction"]
        rep["values"][index] = value
        if row["rep__team_id"] is not None and value is not None:
            team_values[row["rep__team_id"]][index].append(value)
            team_names[row["rep__team_id"]] = row["rep__team__name"]
    teams = {
        team_id: {
            "name": team_names[team_id],
            "values": [(sum(v) / len(v)).quantize(MEAN_PLACES) if v else None for v in per_quarter],
        }
        for team_id, per_quarter in team_values.items()
    }
    return reps, teams, quarters[-1]


def _details(name: str, values: list, quarter) -> dict:
    return {
        "name": name,
        "quarter": quarter.key,
        "values": [str(v) for v in values],
    }


class _DeclineRule(Rule):
    schedule = ("30", "8")
    same_occurrence_days = 0

    def declines(self, ctx) -> list[tuple[int, dict, list[int]]]:
        """(object id, details, recipient ids) of each decline."""
        raise NotImplementedError

    def candidates(self, ctx: RunContext):
        declines = self.declines(ctx)
        if not declines:
            return
        hr = hr_ids()
        link = reverse("opportunities:pipeline-settings")
        for object_id, details, recipients in declines:
            due = details.pop("due_on")
            for recipient in dict.fromkeys([*recipients, *hr]):
                yield Candidate(object_id, recipient, due, dict(details), link, LEVEL_MANAGER)

    def resolved(self, ctx, open_reminders, candidates):
        current = {(c.object_id, c.due_on) for c in candidates}
        return {r.pk for r in open_reminders if (r.object_id, r.due_on) not in current}

    def title(self, details, level):
        values = " → ".join(format_number(v, 1) for v in details.get("values", []))
        return gettext(
            "Customer satisfaction of %(name)s fell two quarters in a row (%(values)s): review "
            "the process, e.g. switch on solution pre-review."
        ) % {"name": details.get("name", ""), "values": values}


@registry.register
class RepSatisfactionDecline(_DeclineRule):
    code = "satisfaction_decline_rep"
    name = _("Rep's customer satisfaction fell two quarters in a row")
    description = _(
        "When a rep's quarterly customer satisfaction falls two quarters in a row, reminds the "
        "rep's managers and HR to review the process (e.g. switch on solution pre-review)."
    )
    model = "accounts.User"

    def declines(self, ctx):
        reps, _teams, quarter = _figures(ctx)
        falling = {pk: rep for pk, rep in reps.items() if falls_twice(rep["values"])}
        managers = managers_of(falling) if falling else {}
        return [
            (
                pk,
                {**_details(rep["name"], rep["values"], quarter), "due_on": quarter.end},
                managers.get(pk, []),
            )
            for pk, rep in sorted(falling.items())
        ]


@registry.register
class TeamSatisfactionDecline(_DeclineRule):
    code = "satisfaction_decline_team"
    name = _("Team's customer satisfaction fell two quarters in a row")
    description = _(
        "When the mean quarterly customer satisfaction of a team's reps falls two quarters in a "
        "row, reminds the team's managers and HR to review the process (e.g. switch on solution "
        "pre-review)."
    )
    model = "accounts.Team"

    def declines(self, ctx):
        _reps, teams, quarter = _figures(ctx)
        falling = {pk: team for pk, team in teams.items() if falls_twice(team["values"])}
        managers: dict[int, list[int]] = defaultdict(list)
        if falling:
            rows = Team.managers.through.objects.filter(team_id__in=falling).values_list(
                "team_id", "user_id"
            )
            for team_id, user_id in rows:
                managers[team_id].append(user_id)
        return [
            (
                pk,
                {**_details(team["name"], team["values"], quarter), "due_on": quarter.end},
                sorted(managers.get(pk, [])),
            )
            for pk, team in sorted(falling.items())
        ]
