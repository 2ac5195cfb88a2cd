from django.urls import path

from apps.exports import views

app_name = "exports"

urlpatterns = [
    path("", views.ExportListView.as_view(), name="export-list"),
    path("download/", views.ExportDownloadView.as_view(), name="export-download"),
    path("log/", views.ExportLogView.as_view(), name="export-log"),
]
