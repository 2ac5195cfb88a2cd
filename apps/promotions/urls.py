from django.urls import path

from apps.promotions import views

app_name = "promotions"

urlpatterns = [
    path("", views.CandidateListView.as_view(), name="candidate-list"),
    path("refresh/", views.RefreshView.as_view(), name="refresh"),
    path("material/", views.MaterialView.as_view(), name="material"),
    path("<int:pk>/", views.CandidateDetailView.as_view(), name="candidate-detail"),
    path("<int:pk>/document/", views.DocumentFormView.as_view(), name="document-form"),
    path("<int:pk>/document/file/", views.DocumentDownloadView.as_view(), name="document-file"),
    path("<int:pk>/accept/", views.AcceptView.as_view(), name="accept"),
    path("<int:pk>/return/", views.ReturnView.as_view(), name="return"),
    path("<int:pk>/decide/", views.DecideView.as_view(), name="decide"),
]
