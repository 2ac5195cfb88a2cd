from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CycleKind(models.TextChoices):
    QUARTER = "quarter", _("Quarterly 360° review")
    YEAR = "year", _("Annual review")


class CycleStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("review cycle", "Open")
    CLOSED = "closed", pgettext_lazy("review cycle", "Closed")


class CalibrationScope(models.TextChoices):
    """Where an annual cycle's forced distribution is applied (SPEC §2.6)."""

    COMPANY = "company", _("Whole company")
    TEAM = "team", _("Each team")


class ReviewStatus(models.TextChoices):
    """A review's steps (issue: open → self submitted → manager submitted → customer part
    complete → finalised (locked) → reopened by HR with a reason)."""

    OPEN = "open", pgettext_lazy("performance review", "Open")
    SELF_SUBMITTED = "self_submitted", _("Self-review submitted")
    MANAGER_SUBMITTED = "manager_submitted", _("Manager review submitted")
    CUSTOMER_COMPLETE = "customer_complete", _("Customer part complete")
    FINALISED = "finalised", _("Finalised")
    REOPENED = "reopened", _("Reopened")


class Part(models.TextChoices):
    """The three raters of a quarterly 360° review (SPEC §2.5)."""

    SELF = "self", _("Self")
    MANAGER = "manager", _("Manager")
    CUSTOMER = "customer", _("Customers")
