from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REP = "rep", _("Sales rep")
    MANAGER = "manager", _("Sales manager")
    HR = "hr", _("HR")
    ADMIN = "admin", _("Admin")


#: Roles that see every record of the organisation.
ORGANISATION_WIDE_ROLES = frozenset({Role.HR, Role.ADMIN})


class CompanySize(models.TextChoices):
    """A lead's or customer's size (shared by leads, customers and the lead-grading rubric)."""

    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")


class Grade(models.TextChoices):
    """A lead's grade, kept by the customer it becomes (weights the new-customer KPI)."""

    A = "A", _("A – high intent")
    B = "B", _("B – potential")
    C = "C", _("C – to be nurtured")
