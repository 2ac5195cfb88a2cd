from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

#: Product defaults of a pay policy (SPEC §2.6), in percent.
DEFAULT_BASE_SHARE = Decimal("40")
DEFAULT_PERFORMANCE_SHARE = Decimal("50")
DEFAULT_CAPABILITY_SHARE = Decimal("10")
DEFAULT_SCORE_CAP = Decimal("120")
DEFAULT_SATISFACTION_THRESHOLD = Decimal("90")
DEFAULT_SATISFACTION_BONUS_RATE = Decimal("5")


class PayRunStatus(models.TextChoices):
    """queued → computing → open (HR reviews; may recompute) → closed (locked); failed."""

    QUEUED = "queued", pgettext_lazy("pay run", "Queued")
    COMPUTING = "computing", pgettext_lazy("pay run", "Computing")
    OPEN = "open", pgettext_lazy("pay run", "Open for review")
    CLOSED = "closed", pgettext_lazy("pay run", "Closed")
    FAILED = "failed", pgettext_lazy("pay run", "Failed")


class MissingInput(models.TextChoices):
    """An input a statement had to do without (listed on the statement with its effect)."""

    PAY_STANDARD = "pay_standard", _("No monthly performance-pay standard")
    BASE_SALARY = "base_salary", _("No monthly base salary")
    QUANTITATIVE = "quantitative", _("No monthly score")
    QUALITATIVE = "qualitative", _("No finalised quarterly review")
    SATISFACTION = "satisfaction", _("No quarterly customer satisfaction")
