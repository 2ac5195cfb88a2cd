"""Settings shared by every environment. Everything that differs comes from the environment."""

import datetime
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("SALESPERF_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-development-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
]
LOCAL_APPS = [
    "apps.core",
    "apps.accounts",
    "apps.leads",
    "apps.customers",
    "apps.opportunities",
    "apps.activities",
    "apps.sales",
    "apps.surveys",
    "apps.development",
    "apps.performance",
    "apps.scorecards",
    "apps.reviews",
    "apps.grades",
    "apps.reminders",
    "apps.pay",
    "apps.pips",
    "apps.promotions",
    "apps.training",
    "apps.exports",
    "apps.dashboards",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    # First: answers only the container's own plain-HTTP GET /healthz from loopback, before the
    # HTTPS redirect and the host check (apps/core/middleware.py says exactly when).
    "apps.core.middleware.LoopbackHealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Both send nothing unless SECURE_CSP / SALESPERF_PERMISSIONS_POLICY is set (production).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "apps.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a sign-in refused by django-axes into a 429 (apps/accounts/security.py).
    "axes.middleware.AxesMiddleware",
]

#: Permissions-Policy header: feature -> allowed origins ([] = nobody). Set in production.
SALESPERF_PERMISSIONS_POLICY: dict[str, list[str]] = {}

ROOT_URLCONF = "salesperf.urls"
WSGI_APPLICATION = "salesperf.wsgi.application"
ASGI_APPLICATION = "salesperf.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "apps.core.context_processors.navigation",
                "apps.reminders.context_processors.unread_reminders",
            ],
        },
    },
]

# --- Database: SQLite by default, DATABASE_URL switches (e.g. to PostgreSQL) -----------------
DEFAULT_SQLITE_PATH = VAR_DIR / "db.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE_PATH}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Web, worker and scheduler share one file: WAL, a busy timeout and IMMEDIATE
    # transactions keep them from tripping over "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

# --- Sign-in protection (django-axes) and API tokens (apps/accounts/security.py, README
# "Security") ------------------------------------------------------------------------------
# Axes first: it refuses a locked-out account or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "apps.accounts.security.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
#: How many reverse proxies in front of the app append to X-Forwarded-For. 0: the client is
#: REMOTE_ADDR and the header is ignored; N: the N-th address from the right of the header.
SALESPERF_TRUSTED_PROXIES = env_int("SALESPERF_TRUSTED_PROXIES", 0)
if not 0 <= SALESPERF_TRUSTED_PROXIES <= 10:
    raise ImproperlyConfigured("SALESPERF_TRUSTED_PROXIES must be between 0 and 10.")
#: Failed sign-ins (login page and token endpoint together) that lock an account and, apart,
#: a client address; and how long the lock lasts after the last failed try.
AXES_FAILURE_LIMIT = env_int("SALESPERF_LOGIN_FAILURE_LIMIT", 5)
SALESPERF_LOGIN_COOLOFF_MINUTES = env_int("SALESPERF_LOGIN_COOLOFF_MINUTES", 15)
if AXES_FAILURE_LIMIT < 1 or SALESPERF_LOGIN_COOLOFF_MINUTES < 1:
    raise ImproperlyConfigured(
        "SALESPERF_LOGIN_FAILURE_LIMIT and SALESPERF_LOGIN_COOLOFF_MINUTES must be at least 1."
    )
AXES_COOLOFF_TIME = datetime.timedelta(minutes=SALESPERF_LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each counted on its own
AXES_CLIENT_IP_CALLABLE = "apps.accounts.security.client_ip"
AXES_LOCKOUT_CALLABLE = "apps.accounts.security.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_SENSITIVE_PARAMETERS: list[str] = []  # log the username and address; never the password
AXES_VERBOSE = False  # no start-up banner; failures are still logged (WARNING)
#: Lifetime of an API token from POST /api/v1/auth/token/.
SALESPERF_TOKEN_LIFETIME_HOURS = env_int("SALESPERF_TOKEN_LIFETIME_HOURS", 24 * 7)
if SALESPERF_TOKEN_LIFETIME_HOURS < 1:
    raise ImproperlyConfigured("SALESPERF_TOKEN_LIFETIME_HOURS must be at least 1.")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = env_str("DJANGO_LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [Path(env_str("SALESPERF_LOCALE_DIR", str(BASE_DIR / "locale")))]
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "Asia/Shanghai")
# Our own date and number formats per language (salesperf/formats/): thousands grouped by three
# in Chinese too, ISO dates in tables.
FORMAT_MODULE_PATH = ["salesperf.formats"]
#: ISO 4217 code of the money on every page and export (apps/core/formatting.py).
SALESPERF_CURRENCY = env_str("SALESPERF_CURRENCY", "CNY").upper()
USE_I18N = True
USE_TZ = True

# --- Static files (served by whitenoise) -------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"

# --- E-mail ------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "SalesPerf <noreply@salesperf.local>")
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)

