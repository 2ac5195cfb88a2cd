from django.urls import path

from apps.surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.SurveyListView.as_view(), name="survey-list"),
    path("<int:pk>/", views.SurveyDetailView.as_view(), name="survey-detail"),
    path("<int:pk>/link/", views.SurveyIssueLinkView.as_view(), name="survey-issue-link"),
    path("<int:pk>/interview/", views.SurveyRecordView.as_view(), name="survey-record"),
    path("<int:pk>/cancel/", views.SurveyCancelView.as_view(), name="survey-cancel"),
    # The customer's page: no sign-in, the token is the only key.
    path("answer/<str:token>/", views.SurveyAnswerView.as_view(), name="answer"),
]
