from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "apps.exports"
    label = "exports"
    verbose_name = _("HR exports")

    def ready(self):
        from apps.core.audit_labels import register

        register({"export.download": _("Data exported")})
