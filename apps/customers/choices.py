from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    LOST = "lost", _("Lost")


class UsageFrequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    RARELY = "rarely", _("Rarely")
    NEVER = "never", _("Never")


class DemandIntent(models.TextChoices):
    NONE = "none", _("None")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class InsightKind(models.TextChoices):
    TREND = "trend", _("Industry trend")
    COMPETITOR = "competitor", _("Competitor")
    PAIN_POINT = "pain_point", _("Customer pain point")


class InsightSource(models.TextChoices):
    REPORT = "report", _("Industry report")
    INTERVIEW = "interview", _("Customer interview")
    EXHIBITION = "exhibition", _("Exhibition")
    OTHER = "other", _("Other")


class FeedbackStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SENT = "sent", _("Sent to product team")
    CLOSED = "closed", _("Closed")
