from django.urls import path

from apps.training import views

app_name = "training"

urlpatterns = [
    path("", views.ProposalListView.as_view(), name="proposal-list"),
    path("generate/", views.GenerateView.as_view(), name="generate"),
    path("settings/", views.SettingsView.as_view(), name="settings"),
    path("<int:pk>/", views.ProposalDetailView.as_view(), name="proposal-detail"),
    path("<int:pk>/accept/", views.ProposalAcceptView.as_view(), name="proposal-accept"),
    path("<int:pk>/schedule/", views.ProposalScheduleView.as_view(), name="proposal-schedule"),
    path("<int:pk>/done/", views.ProposalDoneView.as_view(), name="proposal-done"),
    path("<int:pk>/decline/", views.ProposalDeclineView.as_view(), name="proposal-decline"),
]
