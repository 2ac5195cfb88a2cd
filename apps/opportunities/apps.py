from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpportunitiesConfig(AppConfig):
    name = "apps.opportunities"
    label = "opportunities"
    verbose_name = _("Opportunities")

    def ready(self):
        from apps.core import related
        from apps.opportunities.models import Opportunity

        def customer_opportunities(*, user, obj):
            """The opportunities of customer ``obj``, as ``user`` sees them (customer page)."""
            return Opportunity.objects.visible_to(user).filter(customer=obj).select_related("owner")

        related.register("customers.Customer", "opportunities", customer_opportunities)
