from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "apps.activities"
    label = "activities"
    verbose_name = _("Activities")

    def ready(self):
        from apps.activities.selectors import (
            customer_activities,
            customer_next_step,
            opportunity_activities,
        )
        from apps.core import related

        related.register("customers.Customer", "activities", customer_activities)
        related.register("opportunities.Opportunity", "activities", opportunity_activities)
        related.register("customers.Customer", "next_activity", customer_next_step)
