from django.urls import path

from apps.leads import views

app_name = "leads"

urlpatterns = [
    path("", views.LeadListView.as_view(), name="lead-list"),
    path("new/", views.LeadCreateView.as_view(), name="lead-create"),
    path("import/", views.LeadImportView.as_view(), name="lead-import"),
    path("import/template.csv", views.import_template, name="lead-import-template"),
    path("rubric/", views.RubricView.as_view(), name="rubric"),
    path("<int:pk>/", views.LeadDetailView.as_view(), name="lead-detail"),
    path("<int:pk>/edit/", views.LeadUpdateView.as_view(), name="lead-update"),
    path("<int:pk>/status/", views.LeadTransitionView.as_view(), name="lead-transition"),
    path("<int:pk>/convert/", views.LeadConvertView.as_view(), name="lead-convert"),
    path("<int:pk>/grade/", views.LeadOverrideView.as_view(), name="lead-override"),
    path("<int:pk>/touches/new/", views.LeadTouchCreateView.as_view(), name="lead-touch-create"),
]
