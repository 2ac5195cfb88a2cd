from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "apps.reviews"
    label = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        from apps.core.audit_labels import register
        from apps.reviews import receivers
        from apps.surveys.signals import survey_changed

        survey_changed.connect(receivers.survey_changed, dispatch_uid="reviews.survey_changed")

        register(
            {
                "review.cycle_open": _("Review cycle opened"),
                "review.cycle_update": _("Review cycle changed"),
                "review.cycle_close": _("Review cycle closed"),
                "review.scheme_create": _("Annual weight scheme created"),
                "review.scheme_update": _("Annual weight scheme changed"),
                "review.self_save": _("Self-review saved"),
                "review.self_submit": _("Self-review submitted"),
                "review.manager_save": _("Manager review saved"),
                "review.manager_submit": _("Manager review submitted"),
                "review.customer_part": _("Customer part updated from the surveys"),
                "review.waive": _("Review part waived"),
                "review.finalise": _("Review finalised"),
                "review.reopen": _("Review reopened"),
                "review.annual_compute": _("Annual reviews computed"),
                "review.annual_score": _("Annual score computed"),
            }
        )
