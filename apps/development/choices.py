from django.db import models
from django.utils.translation import gettext_lazy as _


class RaterRole(models.TextChoices):
    MANAGER = "manager", _("Manager")
    PEER = "peer", _("Peer")


class LearningKind(models.TextChoices):
    """What a learning-log entry records (SPEC §1.4)."""

    COURSE = "course", _("Course")
    CERTIFICATION = "certification", _("Certification")
    EXAM = "exam", _("Course exam")
    SANDBOX = "sandbox", _("Sales sandbox exercise")
    COMPETITOR_MEETING = "competitor_meeting", _("Competitor-analysis meeting")


class Skill(models.TextChoices):
    """The capabilities SPEC §2.3 scores (sandbox and exams are scored per skill)."""

    NEEDS_DISCOVERY = "needs_discovery", _("Needs discovery")
    NEGOTIATION = "negotiation", _("Negotiation")
    DIGITAL_TOOLS = "digital_tools", _("Digital tools")
    INDUSTRY = "industry", _("Industry knowledge")
    OTHER = "other", _("Other")


class CaseKind(models.TextChoices):
    SUCCESS = "success", _("Success case")
    FAILURE = "failure", _("Failure lesson")
