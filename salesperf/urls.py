from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.accounts.views import SignInView
from apps.core.views import healthz

urlpatterns = [
    path("", include("apps.core.urls")),
    path("accounts/", include("apps.accounts.urls")),
    path("leads/", include("apps.leads.urls")),
    path("customers/", include("apps.customers.urls")),
    path("opportunities/", include("apps.opportunities.urls")),
    path("activities/", include("apps.activities.urls")),
    path("sales/", include("apps.sales.urls")),
    path("performance/", include("apps.performance.urls")),
    path("scorecards/", include("apps.scorecards.urls")),
    path("reminders/", include("apps.reminders.urls")),
    path("surveys/", include("apps.surveys.urls")),
    path("development/", include("apps.development.urls")),
    path("reviews/", include("apps.reviews.urls")),
    path("grades/", include("apps.grades.urls")),
    path("pips/", include("apps.pips.urls")),
    path("promotions/", include("apps.promotions.urls")),
    path("pay/", include("apps.pay.urls")),
    path("training/", include("apps.training.urls")),
    path("exports/", include("apps.exports.urls")),
    path("dashboard/", include("apps.dashboards.urls")),
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("salesperf.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's init script as a separate request (?script): no inline
    # script, so the page works under the production Content-Security-Policy.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
