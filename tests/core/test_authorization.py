"""Walks EVERY URL pattern and API route for every role.

A route added later without scoping fails here:
- anonymous users are sent to the login page (browser) or get 401/403 (API), unless the route is
  in PUBLIC_ROUTES;
- every route that takes a record id must name the model it serves (the view's ``model`` /
  ``queryset``, or ``ROUTE_MODELS`` in ``tests/<app>/authz.py``) and that model must have an
  out-of-scope factory in ``OUT_OF_SCOPE``; rep_a and manager_a (team Alpha) then get 403/404 on a
  record owned by rep_b (team Bravo), while HR and admin are not refused as "not found";
- organisation-wide reference data (``ORGANISATION_WIDE``: weight schemes, period settings) has no
  owner: every role reads it, and reps and managers are refused any write (403/405);
- every API list hides rep_b's record from rep_a;
- no route answers any role with a server error.
"""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests

PUBLIC_ROUTES = {
    "login",
    "logout",
    "set_language",
    "javascript-catalog",
    "healthz",
    "api-schema",
    "api-docs",
    "api-token",
    "surveys:answer",  # the customer's one-time survey link: the token is the key
}
# Django admin has its own staff check, tested separately below.
SKIPPED_NAMESPACES = {"admin"}


def _registries():
    out_of_scope, route_models, organisation_wide = {}, {}, {}
    for info in pkgutil.iter_modules(tests.__path__):
        if not info.ispkg:
            continue
        try:
            module = importlib.import_module(f"tests.{info.name}.authz")
        except ModuleNotFoundError:
            continue
        out_of_scope.update(getattr(module, "OUT_OF_SCOPE", {}))
        route_models.update(getattr(module, "ROUTE_MODELS", {}))
        organisation_wide.update(getattr(module, "ORGANISATION_WIDE", {}))
    return out_of_scope, route_models, organisation_wide


def _walk(patterns, prefix_ns=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            full_ns = f"{prefix_ns}:{ns}" if prefix_ns and ns else (ns or prefix_ns)
            yield from _walk(entry.url_patterns, full_ns)
        elif isinstance(entry, URLPattern):
            yield prefix_ns, entry


def all_routes():
    routes = []
    seen = set()
    for namespace, pattern in _walk(get_resolver().url_patterns):
        if namespace.split(":")[0] in SKIPPED_NAMESPACES:
            continue
        if pattern.name is None:
            continue
        if "format" in _kwarg_names(pattern):
            continue  # DRF format-suffix duplicates
        name = f"{namespace}:{pattern.name}" if namespace else pattern.name
        if name in seen:
            continue
        seen.add(name)
        routes.append((name, pattern))
    return routes


def _kwarg_names(pattern) -> list[str]:
    return list(pattern.pattern.regex.groupindex)


def _view_model(pattern):
    callback = pattern.callback
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if cls is None:
        return None
    model = getattr(cls, "model", None)
    if model is not None:
        return model
    # A list or API view's queryset, or the record a ServiceFormView loads from the URL.
    for attribute in ("queryset", "object_queryset"):
        queryset = getattr(cls, attribute, None)
        if queryset is not None:
            return queryset.model
    return None


def _is_api(pattern, name):
    return hasattr(pattern.callback, "cls") or name.startswith("api-")


ROUTES = all_routes()


def test_every_route_is_known_to_the_walker():
    assert len(ROUTES) > 10
    assert {"accounts:user-detail", "user-detail", "team-list"} <= {n for n, _ in ROUTES}


@pytest.mark.parametrize(("name", "pattern"), ROUTES, ids=[n for n, _ in ROUTES])
def test_route_requires_sign_in_unless_public(name, pattern, cast, client):
    if name in PUBLIC_ROUTES:
        return
    kwargs = dict.fromkeys(_kwarg_names(pattern), 999999)
    url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    if _is_api(pattern, name):
        assert response.status_code in (401, 403), (
            f"{name} answered anonymous with {response.status_code}"
        )
    else:
        assert response.status_code == 302, f"{name} answered anonymous with {response.status_code}"
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "pattern"), ROUTES, ids=[n for n, _ in ROUTES])
def test_record_routes_are_scoped_for_every_role(name, pattern, cast, client):
    converters = _kwarg_names(pattern)
    if not converters or name in PUBLIC_ROUTES:
        return
    out_of_scope, route_models, organisation_wide = _registries()
    model = route_models.get(name) or _view_model(pattern)
    assert model is not None, (
        f"{name} takes {sorted(converters)} but names no model: add it to ROUTE_MODELS in "
        "tests/<app>/authz.py"
    )
    if model in organisation_wide:
        _check_organisation_wide(name, pattern, organisation_wide[model](cast), cast, client)
        return
    assert model in out_of_scope, (
        f"{name} serves {model.__name__}: add an OUT_OF_SCOPE factory in tests/<app>/authz.py"
    )
    record = out_of_scope[model](cast)
    url = reverse(name, kwargs=dict.fromkeys(converters, record.pk))

    for outsider in (cast.rep_a, cast.manager_a):
        client.force_login(outsider)
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url, {})
        assert response.status_code in (403, 404), (
            f"{name}: {outsider.role} outside the record's team got {response.status_code}"
        )

    for insider in (cast.hr, cast.admin):
        client.force_login(insider)
        response = client.get(url)
        assert response.status_code not in (404, 500), (
            f"{name}: {insider.role} got {response.status_code}"
        )


def _check_organisation_wide(name, pattern, record, cast, client):
    url = reverse(name, kwargs=dict.fromkeys(_kwarg_names(pattern), record.pk))
    for user in cast.by_role().values():
        client.force_login(user)
        response = client.get(url)
        assert response.status_code not in (404, 500), (
            f"{name}: {user.role} got {response.status_code}"
        )
    for user in (cast.rep_a, cast.manager_a):
        client.force_login(user)
        if _is_api(pattern, name):
            response = client.patch(url, {}, content_type="application/json")
        else:
            response = client.post(url, {})
        assert response.status_code in (403, 405), (
            f"{name}: {user.role} may write organisation-wide data ({response.status_code})"
        )


@pytest.mark.parametrize(("name", "pattern"), ROUTES, ids=[n for n, _ in ROUTES])
def test_lists_answer_every_role_and_api_lists_hide_other_teams(name, pattern, cast, client):
    if _kwarg_names(pattern) or name in PUBLIC_ROUTES:
        return
    url = reverse(name)
    for user in cast.by_role().values():
        client.force_login(user)
        response = client.get(url)
        assert response.status_code < 500, (
            f"{name} answered {user.role} with {response.status_code}"
        )
    model = _view_model(pattern)
    out_of_scope, _, _ = _registries()
    if not (_is_api(pattern, name) and model in out_of_scope):
        return
    record = out_of_scope[model](cast)
    client.force_login(cast.rep_a)
    response = client.get(url, {"page_size": 500})
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert record.pk not in ids, f"{name} shows rep_b's {model.__name__} to rep_a"


def test_admin_site_refuses_non_staff(cast, client):
    for user in (cast.rep_a, cast.manager_a, cast.hr):
        client.force_login(user)
        response = client.get("/admin/")
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
    client.force_login(cast.admin)
    assert client.get("/admin/").status_code == 200
