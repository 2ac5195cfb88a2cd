from django.urls import path

from apps.pips import views

app_name = "pips"

urlpatterns = [
    path("", views.PipListView.as_view(), name="pip-list"),
    path("new/", views.PipOpenView.as_view(), name="pip-open"),
    path("<int:pk>/", views.PipDetailView.as_view(), name="pip-detail"),
    path("<int:pk>/complete/", views.PipCompleteView.as_view(), name="pip-complete"),
    path("<int:pk>/outcome/", views.PipOutcomeView.as_view(), name="pip-outcome"),
    path("sessions/<int:pk>/log/", views.SessionLogView.as_view(), name="session-log"),
    path("sessions/<int:pk>/missed/", views.SessionMissedView.as_view(), name="session-missed"),
]
