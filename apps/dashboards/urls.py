from django.urls import path

from apps.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.RepDashboardView.as_view(), name="my"),
    path("rep/<int:rep_id>/", views.RepDashboardView.as_view(), name="rep"),
    path("team/", views.TeamDashboardView.as_view(), name="team"),
    path("company/", views.CompanyDashboardView.as_view(), name="company"),
    path("review-meeting/", views.ReviewMeetingView.as_view(), name="review-meeting"),
    path("weights-what-if/", views.WeightsWhatIfView.as_view(), name="weights-whatif"),
]
