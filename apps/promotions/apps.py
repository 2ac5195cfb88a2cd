from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionsConfig(AppConfig):
    name = "apps.promotions"
    label = "promotions"
    verbose_name = _("Promotions")

    def ready(self):
        from apps.core import audit_labels

        audit_labels.register(
            {
                "promotion.candidate": _("Promotion candidate named"),
                "promotion.restore": _("Promotion candidacy restored"),
                "promotion.withdraw": _("Promotion candidacy withdrawn"),
                "promotion.document": _("Methodology document saved"),
                "promotion.submit": _("Methodology document submitted"),
                "promotion.accept": _("Methodology document accepted"),
                "promotion.return": _("Methodology document returned for rework"),
                "promotion.decide": _("Promotion decided"),
            }
        )
