from django.urls import path

from apps.scorecards import views

app_name = "scorecards"

urlpatterns = [
    path("", views.ScorecardListView.as_view(), name="scorecard-list"),
    path("<int:pk>/", views.ScorecardDetailView.as_view(), name="scorecard-detail"),
    path("<int:pk>/sources/", views.ScorecardSourcesView.as_view(), name="scorecard-sources"),
    path("dashboard/", views.DashboardRedirectView.as_view(), name="dashboard"),
    path("dashboard/<int:rep_id>/", views.DashboardRedirectView.as_view(), name="rep-dashboard"),
    path("recompute/", views.RecomputeView.as_view(), name="recompute"),
    path("jobs/<int:pk>/", views.JobDetailView.as_view(), name="job-detail"),
    path("jobs/<int:pk>/status/", views.JobStatusView.as_view(), name="job-status"),
]
