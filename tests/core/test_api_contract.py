"""The API is what its schema says (issue #9).

* schemathesis sends generated requests over real HTTP to every operation of ``/api/schema/`` on
  a live test server (pytest-django's ``live_server``: a threaded HTTP server on 127.0.0.1 over
  the test database) as a rep, a manager and an admin (token auth), and checks there is no
  server error and every answer's status code and body are the ones the schema documents;
* (``openapi-spec-validator``: tests/core/test_api_schema.py)
* a Python client generated from the schema with ``openapi-python-client`` (no hand edits)
  signs in against a live server and pulls scorecards.

The runs are bounded (``MAX_EXAMPLES`` per operation, each sent as every role) and
derandomized, so the same code gives the same requests, on SQLite and PostgreSQL alike.
``pytest -s`` prints how many operations, roles, examples and requests ran.

The live server needs real commits, so each test (one operation) runs on a flushed database
with its id sequences reset (``reset_sequences``: ids start at 1 on every backend, which the path
parameter hook aims at) and builds its own world; its requests see what its earlier requests
wrote, which is fine: the checks only compare each answer with the schema, never with rows.
"""

import importlib
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from django.core.cache import cache
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from apps.accounts.services import token_issue
from tests.factories import (
    ActivityFactory,
    ContactFactory,
    CustomerFactory,
    LeadFactory,
    OpportunityFactory,
    OrderFactory,
    ScorecardFactory,
)

#: Examples per operation and the roles that send them: 10 and rep/manager/admin in `make test`;
#: `make fuzz` raises both (SALESPERF_CONTRACT_EXAMPLES, SALESPERF_CONTRACT_ROLES).
MAX_EXAMPLES = int(os.environ.get("SALESPERF_CONTRACT_EXAMPLES", "10"))
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def _openapi_document() -> dict:
    """The schema exactly as ``/api/schema/`` serves it (JSON round trip: plain types only)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema, renderer_context={}))


# No ``app``: every case is sent over HTTP to ``base_url=live_server.url`` (see the test).
api_schema = schemathesis.openapi.from_dict(_openapi_document())
ROLES = tuple(os.environ.get("SALESPERF_CONTRACT_ROLES", "rep,manager,admin").split(","))
SENT: Counter = Counter()  # (method path, role) -> requests sent
STATUSES: Counter = Counter()  # status code -> answers


@api_schema.hook
def map_path_parameters(context, path_parameters):
    """Every other generated id becomes a small one (1–4), which the world's records have, so
    detail routes and actions run on real records as well as answering 404."""
    if not path_parameters:
        return path_parameters
    return {
        name: value % 4 + 1 if isinstance(value, int) and value % 2 == 0 else value
        for name, value in path_parameters.items()
    }


@pytest.fixture(autouse=True)
def fresh_throttles():
    """The live server runs in this process and shares its cache: without this, the token
    endpoint's throttle (30/minute per address, 127.0.0.1 for every test here) remembers the
    requests of an earlier test, and a fast run answers the next one 429."""
    cache.clear()


@pytest.fixture
def world(cast):
    """A few records in every role's scope, so generated small ids often hit real rows."""
    customer = CustomerFactory(owner=cast.rep_a)
    ContactFactory(customer=customer)
    LeadFactory(owner=cast.rep_a)
    opportunity = OpportunityFactory(customer=customer, owner=cast.rep_a)
    ActivityFactory(owner=cast.rep_a, customer=customer)
    OrderFactory(customer=customer, owner=cast.rep_a, opportunity=opportunity)
    ScorecardFactory(rep=cast.rep_a)
    return cast


def _headers(user) -> dict:
    _token, key = token_issue(user=user)
    return {"Authorization": f"Token {key}"}


@pytest.fixture
def role_headers(world) -> dict:
    """Token headers per role; ``X-Contract-Role`` (ignored by the app) names the role in a
    failure's "Reproduce with" curl line, where the token shows as ``[Filtered]``.

    One connection per request: Django's development server leaves Nagle's algorithm on, so on
    a kept-alive connection every answer waits ~40 ms for the client's delayed ACK (~3 ms a
    request here instead of ~55)."""
    users = {"rep": world.rep_a, "manager": world.manager_a, "hr": world.hr, "admin": world.admin}
    return {
        role: {**_headers(users[role]), "X-Contract-Role": role, "Connection": "close"}
        for role in ROLES
    }


BOUNDED = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)


@pytest.fixture(scope="module", autouse=True)
def contract_report():
    """With ``-s``: operations × roles × examples actually sent, and the status codes seen."""
    yield
    if not SENT:
        return
    operations = {operation for operation, _ in SENT}
    roles = sorted({role for _, role in SENT}, key=ROLES.index)
    low, high = min(SENT.values()), max(SENT.values())
    examples = f"{low}" if low == high else f"{low}–{high}"
    statuses = ", ".join(f"{code}: {n}" for code, n in sorted(STATUSES.items()))
    print(
        f"\nschemathesis over HTTP: {len(operations)} operations × {len(roles)} roles "
        f"({', '.join(roles)}) × {examples} examples = {sum(SENT.values())} requests; "
        f"statuses {statuses}"
    )


# One test per operation, each generated case sent as every role: the live server needs a
# transactional database, and flushing it after each test is the slow part (PostgreSQL).
@pytest.mark.django_db(transaction=True, reset_sequences=True)
@api_schema.parametrize()
@BOUNDED
def test_every_operation_answers_as_documented(case, role_headers, live_server):
    for role, headers in role_headers.items():
        response = case.call(base_url=live_server.url, headers=headers)
        SENT[(f"{case.method.upper()} {case.path}", role)] += 1
        STATUSES[response.status_code] += 1
        case.validate_response(response, checks=CHECKS, headers=headers)


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_signs_in_and_pulls_scorecards(tmp_path, live_server, cast):
    ScorecardFactory(rep=cast.rep_a)
    cast.rep_a.set_password("contract-pass-1")
    cast.rep_a.save()
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(_openapi_document()))
    config = tmp_path / "config.yml"
    config.write_text("post_hooks: []\n")  # no formatter run on the generated code
    generator = Path(sys.executable).with_name("openapi-python-client")
    assert generator.exists(), "openapi-python-client is missing: pip install -r requirements.txt"
    result = subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            str(spec),
            "--output-path",
            str(tmp_path / "client"),
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    packages = [p for p in (tmp_path / "client").iterdir() if (p / "__init__.py").exists()]
    assert len(packages) == 1, packages
    sys.path.insert(0, str(tmp_path / "client"))
    try:
        package = packages[0].name
        client_module = importlib.import_module(package)
        token_api = importlib.import_module(f"{package}.api.auth.auth_token_create")
        scorecards_api = importlib.import_module(f"{package}.api.scorecards.scorecards_list")
        models = importlib.import_module(f"{package}.models")
        anonymous = client_module.Client(base_url=live_server.url)
        token = token_api.sync(
            client=anonymous,
            body=models.TokenRequestRequest(username="rep_a", password="contract-pass-1"),
        )
        assert isinstance(token, models.TokenResponse), token
        assert token.token
        signed_in = client_module.AuthenticatedClient(
            base_url=live_server.url, token=token.token, prefix="Token"
        )
        page = scorecards_api.sync(client=signed_in)
        assert isinstance(page, models.PaginatedScorecardList), page
        assert page.count == 1
        assert page.results[0].rep == cast.rep_a.pk
    finally:
        sys.path.remove(str(tmp_path / "client"))
        for name in list(sys.modules):
            if name == package or name.startswith(f"{package}."):
                del sys.modules[name]
