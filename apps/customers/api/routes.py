"""REST routes of this app, registered on the one /api/v1/ router."""


def register(router):
    from apps.customers.api import views

    router.register("customers", views.CustomerViewSet, basename="customer")
    router.register("contacts", views.ContactViewSet, basename="contact")
    router.register("industries", views.IndustryViewSet, basename="industry")
    router.register("health-reports", views.HealthReportViewSet, basename="health-report")
    router.register("market-insights", views.MarketInsightViewSet, basename="market-insight")
    router.register("product-feedback", views.ProductFeedbackViewSet, basename="product-feedback")
