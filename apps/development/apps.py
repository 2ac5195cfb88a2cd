from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevelopmentConfig(AppConfig):
    name = "apps.development"
    label = "development"
    verbose_name = _("Collaboration and capability")

    def ready(self):
        from apps.core import audit_labels

        audit_labels.register(
            {
                "collaboration_rating.give": _("Collaboration rating given"),
                "collaboration_rating.change": _("Collaboration rating changed"),
                "capability_goal.create": _("Capability goal set"),
                "capability_goal.update": _("Capability goal changed"),
                "capability_goal.progress": _("Capability goal progress updated"),
            }
        )
