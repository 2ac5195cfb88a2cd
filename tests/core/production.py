"""Run requests against the real production settings module, in a subprocess.

The settings of the test run (salesperf.settings.test) cannot switch to production in-process, so
these helpers start Python with DJANGO_SETTINGS_MODULE=salesperf.settings.production and the
security values of .env.example (allowed hosts, TLS redirect, HSTS ...). Database and broker are a
SQLite file and the filesystem broker under a temporary SALESPERF_VAR_DIR (the compose file's
PostgreSQL and Redis host names do not resolve here; the security behaviour does not depend on
them).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
#: What the production security behaviour depends on, taken from .env.example as deployed.
ENV_EXAMPLE_KEYS = (
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    "DJANGO_DEBUG",
    "DJANGO_SECURE_SSL_REDIRECT",
    "DJANGO_SECURE_HSTS_SECONDS",
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "DJANGO_SECURE_HSTS_PRELOAD",
)


def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key] = value
    return values


def production_env(var_dir: Path) -> dict[str, str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "CELERY_", "DJANGO_", "REDIS_", "SALESPERF_"))
    }
    example = env_example()
    return {
        **clean,
        **{key: example[key] for key in ENV_EXAMPLE_KEYS},
        "DJANGO_SETTINGS_MODULE": "salesperf.settings.production",
        "SALESPERF_VAR_DIR": str(var_dir),
        "DJANGO_LOG_LEVEL": "CRITICAL",
    }


def migrate(var_dir: Path) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=production_env(var_dir),
        check=True,
        capture_output=True,
        text=True,
    )


_CLIENT_SCRIPT = """
import json, sys
import django
django.setup()
from django.test import Client

results = []
client = Client(raise_request_exception=False)
for spec in json.loads(sys.stdin.read()):
    response = client.generic(spec.get("method", "GET"), spec["path"], **spec["meta"])
    body = response.content.decode() if not response.streaming else ""
    results.append({
        "status": response.status_code,
        "headers": dict(response.headers),
        "json": json.loads(body) if response.get("Content-Type", "").startswith(
            "application/json") else None,
    })
print(json.dumps(results))
"""


def production_requests(var_dir: Path, specs: list[dict]) -> list[dict]:
    """Send each ``{"path", "method", "meta"}`` through the full production middleware stack.

    ``meta`` is the WSGI environ (REMOTE_ADDR, HTTP_HOST, HTTP_X_FORWARDED_PROTO ...).
    """
    result = subprocess.run(
        [sys.executable, "-c", _CLIENT_SCRIPT],
        cwd=ROOT,
        env=production_env(var_dir),
        input=json.dumps(specs),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
