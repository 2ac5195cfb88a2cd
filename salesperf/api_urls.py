"""Every REST route lives under /api/v1/. Each app registers its viewsets on the one router."""

from importlib import import_module

from django.urls import path
from rest_framework.routers import DefaultRouter

from apps.accounts.api.views import ApiTokenViewSet, ObtainTokenView, TeamViewSet, UserViewSet

API_APPS = [
    "leads",
    "customers",
    "opportunities",
    "activities",
    "sales",
    "performance",
    "scorecards",
    "reminders",
    "surveys",
    "development",
    "reviews",
    "grades",
    "pips",
    "promotions",
    "pay",
    "training",
    "exports",
]

router = DefaultRouter()
router.register("users", UserViewSet, basename="user")
router.register("teams", TeamViewSet, basename="team")
router.register("auth/tokens", ApiTokenViewSet, basename="token")
for app in API_APPS:
    import_module(f"apps.{app}.api.routes").register(router)

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    *router.urls,
]
