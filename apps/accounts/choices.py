from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.choices import Role  # noqa: F401  (re-exported: the role list lives in core)


class JobTitle(models.TextChoices):
    SALES_REP = "sales_rep", _("Sales rep")
    SENIOR_SALES_REP = "senior_sales_rep", _("Senior sales rep")
    SALES_SUPERVISOR = "sales_supervisor", _("Sales supervisor")
    SALES_MANAGER = "sales_manager", _("Sales manager")
    SALES_DIRECTOR = "sales_director", _("Sales director")
    HR_SPECIALIST = "hr_specialist", _("HR specialist")
    ADMINISTRATOR = "administrator", _("Administrator")