# --- REST API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous request gets 401 with a WWW-Authenticate header.
        "apps.accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.pagination.StandardPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "apps.core.api.schema.ApiAutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "apps.core.api.exceptions.exception_handler",
    # Throttles key on the same client address as the sign-in lockout (SALESPERF_TRUSTED_PROXIES)
    # and count in the default cache: share it (REDIS_CACHE_URL) when several processes serve.
    "NUM_PROXIES": SALESPERF_TRUSTED_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SalesPerf API",
    "DESCRIPTION": "CRM facts, KPIs, reviews, grades and pay for sales organisations.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Operations are tagged and named after the resource ("scorecards_list", tag "scorecards"),
    # not the version prefix, so a generated client groups them by resource.
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Several apps have a "kind", "status" or "source" field with different choices: name them.
    "ENUM_NAME_OVERRIDES": {
        "ActivityKindEnum": "apps.activities.choices.ActivityKind",
        "InsightKindEnum": "apps.customers.choices.InsightKind",
        "InsightSourceEnum": "apps.customers.choices.InsightSource",
        "CustomerStatusEnum": "apps.customers.choices.CustomerStatus",
        "FeedbackStatusEnum": "apps.customers.choices.FeedbackStatus",
        "OpportunityKindEnum": "apps.opportunities.choices.OpportunityKind",
        "OpportunityStageEnum": "apps.opportunities.choices.Stage",
        "RiskKindEnum": "apps.opportunities.choices.RiskKind",
        "RiskStatusEnum": "apps.opportunities.choices.RiskStatus",
        "ProposalReviewStatusEnum": "apps.opportunities.choices.ReviewStatus",
        "LeadSourceEnum": "apps.leads.choices.LeadSource",
        "LeadStatusEnum": "apps.leads.choices.LeadStatus",
        "LeadGradeEnum": "apps.leads.choices.Grade",
        "DeliveryStatusEnum": "apps.sales.choices.DeliveryStatus",
        "ReviewCycleKindEnum": "apps.reviews.choices.CycleKind",
        "ReviewCycleStatusEnum": "apps.reviews.choices.CycleStatus",
        "PerformanceReviewStatusEnum": "apps.reviews.choices.ReviewStatus",
        "ReviewPartEnum": "apps.reviews.choices.Part",
        "CalibrationScopeEnum": "apps.reviews.choices.CalibrationScope",
        "AnnualGradeEnum": "apps.grades.choices.Grade",
        "SurveyStatusEnum": "apps.surveys.choices.SurveyStatus",
        "SurveyChannelEnum": "apps.surveys.choices.SurveyChannel",
        "NurtureTouchChannelEnum": "apps.leads.choices.TouchChannel",
        "RaterRoleEnum": "apps.development.choices.RaterRole",
        "LearningKindEnum": "apps.development.choices.LearningKind",
        "SkillEnum": "apps.development.choices.Skill",
        "SalesCaseKindEnum": "apps.development.choices.CaseKind",
    },
}

# --- Cache -------------------------------------------------------------------------------------
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if env_str("REDIS_CACHE_URL", ""):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env_str("REDIS_CACHE_URL"),
        }
    }

# --- Celery ------------------------------------------------------------------------------------
# Default broker: kombu's filesystem transport, so the embedded setup runs a real worker and
# scheduler without any server. CELERY_BROKER_URL=redis://... switches to Redis.
CELERY_FILESYSTEM_BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FILESYSTEM_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_FILESYSTEM_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_FILESYSTEM_BROKER_DIR / "control"),
        "processed_folder": str(CELERY_FILESYSTEM_BROKER_DIR / "processed"),
        "store_processed": False,
    }
    for _folder in ("queue", "control", "processed"):
        (CELERY_FILESYSTEM_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "results").mkdir(parents=True, exist_ok=True)
    _default_result_backend = f"file://{VAR_DIR / 'results'}"
