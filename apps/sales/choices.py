from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliveryStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DELIVERED = "delivered", _("Delivered")


#: Default credit term in days: due date = issue date + this (SPEC §1.2).
DEFAULT_CREDIT_TERM_DAYS = 30

#: Aging buckets for open receivables, in days past due: label, lowest day, highest day.
AGING_BUCKETS = (
    ("current", None, 0),
    ("1_30", 1, 30),
    ("31_60", 31, 60),
    ("61_90", 61, 90),
    ("91_plus", 91, None),
)
