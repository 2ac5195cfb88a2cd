from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipsConfig(AppConfig):
    name = "apps.pips"
    label = "pips"
    verbose_name = _("Performance improvement plans")

    def ready(self):
        from apps.core import audit_labels
        from apps.pips import reminder_rules

        reminder_rules.register()
        audit_labels.register(
            {
                "pip.propose": _("Improvement plan proposed from a grade C"),
                "pip.open": _("Improvement plan opened"),
                "pip.activate": _("Improvement plan started"),
                "pip.session_log": _("Coaching session logged"),
                "pip.session_missed": _("Coaching session missed"),
                "pip.session_escalate": _("Missed coaching session reported to HR"),
                "pip.extend": _("Improvement plan extended"),
                "pip.close": _("Improvement plan closed with an outcome"),
            }
        )
