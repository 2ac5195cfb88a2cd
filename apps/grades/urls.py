from django.urls import path

from apps.grades import views

app_name = "grades"

urlpatterns = [
    path("", views.GradeListView.as_view(), name="grade-list"),
    path("<int:pk>/", views.GradeDetailView.as_view(), name="grade-detail"),
    path("<int:pk>/move/", views.GradeMoveView.as_view(), name="grade-move"),
    path("calibration/", views.CalibrationView.as_view(), name="calibration"),
    path("calibration/propose/", views.ProposeView.as_view(), name="propose"),
    path("calibration/finalise/", views.FinaliseView.as_view(), name="finalise"),
    path("calibration/reopen/", views.ReopenView.as_view(), name="reopen"),
]
