"""The half-yearly reminder to revisit the KPI weights (SPEC §2.7: "weights are revisited
every half year (reminder), by a new scheme version"), a rule of the reminders app (registered
from ``DashboardsConfig.ready``; the reminders runner creates, closes and e-mails it).

- ``weights_revisit``: every HR user and admin, once per half year, linking to the weights
  what-if. Half years are **calendar** half years (due 1 January and 1 July), whatever the
  fiscal-year start *(product default)*: the reminder is about the calendar of the review, not
  about the periods it scores.

Once per half year: the reminder of a half year is due on its first day, so every run in that
half year proposes the same natural key (rule, person, due date) and the runner inserts it once
(a run missed on the first day creates it on the next run, still due on the first day). Done or
dismissed, it is not made again until the next half year; an open one closes when the next
half year's reminder replaces it.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.core.choices import Role
from apps.reminders.choices import LEVEL_OWNER
from apps.reminders.rules.base import Candidate, Rule, RunContext, registry

#: The first months of the calendar half years.
HALF_YEAR_MONTHS = (1, 7)


def half_year_start(day: dt.date) -> dt.date:
    """The first day of the calendar half year containing ``day`` (1 January or 1 July)."""
    return dt.date(day.year, 1 if day.month < 7 else 7, 1)


def previous_half_year(start: dt.date) -> tuple[dt.date, dt.date]:
    """``(first day, last day)`` of the half year before the one starting on ``start``."""
    if start.month == 7:
        return dt.date(start.year, 1, 1), dt.date(start.year, 6, 30)
    return dt.date(start.year - 1, 7, 1), dt.date(start.year - 1, 12, 31)


def configurers():
    """The active people who configure the KPI weights: HR and admins (superusers too)."""
    return User.objects.filter(
        Q(role__in=[Role.HR, Role.ADMIN]) | Q(is_superuser=True), is_active=True
    ).order_by("pk")


class WeightsRevisit(Rule):
    code = "weights_revisit"
    name = _("Revisit the KPI weights")
    description = _(
        "Reminds HR and admins every calendar half year (1 January, 1 July) to revisit the "
        "KPI weights with the what-if: a draft scheme tried on last half-year's figures."
    )
    #: The reminder points at its recipient (there is no record to revisit yet).
    model = "accounts.User"
    defaults: dict = {}
    params: dict = {}
    schedule = ("0", "8")
    #: The exact natural key (recipient, due date = first day of the half year) is the one
    #: occurrence per half year.
    same_occurrence_days = 0

    def candidates(self, ctx: RunContext):
        due = half_year_start(ctx.today)
        link = reverse("dashboards:weights-whatif")
        first, last = previous_half_year(due)
        details = {"since": first.isoformat(), "until": last.isoformat()}
        for recipient_id in configurers().values_list("pk", flat=True):
            yield Candidate(recipient_id, recipient_id, due, dict(details), link, LEVEL_OWNER)

    def resolved(self, ctx, open_reminders, candidates):
        """An open reminder of an earlier half year is replaced by this one's; one whose
        recipient no longer configures weights closes too."""
        current = {(c.recipient_id, c.due_on) for c in candidates}
        return {r.pk for r in open_reminders if (r.recipient_id, r.due_on) not in current}

    def title(self, details: dict, level: int) -> str:
        return gettext(
            "Revisit the KPI weights: compare a draft scheme on last half-year's figures."
        )


def register() -> None:
    """Add the rule to the reminders' registry (once)."""
    if WeightsRevisit.code not in registry:
        registry.register(WeightsRevisit)
