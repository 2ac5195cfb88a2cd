from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayConfig(AppConfig):
    name = "apps.pay"
    label = "pay"
    verbose_name = _("Performance pay")

    def ready(self):
        from apps.core import audit_labels

        audit_labels.register(
            {
                "pay.policy_create": _("Pay policy version created"),
                "pay.run_open": _("Pay run opened"),
                "pay.run_recompute": _("Pay run computed again"),
                "pay.run_close": _("Pay run closed"),
                "pay.run_correct": _("Closed pay run corrected"),
                "pay.adjustment": _("Pay adjustment for a closed month"),
            }
        )
