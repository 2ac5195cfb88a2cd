from django.urls import path

from apps.pay import views

app_name = "pay"

urlpatterns = [
    path("", views.PayRunListView.as_view(), name="run-list"),
    path("runs/<int:pk>/", views.PayRunDetailView.as_view(), name="run-detail"),
    path("runs/<int:pk>/recompute/", views.PayRunRecomputeView.as_view(), name="run-recompute"),
    path("runs/<int:pk>/close/", views.PayRunCloseView.as_view(), name="run-close"),
    path("runs/<int:pk>/correct/", views.PayRunCorrectView.as_view(), name="run-correct"),
    path("statements/<int:pk>/", views.PayStatementDetailView.as_view(), name="statement-detail"),
    path("mine/", views.MyPayView.as_view(), name="my-pay"),
    path("policies/", views.PayPolicyListView.as_view(), name="policy-list"),
]
