from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    name = "apps.leads"
    label = "leads"
    verbose_name = _("Leads")

    def ready(self):
        from apps.core import related
        from apps.leads.models import Lead

        def referred_leads(*, user, obj):
            """The leads customer ``obj`` referred, as ``user`` sees them (customer page)."""
            return Lead.objects.visible_to(user).filter(referred_by=obj)

        related.register("customers.Customer", "referred_leads", referred_leads)
