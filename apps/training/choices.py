"""Choices and product defaults of training recommendations (SPEC §2.6 "Training")."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.development.choices import Skill

#: Product defaults (editable on the training settings page).
DEFAULT_WEAK_SCORE = Decimal("60")
DEFAULT_KPI_GAP_SCORE = Decimal("80")
DEFAULT_WORKSHOP_SHARE = Decimal("50")
#: A workshop needs at least this many weak people (one weak person gets courses instead).
MIN_WORKSHOP_PEOPLE = 2
#: Skill evidence is read over this many months back from the run day.
EVIDENCE_MONTHS = 12
#: A proposal declined or done this recently blocks a new one for the same team/person + skill.
QUIET_DAYS = 90

#: The capability dimensions proposals are made for (every skill but "other").
DIMENSIONS = (Skill.NEEDS_DISCOVERY, Skill.NEGOTIATION, Skill.DIGITAL_TOOLS, Skill.INDUSTRY)


class ProposalKind(models.TextChoices):
    TEAM_WORKSHOP = "team_workshop", _("Team workshop")
    INDIVIDUAL = "individual", _("Individual courses and mentor")


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", _("Done")
    DECLINED = "declined", _("Declined")


OPEN_STATUSES = (ProposalStatus.PROPOSED, ProposalStatus.ACCEPTED, ProposalStatus.SCHEDULED)
CLOSED_STATUSES = (ProposalStatus.DONE, ProposalStatus.DECLINED)

#: The catalogue a fresh settings row starts with: per skill a workshop title and courses.
DEFAULT_CATALOGUE = {
    Skill.NEEDS_DISCOVERY: {
        "workshop": "SPIN selling workshop",
        "courses": "SPIN questioning basics (online)\nUncovering implicit needs (online)",
    },
    Skill.NEGOTIATION: {
        "workshop": "Negotiation and objection-handling workshop",
        "courses": "Win-win negotiation (online)\nPrice objections and payment terms (online)",
    },
    Skill.DIGITAL_TOOLS: {
        "workshop": "Digital sales tools workshop",
        "courses": "CRM and pipeline hygiene (online)\nRemote demos and e-signature (online)",
    },
    Skill.INDUSTRY: {
        "workshop": "Industry insight workshop",
        "courses": "Industry pain points and trends (online)",
    },
}
