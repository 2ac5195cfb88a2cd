"""/healthz reports database and broker status: 200 when both answer, 503 otherwise."""

import pytest
from django.db.utils import OperationalError

from apps.core import selectors
from salesperf.celery import app as celery_app


@pytest.fixture
def broker_down(monkeypatch):
    dead = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    # Saved before the variable is set: Celery reads CELERY_BROKER_URL from the environment
    # before its configuration, so afterwards broker_url would read back the dead one.
    saved = (celery_app.conf.broker_url, celery_app.conf.broker_transport_options)
    monkeypatch.setenv("CELERY_BROKER_URL", dead)
    celery_app.conf.broker_url = dead
    celery_app.conf.broker_transport_options = {}
    yield
    celery_app.conf.broker_url, celery_app.conf.broker_transport_options = saved


@pytest.mark.django_db
def test_healthz_is_200_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_down(client, broker_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["broker"]["ok"] is False
    assert body["database"]["ok"] is True


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    def failing_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("apps.core.selectors.connection.cursor", failing_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False, "detail": "OperationalError"}


@pytest.mark.django_db
def test_healthz_reports_the_last_scheduler_heartbeat(client):
    from apps.core.services import heartbeat_record

    heartbeat_record()
    heartbeat_record()
    assert selectors.last_heartbeat().count == 2
    assert client.get("/healthz").json()["scheduler"]["last_heartbeat"] is not None


# --- the container healthcheck under production settings (issue #13) --------------------------
# docker-compose's `web` probes http://127.0.0.1:8000/healthz from inside the container: plain
# HTTP, Host 127.0.0.1:8000, which is not in DJANGO_ALLOWED_HOSTS. Only that probe bypasses the
# host check and the HTTPS redirect; everything else keeps them.

LOOPBACK_PROBE = {"REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:8000"}
PUBLIC_HOST = "salesperf.example.com"  # DJANGO_ALLOWED_HOSTS in .env.example


@pytest.fixture(scope="module")
def production_var(tmp_path_factory):
    from tests.core.production import migrate

    var_dir = tmp_path_factory.mktemp("production-var")
    migrate(var_dir)
    return var_dir


def _get(production_var, *requests):
    from tests.core.production import production_requests

    specs = [{"path": path, "method": method, "meta": meta} for path, method, meta in requests]
    return production_requests(production_var, specs)


def test_the_env_example_is_what_made_the_probe_fail():
    from tests.core.production import env_example

    values = env_example()
    assert values["DJANGO_ALLOWED_HOSTS"] == PUBLIC_HOST
    assert values["DJANGO_SECURE_SSL_REDIRECT"] == "true"


def test_loopback_probe_over_plain_http_gets_the_health_body(production_var):
    ipv4, ipv6, named = _get(
        production_var,
        ("/healthz", "GET", LOOPBACK_PROBE),
        ("/healthz", "GET", {"REMOTE_ADDR": "::1", "HTTP_HOST": "[::1]:8000"}),
        ("/healthz", "GET", {"REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "localhost:8000"}),
    )
    for response in (ipv4, ipv6, named):
        assert response["status"] == 200
        assert response["json"]["status"] == "ok"
        assert response["json"]["database"]["ok"] is True
        assert "no-cache" in response["headers"]["Cache-Control"]


def test_the_probe_from_any_other_address_keeps_the_host_check_and_the_https_redirect(
    production_var,
):
    outside_loopback_host, outside_public_host = _get(
        production_var,
        ("/healthz", "GET", {"REMOTE_ADDR": "10.0.0.7", "HTTP_HOST": "127.0.0.1:8000"}),
        ("/healthz", "GET", {"REMOTE_ADDR": "10.0.0.7", "HTTP_HOST": PUBLIC_HOST}),
    )
    assert outside_loopback_host["status"] == 400  # DisallowedHost, as before
    assert outside_public_host["status"] == 301
    assert outside_public_host["headers"]["Location"] == f"https://{PUBLIC_HOST}/healthz"


def test_a_proxy_on_the_same_machine_does_not_make_a_request_a_probe(production_var):
    forwarded, public_name = _get(
        production_var,
        ("/healthz", "GET", {**LOOPBACK_PROBE, "HTTP_X_FORWARDED_FOR": "203.0.113.9"}),
        ("/healthz", "GET", {"REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": PUBLIC_HOST}),
    )
    assert forwarded["status"] == 400
    assert public_name["status"] == 301


def test_other_paths_and_methods_from_loopback_are_checked_as_before(production_var):
    login, slash, post, login_public = _get(
        production_var,
        ("/login/", "GET", LOOPBACK_PROBE),
        ("/healthz/", "GET", LOOPBACK_PROBE),
        ("/healthz", "POST", LOOPBACK_PROBE),
        ("/login/", "GET", {"REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": PUBLIC_HOST}),
    )
    assert login["status"] == 400
    assert slash["status"] == 400
    assert post["status"] == 400
    assert login_public["status"] == 301
    assert login_public["headers"]["Location"] == f"https://{PUBLIC_HOST}/login/"


def test_healthz_over_https_through_the_proxy_still_answers(production_var):
    (response,) = _get(
        production_var,
        (
            "/healthz",
            "GET",
            {
                "REMOTE_ADDR": "10.0.0.7",
                "HTTP_HOST": PUBLIC_HOST,
                "HTTP_X_FORWARDED_PROTO": "https",
            },
        ),
    )
    assert response["status"] == 200
    assert response["headers"]["Strict-Transport-Security"].startswith("max-age=31536000")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_compose_healthcheck_command_passes_against_gunicorn(production_var):
    """The exact `web` healthcheck of docker-compose.yml, against gunicorn on production
    settings (only the port differs: 8000 may be taken on this machine)."""
    import shutil
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    import yaml
    from django.conf import settings

    from tests.core.production import production_env

    root = settings.BASE_DIR
    compose = yaml.safe_load((root / "docker-compose.yml").read_text())
    test = compose["services"]["web"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    assert "http://127.0.0.1:8000/healthz" in test[3]
    port = _free_port()
    probe = test[3].replace(":8000/", f":{port}/")
    gunicorn = shutil.which("gunicorn", path=str(root / ".venv" / "bin")) or "gunicorn"
    env = production_env(production_var)
    server = subprocess.Popen(
        [gunicorn, "salesperf.wsgi:application", f"--bind=127.0.0.1:{port}", "--workers=1"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/nothing", timeout=1)
            except urllib.error.HTTPError:
                break  # the server answers (400: 127.0.0.1 is not an allowed host)
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        healthcheck = subprocess.run(
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=30
        )
        assert healthcheck.returncode == 0, healthcheck.stderr
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5)
        assert refused.value.code == 400
    finally:
        server.terminate()
        server.wait(timeout=10)
