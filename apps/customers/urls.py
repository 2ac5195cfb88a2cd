from django.urls import path

from apps.customers import views

app_name = "customers"

urlpatterns = [
    path("", views.CustomerListView.as_view(), name="customer-list"),
    path("new/", views.CustomerCreateView.as_view(), name="customer-create"),
    path("<int:pk>/", views.CustomerDetailView.as_view(), name="customer-detail"),
    path("<int:pk>/edit/", views.CustomerUpdateView.as_view(), name="customer-update"),
    path("<int:pk>/mark-lost/", views.CustomerMarkLostView.as_view(), name="customer-mark-lost"),
    path(
        "<int:pk>/reactivate/", views.CustomerReactivateView.as_view(), name="customer-reactivate"
    ),
    path("<int:pk>/contacts/new/", views.ContactCreateView.as_view(), name="contact-create"),
    path(
        "<int:pk>/health-reports/new/",
        views.HealthReportCreateView.as_view(),
        name="health-report-create",
    ),
    path(
        "health-reports/<int:pk>/edit/",
        views.HealthReportUpdateView.as_view(),
        name="health-report-update",
    ),
    path("industries/", views.IndustryListView.as_view(), name="industry-list"),
    path("insights/", views.InsightListView.as_view(), name="insight-list"),
    path("insights/new/", views.InsightCreateView.as_view(), name="insight-create"),
    path("insights/<int:pk>/", views.InsightDetailView.as_view(), name="insight-detail"),
    path("insights/<int:pk>/edit/", views.InsightUpdateView.as_view(), name="insight-update"),
    path("feedback/", views.FeedbackListView.as_view(), name="feedback-list"),
    path("feedback/new/", views.FeedbackCreateView.as_view(), name="feedback-create"),
    path("feedback/<int:pk>/", views.FeedbackDetailView.as_view(), name="feedback-detail"),
    path("feedback/<int:pk>/edit/", views.FeedbackUpdateView.as_view(), name="feedback-update"),
]
