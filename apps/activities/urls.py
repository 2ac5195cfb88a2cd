from django.urls import path

from apps.activities import views

app_name = "activities"

urlpatterns = [
    path("", views.ActivityListView.as_view(), name="activity-list"),
    path("new/", views.ActivityCreateView.as_view(), name="activity-create"),
    path("<int:pk>/", views.ActivityDetailView.as_view(), name="activity-detail"),
    path("<int:pk>/edit/", views.ActivityUpdateView.as_view(), name="activity-update"),
]
