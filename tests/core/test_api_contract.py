"""The API is what its schema says (issue #9).

* schemathesis sends generated requests to every operation of ``/api/schema/`` as a rep, a
  manager and an admin, through the WSGI application in-process (the same Django a live server
  runs, inside the test's transaction), and checks there is no server error and every answer's
  status code and body are the ones the schema documents;
* (``openapi-spec-validator``: tests/core/test_api_schema.py)
* a Python client generated from the schema with ``openapi-python-client`` (no hand edits)
  signs in against a live server and pulls scorecards.

The runs are bounded (``MAX_EXAMPLES`` per operation and role) and derandomized, so the same
code gives the same requests.
"""

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import (
    ActivityFactory,
    ContactFactory,
    CustomerFactory,
    LeadFactory,
    OpportunityFactory,
    OrderFactory,
    ScorecardFactory,
)

MAX_EXAMPLES = 10
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def _openapi_document() -> dict:
    """The schema exactly as ``/api/schema/`` serves it (JSON round trip: plain types only)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema, renderer_context={}))


api_schema = schemathesis.openapi.from_dict(_openapi_document())
api_schema.app = get_wsgi_application()


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
    token, _ = Token.objects.get_or_create(user=user)
    return {"Authorization": f"Token {token.key}"}


BOUNDED = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["rep", "manager", "admin"])
@api_schema.parametrize()
@BOUNDED
def test_every_operation_answers_as_documented(case, role, world):
    user = {"rep": world.rep_a, "manager": world.manager_a, "admin": world.admin}[role]
    case.call_and_validate(headers=_headers(user), checks=CHECKS)


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
