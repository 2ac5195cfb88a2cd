"""API tokens (issue #13): a new token per sign-in that expires, listed without its key, revoked
by its owner (or HR/an admin), and by deactivating its user."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts import services
from apps.accounts.models import ApiToken
from apps.core.models import AuditEntry
from tests.factories.accounts import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"
TOKENS_URL = "/api/v1/auth/tokens/"


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()


def sign_in(username="rep_a", **extra) -> dict:
    response = APIClient().post(
        TOKEN_URL, {"username": username, "password": PASSWORD}, format="json", **extra
    )
    assert response.status_code == 200, response.content
    return response.json()


def as_token(key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_every_sign_in_makes_a_new_token_that_expires_after_the_lifetime(cast):
    before = timezone.now()
    first, second = sign_in(), sign_in()
    assert first["token"] != second["token"]
    assert set(first) == {"token", "expires_at"}
    token = ApiToken.objects.get(prefix=first["token"][:8])
    assert token.key_hash != first["token"]  # only a hash is stored
    lifetime = token.expires_at - before
    assert timedelta(hours=168) <= lifetime < timedelta(hours=168, minutes=1)
    assert as_token(first["token"]).get("/api/v1/users/").status_code == 200
    assert as_token(second["token"]).get("/api/v1/users/").status_code == 200


@override_settings(SALESPERF_TOKEN_LIFETIME_HOURS=2)
def test_an_expired_token_is_refused_with_a_clear_message(cast, monkeypatch):
    key = sign_in()["token"]
    client = as_token(key)
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(hours=1, minutes=59))
    assert client.get("/api/v1/users/").status_code == 200
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(hours=2, minutes=1))
    response = client.get("/api/v1/users/")
    assert response.status_code == 401
    assert response.json() == {"detail": "This token has expired: sign in again."}
    assert response["WWW-Authenticate"] == "Token"


def test_an_unknown_token_is_refused(cast):
    response = as_token("0" * 40).get("/api/v1/users/")
    assert (response.status_code, response.json()) == (401, {"detail": "Invalid token."})


def test_a_stale_token_header_does_not_stop_signing_in(cast):
    response = as_token("0" * 40).post(
        TOKEN_URL, {"username": "rep_a", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200


def test_last_used_is_recorded(cast):
    key = sign_in()["token"]
    token = ApiToken.objects.get(prefix=key[:8])
    assert token.last_used_at is None
    as_token(key).get("/api/v1/users/")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_user_lists_their_own_tokens_without_keys(cast):
    mine = sign_in(HTTP_USER_AGENT="salesperf-cli/1.0")["token"]
    other = sign_in()["token"]
    sign_in("rep_b")
    response = as_token(mine).get(TOKENS_URL)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert {row["prefix"] for row in rows} == {mine[:8], other[:8]}
    assert all(row["user"] == cast.rep_a.pk for row in rows)
    assert mine not in response.content.decode() and other not in response.content.decode()
    current = [row for row in rows if row["current"]]
    assert [(row["prefix"], row["name"]) for row in current] == [(mine[:8], "salesperf-cli/1.0")]


def test_a_user_revokes_their_own_token(cast):
    mine, spare = sign_in()["token"], sign_in()["token"]
    spare_id = ApiToken.objects.get(prefix=spare[:8]).pk
    response = as_token(mine).delete(f"{TOKENS_URL}{spare_id}/")
    assert response.status_code == 204
    refused = as_token(spare).get("/api/v1/users/")
    assert (refused.status_code, refused.json()) == (
        401,
        {"detail": "This token was revoked: sign in again."},
    )
    assert as_token(mine).get("/api/v1/users/").status_code == 200
    assert [row["prefix"] for row in as_token(mine).get(TOKENS_URL).json()["results"]] == [mine[:8]]


def test_delete_on_the_token_endpoint_revokes_the_token_used(cast):
    used, other = sign_in()["token"], sign_in()["token"]
    assert as_token(used).delete(TOKEN_URL).status_code == 204
    assert as_token(used).get("/api/v1/users/").status_code == 401
    assert as_token(other).get("/api/v1/users/").status_code == 200


def test_delete_on_the_token_endpoint_without_a_token_says_so(cast, client_as):
    response = client_as(cast.rep_a).delete(TOKEN_URL)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "This request was not made with a token: there is none to revoke."
    }


def test_delete_on_the_token_endpoint_needs_sign_in(cast):
    assert APIClient().delete(TOKEN_URL).status_code == 401


def test_a_rep_cannot_see_or_revoke_anothers_token(cast):
    mine = sign_in()["token"]
    theirs = sign_in("rep_b")["token"]
    theirs_id = ApiToken.objects.get(prefix=theirs[:8]).pk
    client = as_token(mine)
    assert client.get(f"{TOKENS_URL}{theirs_id}/").status_code == 404
    assert client.delete(f"{TOKENS_URL}{theirs_id}/").status_code == 404
    assert as_token(theirs).get("/api/v1/users/").status_code == 200
    assert ApiToken.objects.get(pk=theirs_id).revoked_at is None


def test_a_manager_cannot_revoke_their_reps_token(cast):
    theirs = sign_in("rep_a")["token"]
    theirs_id = ApiToken.objects.get(prefix=theirs[:8]).pk
    manager = as_token(sign_in("manager_a")["token"])
    assert manager.delete(f"{TOKENS_URL}{theirs_id}/").status_code == 404
    assert as_token(theirs).get("/api/v1/users/").status_code == 200


def test_an_admin_lists_and_revokes_anyones_token(cast):
    theirs = sign_in("rep_b")["token"]
    theirs_id = ApiToken.objects.get(prefix=theirs[:8]).pk
    admin = as_token(sign_in("admin")["token"])
    listed = admin.get(TOKENS_URL, {"user": cast.rep_b.pk}).json()["results"]
    assert [row["id"] for row in listed] == [theirs_id]
    assert admin.delete(f"{TOKENS_URL}{theirs_id}/").status_code == 204
    assert as_token(theirs).get("/api/v1/users/").status_code == 401
    entry = AuditEntry.objects.get(action="user.token_revoke")
    assert (entry.actor, entry.subject_user) == (cast.admin, cast.rep_b)


def test_deactivating_a_user_revokes_their_tokens(cast):
    first, second = sign_in("rep_b")["token"], sign_in("rep_b")["token"]
    kept = sign_in("rep_a")["token"]
    hr = as_token(sign_in("hr")["token"])
    response = hr.patch(f"/api/v1/users/{cast.rep_b.pk}/", {"is_active": False}, format="json")
    assert response.status_code == 200
    assert not ApiToken.objects.active().filter(user=cast.rep_b).exists()
    assert ApiToken.objects.filter(user=cast.rep_b, revoked_at__isnull=False).count() == 2
    for key in (first, second):
        assert as_token(key).get("/api/v1/users/").status_code == 401
    assert as_token(kept).get("/api/v1/users/").status_code == 200


def test_other_changes_to_a_user_keep_their_tokens(cast):
    key = sign_in("rep_b")["token"]
    services.user_update(actor=cast.hr, user=cast.rep_b, first_name="Renamed")
    assert as_token(key).get("/api/v1/users/").status_code == 200
