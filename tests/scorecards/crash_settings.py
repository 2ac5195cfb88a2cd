"""Settings of the worker subprocess the crash tests start and kill (tests/scorecards/crash.py).

The test settings, plus: short leases so recovery happens in seconds, small chunks so a job has
several, its own queue (``SALESPERF_TEST_QUEUE``) and e-mails written to files
(``SALESPERF_TEST_MAIL_DIR``) that the test process counts. The database and the broker come
from ``DATABASE_URL`` and ``CELERY_BROKER_URL`` as usual; the broker keeps the production
visibility timeout, so nothing is recovered by the broker's redelivery within a test."""

import os

from salesperf.settings.test import *  # noqa: F403

SCORECARD_CHUNK_SIZE = 2
SCORECARD_LEASE_SECONDS = 3
REMINDER_RUN_LEASE_SECONDS = 3
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("SALESPERF_TEST_QUEUE", "celery")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
if os.environ.get("SALESPERF_TEST_MAIL_DIR"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["SALESPERF_TEST_MAIL_DIR"]
