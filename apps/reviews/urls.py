from django.urls import path

from apps.reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.ReviewListView.as_view(), name="review-list"),
    path("<int:pk>/", views.ReviewDetailView.as_view(), name="review-detail"),
    path("<int:pk>/self/", views.ReviewSelfView.as_view(), name="review-self"),
    path("<int:pk>/manager/", views.ReviewManagerView.as_view(), name="review-manager"),
    path("<int:pk>/waive/", views.ReviewWaiveView.as_view(), name="review-waive"),
    path("<int:pk>/finalise/", views.ReviewFinaliseView.as_view(), name="review-finalise"),
    path("<int:pk>/reopen/", views.ReviewReopenView.as_view(), name="review-reopen"),
    path("cycles/", views.CycleListView.as_view(), name="cycle-list"),
    path("cycles/new/", views.CycleCreateView.as_view(), name="cycle-create"),
    path("cycles/<int:pk>/", views.CycleDetailView.as_view(), name="cycle-detail"),
    path("cycles/<int:pk>/close/", views.CycleCloseView.as_view(), name="cycle-close"),
]
