"""Production settings: secure by default. Requires DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS."""

from django.utils.csp import CSP

from .base import *  # noqa: F401,F403
from .env import env_bool, env_int, env_list, env_str

DEBUG = False
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (Django's ContentSecurityPolicyMiddleware): our own origin only, no
# inline script or style anywhere in the UI (Swagger UI included), no plugins, no framing.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
# Permissions-Policy (apps.core.middleware.PermissionsPolicyMiddleware): no powerful feature.
SALESPERF_PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

# Throttle counters (the token endpoint's) live in the default cache: with several web processes
# (gunicorn reads WEB_CONCURRENCY as its number of workers) a per-process cache would let each
# process count on its own, so production refuses to start without a shared one. The sign-in
# lockout (django-axes) counts in the database, which every process shares anyway.
SALESPERF_WEB_PROCESSES = env_int("WEB_CONCURRENCY", 1)
if SALESPERF_WEB_PROCESSES > 1 and "locmem" in CACHES["default"]["BACKEND"].lower():  # noqa: F405
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "WEB_CONCURRENCY is above 1 but the cache is local to each process: set REDIS_CACHE_URL "
        "so that throttles count across every web process."
    )
