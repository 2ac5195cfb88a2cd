from django.db import models
from django.utils.translation import gettext_lazy as _


class Grade(models.TextChoices):
    """Annual grades by forced distribution (SPEC §2.6)."""

    A = "A", _("A — top performer")
    B = "B", _("B — meets expectations")
    C = "C", _("C — needs improvement")
