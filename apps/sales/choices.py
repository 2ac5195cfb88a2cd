from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliveryStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DELIVERED = "delivered", _("Delivered")


class ReceivableState(models.TextChoices):
    """Filter choices for receivable lists (computed from payments, not stored)."""

    OPEN = "open", _("Open")
    OVERDUE = "overdue", _("Overdue")
    PAID = "paid", _("Paid")


class QuestionState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


#: Default credit term in days: due date = issue date + this (SPEC §1.2).
DEFAULT_CREDIT_TERM_DAYS = 30

#: Generated contract numbers: ``SO-<signing year>-<6-digit sequence>``.
ORDER_NUMBER_PREFIX = "SO"

#: Aging buckets for open receivables, in days past due: label, lowest day, highest day.
AGING_BUCKETS = (
    ("current", None, 0),
    ("1_30", 1, 30),
    ("31_60", 31, 60),
    ("61_90", 61, 90),
    ("91_plus", 91, None),
)

#: Column headings of the aging buckets, in the order of AGING_BUCKETS.
AGING_BUCKET_LABELS = {
    "current": _("Current"),
    "1_30": _("1–30 days"),
    "31_60": _("31–60 days"),
    "61_90": _("61–90 days"),
    "91_plus": _("91+ days"),
}
