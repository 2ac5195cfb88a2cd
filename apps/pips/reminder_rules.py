"""The reminders of improvement plans, as rules of the reminders app (registered from
``PipsConfig.ready``; the reminders runner creates, closes and e-mails them):

- ``pip_session_due``: the coaching manager, from the working day before a session until it is
  logged or marked missed;
- ``pip_session_missed``: HR, once per missed session escalated (level 1).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.pips.choices import PipStatus, SessionStatus
from apps.pips.models import CoachingSession
from apps.pips.selectors import hr_ids
from apps.reminders.choices import LEVEL_MANAGER, LEVEL_OWNER
from apps.reminders.rules.base import Candidate, Rule, RunContext, managers_of, registry


def _name(row: dict) -> str:
    full = f"{row['pip__person__first_name']} {row['pip__person__last_name']}".strip()
    return full or row["pip__person__username"]


FIELDS = (
    "pk",
    "number",
    "scheduled_on",
    "pip_id",
    "pip__manager_id",
    "pip__person_id",
    "pip__person__username",
    "pip__person__first_name",
    "pip__person__last_name",
)


def _link(row: dict) -> str:
    return reverse("pips:pip-detail", args=[row["pip_id"]]) + f"#session-{row['number']}"


def _details(row: dict) -> dict:
    return {
        "person": _name(row),
        "day": row["scheduled_on"].isoformat(),
        "number": row["number"],
    }


class PipSessionDue(Rule):
    code = "pip_session_due"
    name = _("Coaching session due")
    description = _(
        "Reminds the coaching manager of a weekly improvement-plan session from the working day "
        "before until it is logged or marked missed."
    )
    model = "pips.CoachingSession"
    defaults: dict = {}
    params: dict = {}
    schedule = ("30", "7")
    same_occurrence_days = None

    def pending(self):
        return CoachingSession.objects.filter(
            status=SessionStatus.SCHEDULED, pip__status=PipStatus.ACTIVE
        )

    def candidates(self, ctx: RunContext):
        tomorrow = ctx.calendar.add_working_days(ctx.today, 1)
        rows = list(self.pending().filter(scheduled_on__lte=tomorrow).values(*FIELDS))
        fallback = managers_of(r["pip__person_id"] for r in rows if not r["pip__manager_id"])
        for row in rows:
            recipients = (
                [row["pip__manager_id"]]
                if row["pip__manager_id"]
                else fallback.get(row["pip__person_id"], [])
            )
            for recipient in recipients:
                yield Candidate(
                    row["pk"],
                    recipient,
                    row["scheduled_on"],
                    _details(row),
                    _link(row),
                    LEVEL_OWNER,
                )

    def resolved(self, ctx, open_reminders, candidates):
        ids = {r.object_id for r in open_reminders}
        still = set(self.pending().filter(pk__in=ids).values_list("pk", flat=True))
        return {r.pk for r in open_reminders if r.object_id not in still}

    def title(self, details: dict, level: int) -> str:
        return gettext("Coaching session %(number)s with %(person)s on %(day)s") % {
            "number": details.get("number", ""),
            "person": details.get("person", ""),
            "day": details.get("day", ""),
        }


class PipSessionMissed(Rule):
    code = "pip_session_missed"
    name = _("Coaching session missed")
    description = _(
        "Tells HR when a weekly improvement-plan session was missed (marked missed, or not "
        "logged by the end of the working day after it)."
    )
    model = "pips.CoachingSession"
    defaults: dict = {}
    params: dict = {}
    schedule = ("45", "8")
    same_occurrence_days = None

    def pending(self):
        return CoachingSession.objects.filter(
            status=SessionStatus.MISSED, escalated_at__isnull=False
        ).exclude(pip__status=PipStatus.CLOSED)

    def candidates(self, ctx: RunContext):
        rows = list(self.pending().values(*FIELDS))
        hr = hr_ids() if rows else []
        for row in rows:
            for recipient in hr:
                yield Candidate(
                    row["pk"],
                    recipient,
                    row["scheduled_on"],
                    _details(row),
                    _link(row),
                    LEVEL_MANAGER,
                )

    def resolved(self, ctx, open_reminders, candidates):
        ids = {r.object_id for r in open_reminders}
        still = set(self.pending().filter(pk__in=ids).values_list("pk", flat=True))
        return {r.pk for r in open_reminders if r.object_id not in still}

    def title(self, details: dict, level: int) -> str:
        return gettext("Missed coaching session %(number)s with %(person)s on %(day)s") % {
            "number": details.get("number", ""),
            "person": details.get("person", ""),
            "day": details.get("day", ""),
        }


def register() -> None:
    """Add the rules to the reminders' registry (once)."""
    for rule in (PipSessionDue, PipSessionMissed):
        if rule.code not in registry:
            registry.register(rule)
