from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpportunitiesConfig(AppConfig):
    name = "apps.opportunities"
    label = "opportunities"
    verbose_name = _("Opportunities")

    def ready(self):
        from apps.core import related
        from apps.opportunities.selectors import customer_open_deals, customer_opportunities

        # The customer page: every deal (with its "past close date" flag) and the open ones.
        related.register("customers.Customer", "opportunities", customer_opportunities)
        related.register("customers.Customer", "open_deals", customer_open_deals)
