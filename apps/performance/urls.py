from django.urls import path

from apps.performance import views

app_name = "performance"

urlpatterns = [
    path("targets/", views.TargetListView.as_view(), name="target-list"),
    path("targets/team/", views.TeamTargetsView.as_view(), name="target-team-edit"),
    path("targets/<int:pk>/", views.TargetDetailView.as_view(), name="target-detail"),
    path("schemes/", views.SchemeListView.as_view(), name="scheme-list"),
    path("schemes/new/", views.SchemeCreateView.as_view(), name="scheme-create"),
    path("schemes/<int:pk>/", views.SchemeDetailView.as_view(), name="scheme-detail"),
    path("period-settings/", views.PeriodSettingsView.as_view(), name="period-settings"),
    path("pdca/", views.PdcaListView.as_view(), name="pdca-list"),
    path("pdca/edit/", views.PdcaEditView.as_view(), name="pdca-edit"),
]
