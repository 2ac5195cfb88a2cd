from django.db import models
from django.utils.translation import gettext_lazy as _

#: A plan runs this many months; an extension adds as many again (once).
PLAN_MONTHS = 3
MAX_EXTENSIONS = 1
#: KPIs pre-filled as the plan's focus when it is proposed.
WEAK_KPI_COUNT = 3


class PipStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Running")
    CLOSED = "closed", _("Closed")


class PipOutcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    EXTENDED = "extended", _("Extended by three months")
    FAILED = "failed", _("Failed")


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    MISSED = "missed", _("Missed")
