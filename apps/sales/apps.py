from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "apps.sales"
    label = "sales"
    verbose_name = _("Orders and collection")

    def ready(self):
        from apps.core import related
        from apps.sales.models import Order
        from apps.sales.selectors import customer_open_balance

        def customer_orders(*, user, obj):
            """The orders of customer ``obj``, as ``user`` sees them (customer page)."""
            return Order.objects.visible_to(user).filter(customer=obj).select_related("owner")

        related.register("customers.Customer", "orders", customer_orders)
        related.register("customers.Customer", "open_balance", customer_open_balance)
