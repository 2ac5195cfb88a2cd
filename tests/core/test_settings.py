"""Settings come from the environment; production is secure; the compose file is well formed."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from salesperf.settings.env import env_bool, env_int, env_list

ROOT = Path(settings.BASE_DIR)


def test_env_helpers_parse_and_refuse_nonsense(monkeypatch):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a.example, b.example,,")
    assert env_bool("X_BOOL") is True
    assert env_int("X_INT", 0) == 42
    assert env_list("X_LIST") == ["a.example", "b.example"]
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_BOOL must be true or false"):
        env_bool("X_BOOL")
    monkeypatch.setenv("X_INT", "many")
    with pytest.raises(ImproperlyConfigured, match="X_INT must be a whole number"):
        env_int("X_INT", 0)


def _settings_in_subprocess(module: str, env: dict, expression: str) -> str:
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "CELERY_", "DJANGO_"))
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": module, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_defaults_are_sqlite_and_the_filesystem_broker(tmp_path):
    env = {"SALESPERF_VAR_DIR": str(tmp_path)}
    engine = _settings_in_subprocess(
        "salesperf.settings.local", env, "settings.DATABASES['default']['ENGINE']"
    )
    broker = _settings_in_subprocess("salesperf.settings.local", env, "settings.CELERY_BROKER_URL")
    assert engine == "django.db.backends.sqlite3"
    assert broker == "filesystem://"
    assert (tmp_path / "broker" / "queue").is_dir()


def test_database_and_broker_urls_switch_to_postgresql_and_redis(tmp_path):
    env = {
        "SALESPERF_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "postgres://u:p@db.example:5432/sp",
        "CELERY_BROKER_URL": "redis://cache.example:6379/0",
    }
    engine = _settings_in_subprocess(
        "salesperf.settings.local", env, "settings.DATABASES['default']['ENGINE']"
    )
    backend = _settings_in_subprocess(
        "salesperf.settings.local", env, "settings.CELERY_RESULT_BACKEND"
    )
    assert engine == "django.db.backends.postgresql"
    assert backend == "redis://cache.example:6379/0"


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    code = "import django; django.setup()"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "salesperf.settings.production",
            "SALESPERF_VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "Set the DJANGO_SECRET_KEY environment variable." in result.stderr


def test_production_passes_the_deploy_check_with_zero_findings(tmp_path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "salesperf.settings.production",
            "DJANGO_SECRET_KEY": "x7#kq2-production-like-secret-with-enough-length-and-variety-91",
            "DJANGO_ALLOWED_HOSTS": "salesperf.example.com",
            "SALESPERF_VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_env_example_documents_every_variable_the_settings_read():
    documented = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    source = "".join(p.read_text() for p in (ROOT / "salesperf" / "settings").glob("*.py"))
    read = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z0-9_]+)"', source))
    assert read - documented == set()


def test_compose_file_runs_web_worker_beat_postgres_and_redis_with_healthchecks():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services)
    for name in ("web", "postgres", "redis", "worker"):
        assert "healthcheck" in services[name], name
    assert "gunicorn" in services["web"]["command"]
    assert "DatabaseScheduler" in " ".join(services["beat"]["command"])
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["CELERY_BROKER_URL"].startswith("redis://")
    assert (ROOT / "Dockerfile").exists()


def test_compose_web_workers_share_the_redis_cache_production_requires_for_them():
    """gunicorn takes its workers from WEB_CONCURRENCY, which production settings read to
    refuse several processes without a shared cache: compose sets both, and no fixed
    --workers hides the real number from the settings."""
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    env = services["web"]["environment"]
    assert int(env["WEB_CONCURRENCY"]) > 1
    assert env["REDIS_CACHE_URL"].startswith("redis://")
    assert not any("--workers" in part for part in services["web"]["command"])
    assert "--workers" not in (ROOT / "Dockerfile").read_text()


def _production_env(tmp_path, **extra) -> dict:
    return {
        "DJANGO_SECRET_KEY": "x7#kq2-production-like-secret-with-enough-length-and-variety-91",
        "DJANGO_ALLOWED_HOSTS": "salesperf.example.com",
        "SALESPERF_VAR_DIR": str(tmp_path),
        **extra,
    }


def test_production_refuses_several_web_processes_without_a_shared_cache(tmp_path):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k not in {"REDIS_CACHE_URL", "WEB_CONCURRENCY"}
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "salesperf.settings.production",
            **_production_env(tmp_path, WEB_CONCURRENCY="3"),
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "WEB_CONCURRENCY is above 1 but the cache is local to each process" in result.stderr
    backend = _settings_in_subprocess(
        "salesperf.settings.production",
        _production_env(
            tmp_path, WEB_CONCURRENCY="3", REDIS_CACHE_URL="redis://cache.example:6379/2"
        ),
        "settings.CACHES['default']['BACKEND']",
    )
    assert backend == "django.core.cache.backends.redis.RedisCache"


def test_trusted_proxies_drive_axes_and_drf_alike(tmp_path):
    expression = (
        "settings.SALESPERF_TRUSTED_PROXIES, settings.REST_FRAMEWORK['NUM_PROXIES'], "
        "settings.AXES_CLIENT_IP_CALLABLE"
    )
    default = _settings_in_subprocess(
        "salesperf.settings.local", {"SALESPERF_VAR_DIR": str(tmp_path)}, expression
    )
    assert default == "0 0 apps.accounts.security.client_ip"
    one = _settings_in_subprocess(
        "salesperf.settings.local",
        {"SALESPERF_VAR_DIR": str(tmp_path), "SALESPERF_TRUSTED_PROXIES": "1"},
        expression,
    )
    assert one == "1 1 apps.accounts.security.client_ip"


def test_sign_in_and_token_settings_come_from_the_environment(tmp_path):
    value = _settings_in_subprocess(
        "salesperf.settings.local",
        {
            "SALESPERF_VAR_DIR": str(tmp_path),
            "SALESPERF_LOGIN_FAILURE_LIMIT": "3",
            "SALESPERF_LOGIN_COOLOFF_MINUTES": "30",
            "SALESPERF_TOKEN_LIFETIME_HOURS": "8",
        },
        "settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME.total_seconds(), "
        "settings.SALESPERF_TOKEN_LIFETIME_HOURS",
    )
    assert value == "3 1800.0 8"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SALESPERF_TRUSTED_PROXIES", "-1", "SALESPERF_TRUSTED_PROXIES must be between 0 and 10."),
        ("SALESPERF_LOGIN_FAILURE_LIMIT", "0", "must be at least 1"),
        (
            "SALESPERF_TOKEN_LIFETIME_HOURS",
            "0",
            "SALESPERF_TOKEN_LIFETIME_HOURS must be at least 1.",
        ),
    ],
)
def test_sign_in_settings_refuse_nonsense(tmp_path, name, value, message):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "salesperf.settings.local",
            "SALESPERF_VAR_DIR": str(tmp_path),
            name: value,
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert message in result.stderr
