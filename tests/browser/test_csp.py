"""The UI works under the production Content-Security-Policy: no page needs inline script or
style, Swagger UI included (issue #13). Chromium reports every violation; there must be none."""

import json
import subprocess
import sys

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from tests.browser.test_shell import sign_in
from tests.core.production import ROOT, production_env
from tests.factories import CustomerFactory, WeightSchemeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture(scope="module")
def production_headers(tmp_path_factory):
    """SECURE_CSP and SALESPERF_PERMISSIONS_POLICY exactly as salesperf.settings.production has
    them (read from that module in a subprocess)."""
    code = (
        "import json, django; django.setup(); from django.conf import settings;"
        "print(json.dumps({'SECURE_CSP': settings.SECURE_CSP,"
        " 'SALESPERF_PERMISSIONS_POLICY': settings.SALESPERF_PERMISSIONS_POLICY}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(tmp_path_factory.mktemp("csp-var")),
        capture_output=True,
        text=True,
        check=True,
    )
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["SECURE_CSP"]["script-src"] == ["'self'"]
    return values


@pytest.fixture
def strict_page(page, production_headers):
    """A page whose server sends the production headers and which records CSP violations
    (console messages and securitypolicyviolation events)."""
    console = []
    page.on(
        "console",
        lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.add_init_script(WATCH_VIOLATIONS)
    page.csp_console = console
    with override_settings(**production_headers):
        yield page


def violations(page) -> list[str]:
    return page.csp_console + page.evaluate("window.__cspViolations || []")


def open_strict(page, url):
    response = page.goto(url)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "camera=()" in response.headers["permissions-policy"]
    page.wait_for_load_state("networkidle")
    return response


def test_the_watch_catches_a_violation(strict_page, live_server):
    open_strict(strict_page, f"{live_server.url}/login/")
    strict_page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = '1';"
        " document.body.appendChild(s); }"
    )
    strict_page.wait_for_timeout(200)
    assert any("script-src" in v for v in violations(strict_page))


def test_login_list_page_and_language_switch_have_no_violation(strict_page, live_server, cast):
    CustomerFactory(owner=cast.rep_a, name="Suzhou Precision Parts")
    open_strict(strict_page, f"{live_server.url}/login/")
    expect(strict_page.locator("#id_username")).to_be_visible()
    assert violations(strict_page) == []
    sign_in(strict_page, live_server, "rep_a")
    open_strict(strict_page, f"{live_server.url}/customers/")
    expect(strict_page.locator("table.list")).to_contain_text("Suzhou Precision Parts")
    # The language switch submits on change from static/js/app.js, not an onchange attribute.
    strict_page.select_option("#language-select", "zh-hans")
    expect(strict_page.locator("html")).to_have_attribute("lang", "zh-hans")
    assert violations(strict_page) == []


def test_api_docs_render_under_the_policy(strict_page, live_server):
    open_strict(strict_page, f"{live_server.url}/api/docs/")
    expect(strict_page.locator(".swagger-ui .info .title")).to_contain_text("SalesPerf API")
    expect(strict_page.locator(".opblock").first).to_be_visible()
    assert violations(strict_page) == []


def test_scheme_weights_and_team_target_sum_work_under_the_policy(strict_page, live_server, cast):
    scheme = WeightSchemeFactory()
    sign_in(strict_page, live_server, "admin")
    open_strict(strict_page, f"{live_server.url}/performance/schemes/{scheme.pk}/")
    expect(strict_page.locator("meter.weight-bar").first).to_be_visible()
    assert violations(strict_page) == []

    sign_in(strict_page, live_server, "manager_a")
    open_strict(strict_page, f"{live_server.url}/performance/targets/team/")
    total = strict_page.locator("#targets-sum")
    expect(total).to_contain_text("Rows add up to 0.00")
    strict_page.locator("input[name$='-sales_target']").first.fill("1200")
    expect(total).to_contain_text("Rows add up to 1200.00")
    assert violations(strict_page) == []
