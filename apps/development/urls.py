from django.urls import path

from apps.development import views

app_name = "development"

urlpatterns = [
    path("ratings/", views.RatingListView.as_view(), name="rating-list"),
    path("ratings/mine/", views.MyCollaborationView.as_view(), name="my-collaboration"),
    path("ratings/all/", views.RatingTeamView.as_view(), name="rating-team"),
    path("ratings/<int:pk>/", views.RatingGiveView.as_view(), name="rating-give"),
    path("learning/", views.LearningListView.as_view(), name="learning-list"),
    path("learning/new/", views.LearningCreateView.as_view(), name="learning-create"),
    path("learning/<int:pk>/edit/", views.LearningUpdateView.as_view(), name="learning-update"),
    path("learning/<int:pk>/delete/", views.LearningDeleteView.as_view(), name="learning-delete"),
    path("goals/new/", views.GoalCreateView.as_view(), name="goal-create"),
    path("goals/<int:pk>/edit/", views.GoalUpdateView.as_view(), name="goal-update"),
    path("cases/", views.CaseListView.as_view(), name="case-list"),
    path("cases/new/", views.CaseCreateView.as_view(), name="case-create"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case-detail"),
    path("cases/<int:pk>/edit/", views.CaseUpdateView.as_view(), name="case-update"),
    path("cases/<int:pk>/delete/", views.CaseDeleteView.as_view(), name="case-delete"),
]
