"""Every REST route lives under /api/v1/. Apps register their viewsets on the one router."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from apps.accounts.api.views import ObtainTokenView, TeamViewSet, UserViewSet

router = DefaultRouter()
router.register("users", UserViewSet, basename="user")
router.register("teams", TeamViewSet, basename="team")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    *router.urls,
]
