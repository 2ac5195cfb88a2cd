from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CLOSED_AUTO = "closed_auto", _("Closed automatically")


class ExceptionKind(models.TextChoices):
    HOLIDAY = "holiday", _("Extra holiday (not a working day)")
    WORKDAY = "workday", _("Make-up working day")


#: Escalation levels of one reminder (part of its natural key).
LEVEL_OWNER = 0
LEVEL_MANAGER = 1