else:
    # A lost message comes back after this: it must outlive the longest hard time limit (a task
    # still running would otherwise be delivered twice). Stuck chunks are recovered by the
    # watchdogs within their lease (SCORECARD_LEASE_SECONDS, PAY_CHUNK_LEASE_SECONDS), long before.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_TASK_TIME_LIMIT", 30 * 60) + 5 * 60
    }
    _default_result_backend = CELERY_BROKER_URL
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", _default_result_backend)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 25 * 60)
# Our tasks are idempotent: acknowledge after the work is done, and give a task back to the
# queue when the worker running it dies.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "core-heartbeat": {"task": "core.heartbeat", "schedule": 60.0},
    "scorecards-watchdog": {"task": "scorecards.watchdog", "schedule": 60.0},
}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)

# The KPI engine's covering index on order credits (apps/sales) lists INCLUDE columns that only
# PostgreSQL stores; SQLite keeps the plain index on rep_id, which is all it needs there.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- Product settings --------------------------------------------------------------------------
#: Seconds a worker holds a recompute chunk; the watchdog queues again a chunk not done by then
#: (it must stay above the chunk task's 300 s hard limit).
SCORECARD_LEASE_SECONDS = env_int("SCORECARD_LEASE_SECONDS", 6 * 60)
SCORECARD_CHUNK_MAX_ATTEMPTS = env_int("SCORECARD_CHUNK_MAX_ATTEMPTS", 3)
#: PostgreSQL parallel workers a recompute chunk's queries may use: 0 keeps a background job to
#: one database core, leaving the others to web requests (chunks on several Celery workers give
#: a recompute its parallelism).
SCORECARD_MAX_PARALLEL_WORKERS = env_int("SCORECARD_MAX_PARALLEL_WORKERS", 0)
#: Performance pay (apps/pay): people per computation chunk; seconds a worker holds a chunk
#: before the watchdog queues it again.
PAY_CHUNK_SIZE = env_int("PAY_CHUNK_SIZE", 1000)
PAY_CHUNK_LEASE_SECONDS = env_int("PAY_CHUNK_LEASE_SECONDS", 600)
#: A reminder rule run not finished after this long is marked failed (its worker died).
REMINDER_RUN_LEASE_SECONDS = env_int("REMINDER_RUN_LEASE_SECONDS", 30 * 60)
#: First month of the fiscal year (1 = January). Quarters and years start from it (SPEC §2.1).
SALESPERF_FISCAL_YEAR_START_MONTH = env_int("SALESPERF_FISCAL_YEAR_START_MONTH", 1)
#: Business dates (signing, payment, delivery, activity, period ...) are refused outside
#: [earliest, today + horizon days] (apps/core/dates.py): typos like 0001-01-01 never get in.
try:
    SALESPERF_EARLIEST_BUSINESS_DATE = datetime.date.fromisoformat(
        env_str("SALESPERF_EARLIEST_BUSINESS_DATE", "2000-01-01")
    )
except ValueError as _exc:
    raise ImproperlyConfigured(
        "SALESPERF_EARLIEST_BUSINESS_DATE must be a date (YYYY-MM-DD)."
    ) from _exc
SALESPERF_BUSINESS_DATE_HORIZON_DAYS = env_int("SALESPERF_BUSINESS_DATE_HORIZON_DAYS", 366)
if not 0 <= SALESPERF_BUSINESS_DATE_HORIZON_DAYS <= 3660:
    raise ImproperlyConfigured("SALESPERF_BUSINESS_DATE_HORIZON_DAYS must be between 0 and 3660.")
#: Absolute address of the site, for links in e-mails (e.g. https://salesperf.example.com).
SALESPERF_SITE_URL = env_str("SALESPERF_SITE_URL", "")
#: Country whose public holidays are not working days (SPEC §1.3), for the `holidays` package.
SALESPERF_HOLIDAY_COUNTRY = env_str("SALESPERF_HOLIDAY_COUNTRY", "CN")
SALESPERF_DEMO_BUILDERS = [
    "apps.accounts.demo.build",
    "apps.customers.demo.build",
    "apps.leads.demo.build",
    "apps.opportunities.demo.build",
    "apps.activities.demo.build",
    "apps.sales.demo.build",
    "apps.performance.demo.build",
    "apps.development.demo.build",
    "apps.surveys.demo.build",
    "apps.scorecards.demo.build",
    "apps.reviews.demo.build",
    "apps.grades.demo.build",
    "apps.pips.demo.build",
    "apps.promotions.demo.build",
    "apps.pay.demo.build",
    "apps.training.demo.build",
    "apps.exports.demo.build",
    "apps.reminders.demo.build",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}
