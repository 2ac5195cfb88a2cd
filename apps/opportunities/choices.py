from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    NEEDS_DISCOVERY = "needs_discovery", _("Needs discovery")
    SOLUTION_DESIGN = "solution_design", _("Solution design")
    NEGOTIATION = "negotiation", _("Negotiation")
    WON = "won", _("Won / contract signed")
    DELIVERED = "delivered", _("Delivered")
    LOST = "lost", _("Lost")


#: Default win probabilities per stage (SPEC §1.2, product default).
STAGE_PROBABILITY = {
    Stage.NEEDS_DISCOVERY: Decimal("10"),
    Stage.SOLUTION_DESIGN: Decimal("30"),
    Stage.NEGOTIATION: Decimal("60"),
    Stage.WON: Decimal("100"),
    Stage.DELIVERED: Decimal("100"),
    Stage.LOST: Decimal("0"),
}

OPEN_STAGES = (Stage.NEEDS_DISCOVERY, Stage.SOLUTION_DESIGN, Stage.NEGOTIATION)
STAGE_ORDER = [
    Stage.NEEDS_DISCOVERY,
    Stage.SOLUTION_DESIGN,
    Stage.NEGOTIATION,
    Stage.WON,
    Stage.DELIVERED,
]


class OpportunityKind(models.TextChoices):
    NEW_BUSINESS = "new_business", _("New business")
    UPGRADE = "upgrade", _("Upgrade")
    MAINTENANCE = "maintenance", _("Maintenance package")
    CROSS_SELL = "cross_sell", _("Cross-sell")


class RiskKind(models.TextChoices):
    PAYMENT_TERMS = "payment_terms", _("Payment-terms dispute")
    REQUIREMENT_CHANGE = "requirement_change", _("Requirement change")
    OTHER = "other", _("Other")


class RiskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MITIGATED = "mitigated", _("Mitigated")
    CLOSED = "closed", _("Closed")


class ReviewStatus(models.TextChoices):
    NOT_SUBMITTED = "not_submitted", _("Not submitted")
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
