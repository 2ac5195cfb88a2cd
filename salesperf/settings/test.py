"""Test settings: fast hashing, in-memory mail and cache; database and broker from env."""

import os

from .base import *  # noqa: F401,F403
from .base import DATABASES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LANGUAGE_CODE = "en"
CELERY_TASK_ALWAYS_EAGER = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not os.environ.get(
    "DATABASE_URL"
):
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(exist_ok=True)  # noqa: F405

# Tasks queued by the code under test must never land in a developer's var/broker folder (the
# `make run` worker would pick them up): without CELERY_BROKER_URL they stay in memory. Tests that
# need a real worker build their own app (tests/core/test_celery.py).
if not os.environ.get("CELERY_BROKER_URL"):
    CELERY_BROKER_URL = "memory://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
    CELERY_RESULT_BACKEND = "cache+memory://"
