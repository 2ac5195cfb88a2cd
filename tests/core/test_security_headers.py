"""Production sends a strict Content-Security-Policy and a Permissions-Policy (issue #13), and
no page needs inline script or style to work under them."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from apps.core.middleware import permissions_policy_header
from tests.core.production import ROOT, migrate, production_env, production_requests

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
DISABLED_FEATURES = ("camera", "microphone", "geolocation", "payment", "usb")


def _production_policies(tmp_path) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings;"
        "from django.utils.csp import build_policy;"
        "from apps.core.middleware import permissions_policy_header;"
        "print(json.dumps({'csp': build_policy(settings.SECURE_CSP),"
        " 'csp_report_only': settings.SECURE_CSP_REPORT_ONLY,"
        " 'permissions': permissions_policy_header(settings.SALESPERF_PERMISSIONS_POLICY),"
        " 'middleware': settings.MIDDLEWARE}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _directives(header: str) -> dict:
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in (p.strip() for p in header.split(";"))
        if part
    }


def test_production_csp_is_strict(tmp_path):
    policies = _production_policies(tmp_path)
    directives = _directives(policies["csp"])
    assert directives == EXPECTED_CSP
    for forbidden in ("unsafe-inline", "unsafe-eval", "unsafe-hashes", "*", "http:", "https:"):
        assert forbidden not in policies["csp"], forbidden
    assert policies["csp_report_only"] == {}


def test_production_permissions_policy_disables_powerful_features(tmp_path):
    header = _production_policies(tmp_path)["permissions"]
    features = dict(item.split("=", 1) for item in header.split(", "))
    for feature in DISABLED_FEATURES:
        assert features[feature] == "()", feature
    assert set(features.values()) == {"()"}


def test_middleware_order_health_probe_first_then_security_and_headers(tmp_path):
    middleware = _production_policies(tmp_path)["middleware"]
    assert middleware[0] == "apps.core.middleware.LoopbackHealthCheckMiddleware"
    assert middleware[1] == "django.middleware.security.SecurityMiddleware"
    csp = middleware.index("django.middleware.csp.ContentSecurityPolicyMiddleware")
    permissions = middleware.index("apps.core.middleware.PermissionsPolicyMiddleware")
    # Before whitenoise, so static files carry the headers too.
    assert max(csp, permissions) < middleware.index("whitenoise.middleware.WhiteNoiseMiddleware")


def test_production_responses_carry_both_headers(tmp_path):
    migrate(tmp_path)
    https = {
        "REMOTE_ADDR": "10.0.0.7",
        "HTTP_HOST": "salesperf.example.com",
        "HTTP_X_FORWARDED_PROTO": "https",
    }
    health, missing = production_requests(
        tmp_path,
        [
            {"path": "/healthz", "meta": https},
            {"path": "/no-such-page/", "meta": https},
        ],
    )
    assert health["status"] == 200
    assert missing["status"] == 404
    for response in (health, missing):
        assert _directives(response["headers"]["Content-Security-Policy"]) == EXPECTED_CSP
        assert "camera=()" in response["headers"]["Permissions-Policy"]
        assert response["headers"]["X-Frame-Options"] == "DENY"


def test_permissions_policy_header_rendering():
    assert permissions_policy_header({"camera": [], "fullscreen": ["self"]}) == (
        "camera=(), fullscreen=(self)"
    )
    assert permissions_policy_header({}) == ""


@pytest.mark.django_db
def test_no_headers_without_the_settings(client):
    """Development and tests send neither header (Django's debug pages use inline script)."""
    response = client.get("/login/")
    assert "Content-Security-Policy" not in response
    assert "Permissions-Policy" not in response


@pytest.mark.django_db
@override_settings(
    SECURE_CSP={"default-src": ["'self'"]}, SALESPERF_PERMISSIONS_POLICY={"camera": []}
)
def test_the_middlewares_send_the_configured_headers(client):
    response = client.get("/login/")
    assert response["Content-Security-Policy"] == "default-src 'self'"
    assert response["Permissions-Policy"] == "camera=()"


# --- no inline script or style anywhere --------------------------------------------------------

INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I), "script"),
    (re.compile(r"<style\b", re.I), "<style>"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def _inline_code(html: str) -> list[str]:
    return [what for pattern, what in INLINE if pattern.search(html)]


def test_our_templates_have_no_inline_script_or_style():
    found = {}
    for path in sorted(Path(settings.BASE_DIR, "templates").rglob("*.html")):
        if problems := _inline_code(path.read_text()):
            found[str(path.relative_to(settings.BASE_DIR))] = problems
    assert found == {}


def test_the_detector_finds_inline_code():
    assert _inline_code('<script>alert(1)</script><p style="x" onclick="y">') == [
        "script",
        "style attribute",
        "event handler attribute",
    ]
    assert _inline_code('<script src="/static/js/app.js" defer></script>') == []


@pytest.mark.django_db
def test_api_docs_page_has_no_inline_script_or_style(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert _inline_code(html) == []
    script_url = re.search(r'<script src="([^"]*\?[^"]*script[^"]*)"', html)[1]
    script = client.get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()
    assert "/static/css/swagger.css" in html
