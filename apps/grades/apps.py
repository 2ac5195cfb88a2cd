from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GradesConfig(AppConfig):
    name = "apps.grades"
    label = "grades"
    verbose_name = _("Annual grades")

    def ready(self):
        from apps.core import audit_labels

        audit_labels.register(
            {
                "grade.propose": _("Annual grade proposed"),
                "grade.move": _("Annual grade changed in calibration"),
                "grade.finalise": _("Annual grade finalised"),
                "grade.reopen": _("Annual grades reopened"),
            }
        )
