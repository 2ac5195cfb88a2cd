from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REP = "rep", _("Sales rep")
    MANAGER = "manager", _("Sales manager")
    HR = "hr", _("HR")
    ADMIN = "admin", _("Admin")


#: Roles that see every record of the organisation.
ORGANISATION_WIDE_ROLES = frozenset({Role.HR, Role.ADMIN})
