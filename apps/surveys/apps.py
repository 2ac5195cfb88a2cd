from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "apps.surveys"
    label = "surveys"
    verbose_name = _("Customer satisfaction surveys")

    def ready(self):
        from apps.core import audit_labels, related
        from apps.customers import services as customer_services
        from apps.surveys import selectors

        audit_labels.register(
            {
                "survey.sample": _("Customers drawn for the satisfaction survey"),
                "survey.issue_link": _("Survey link sent"),
                "survey.answer": _("Satisfaction survey answered"),
                "survey.cancel": _("Satisfaction survey cancelled"),
            }
        )
        # The customer page and its health reports show the latest answered survey, and a
        # health report's satisfaction is its quarter's survey score (customers sits below).
        related.register(
            "customers.Customer", "latest_survey", selectors.latest_survey_for_customer
        )
        customer_services.register_survey_satisfaction(selectors.quarter_score)
