from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipsConfig(AppConfig):
    name = "apps.pips"
    label = "pips"
    verbose_name = _("Performance improvement plans")
