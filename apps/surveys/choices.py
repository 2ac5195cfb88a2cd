from django.db import models
from django.utils.translation import gettext_lazy as _


class SurveyStatus(models.TextChoices):
    #: Drawn and waiting for the customer (a link may have been issued).
    PENDING = "pending", _("Waiting for the answer")
    ANSWERED = "answered", _("Answered")
    #: Withdrawn by HR or the manager (e.g. the contact left); never counted.
    CANCELLED = "cancelled", _("Cancelled")


class SurveyChannel(models.TextChoices):
    LINK = "link", _("Survey link")
    PHONE = "phone", _("Phone interview")


class Dimension(models.TextChoices):
    """The three dimensions of SPEC §2.3, each 0–100 (equal weights by default)."""

    SOLUTION_FIT = "solution_fit", _("Solution fit")
    RESPONSE_SPEED = "response_speed", _("Response speed")
    PROBLEM_RESOLUTION = "problem_resolution", _("Problem resolution")
