"""Brute force on sign-in (issue #13): django-axes locks an account and, apart, a client address
after AXES_FAILURE_LIMIT failures on the login page and the token endpoint alike; the client
address ignores X-Forwarded-For unless proxies are trusted; cool-off and HR unlock."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.core.cache import cache
from django.db.models import F
from django.test import RequestFactory, override_settings
from django.urls import reverse

from apps.accounts.security import client_ip
from apps.core.models import AuditEntry
from tests.factories.accounts import PASSWORD

LOCKED = (
    "Too many failed sign-ins. Try again in 15 minutes, or ask HR or an administrator to unlock "
    "your account."
)
WRONG_PAGE = (
    "Please enter a correct username and password. Note that both fields may be case-sensitive."
)
WRONG_API = "Unable to sign in with the username and password given."
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()  # the token endpoint's throttle counts in the (process-wide) local cache


def page_sign_in(client, username, password, address="203.0.113.10", **extra):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def page_errors(response) -> list[str]:
    return response.context["form"].non_field_errors() if response.context else []


def api_sign_in(api_client, username, password, address="203.0.113.10", **extra):
    return api_client.post(
        TOKEN_URL, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- the login page --------------------------------------------------------------------------


def test_login_page_locks_the_account_and_refuses_the_right_password(cast, client):
    for _ in range(4):
        response = page_sign_in(client, "rep_a", "wrong")
        assert response.status_code == 200
        assert page_errors(response) == [WRONG_PAGE]
    fifth = page_sign_in(client, "rep_a", "wrong")
    assert fifth.status_code == 429
    assert page_errors(fifth) == [LOCKED]
    assert fifth["Retry-After"] == "900"

    right = page_sign_in(client, "rep_a", PASSWORD)
    assert right.status_code == 429
    assert page_errors(right) == [LOCKED]
    assert LOCKED in right.content.decode()
    assert not signed_in(client)


def test_a_locked_account_is_refused_from_any_address(cast, client):
    for _ in range(5):
        page_sign_in(client, "rep_a", "wrong", address="203.0.113.10")
    response = page_sign_in(client, "rep_a", PASSWORD, address="198.51.100.20")
    assert response.status_code == 429
    assert page_errors(response) == [LOCKED]
    assert not signed_in(client)


def test_a_locked_address_is_refused_for_every_account(cast, client):
    for username in ("rep_a", "rep_b", "hr", "nobody", "manager_a"):
        page_sign_in(client, username, "wrong", address="203.0.113.10")
    response = page_sign_in(client, "rep_a2", PASSWORD, address="203.0.113.10")
    assert response.status_code == 429
    assert page_errors(response) == [LOCKED]
    assert not signed_in(client)
    # rep_a2 from elsewhere is fine: their account has no failure.
    assert page_sign_in(client, "rep_a2", PASSWORD, address="198.51.100.20").status_code == 302
    assert signed_in(client)


def test_fewer_failures_than_the_limit_still_sign_in(cast, client):
    for _ in range(4):
        page_sign_in(client, "rep_a", "wrong")
    response = page_sign_in(client, "rep_a", PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


@override_settings(AXES_FAILURE_LIMIT=2)
def test_the_limit_is_a_setting(cast, client):
    assert page_sign_in(client, "rep_a", "wrong").status_code == 200
    assert page_errors(page_sign_in(client, "rep_a", "wrong")) == [LOCKED]


def test_an_unknown_username_gets_the_same_answers_as_a_wrong_password(cast, client, api_client):
    def answers(username, address):
        page = [page_sign_in(client, username, "wrong", address) for _ in range(6)]
        api = [api_sign_in(api_client, username, "wrong", address) for _ in range(6)]
        return [(r.status_code, page_errors(r)) for r in page], [
            (r.status_code, r.json()) for r in api
        ]

    assert answers("rep_a", "203.0.113.10") == answers("no-such-person", "198.51.100.20")


def test_rotating_x_forwarded_for_does_not_help_without_trusted_proxies(cast, client):
    for n in range(5):
        page_sign_in(client, "rep_a", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    # Another account from the same connection, with yet another X-Forwarded-For: the address
    # is REMOTE_ADDR, which is locked.
    response = page_sign_in(client, "rep_a2", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.10"}


@override_settings(SALESPERF_TRUSTED_PROXIES=1)
def test_with_one_trusted_proxy_the_address_it_saw_is_counted(cast, client):
    proxy = "198.51.100.1"
    for n in range(5):
        # The client writes a different address each time; the proxy appends the real one.
        page_sign_in(
            client,
            f"guess{n}",
            "wrong",
            address=proxy,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    locked = page_sign_in(
        client, "rep_a", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.77, 203.0.113.7"
    )
    assert locked.status_code == 429
    # Another client behind the same proxy is not locked.
    other = page_sign_in(
        client, "rep_a", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.8"
    )
    assert other.status_code == 302


def test_client_ip_takes_the_nth_address_from_the_right():
    factory = RequestFactory()
    request = factory.get(
        "/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5, 198.51.100.9"
    )
    with override_settings(SALESPERF_TRUSTED_PROXIES=0):
        assert client_ip(request) == "10.9.9.9"
    with override_settings(SALESPERF_TRUSTED_PROXIES=1):
        assert client_ip(request) == "198.51.100.9"
    with override_settings(SALESPERF_TRUSTED_PROXIES=2):
        assert client_ip(request) == "203.0.113.5"
    with override_settings(SALESPERF_TRUSTED_PROXIES=5):
        assert client_ip(request) == "1.1.1.1"
    garbage = factory.get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="not-an-address")
    with override_settings(SALESPERF_TRUSTED_PROXIES=1):
        assert client_ip(garbage) == "10.9.9.9"


# --- the token endpoint ----------------------------------------------------------------------


def test_token_endpoint_locks_the_account_and_refuses_the_right_password(cast, api_client):
    for _ in range(4):
        response = api_sign_in(api_client, "rep_a", "wrong")
        assert response.status_code == 400
        assert response.json() == {"non_field_errors": [WRONG_API]}
    fifth = api_sign_in(api_client, "rep_a", "wrong")
    assert (fifth.status_code, fifth.json()) == (429, {"detail": LOCKED})
    assert fifth["Retry-After"] == "900"
    right = api_sign_in(api_client, "rep_a", PASSWORD, address="198.51.100.20")
    assert (right.status_code, right.json()) == (429, {"detail": LOCKED})
    assert not cast.rep_a.api_tokens.exists()


def test_token_endpoint_rotating_x_forwarded_for_does_not_help(cast, api_client):
    for n in range(5):
        api_sign_in(api_client, f"guess{n}", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = api_sign_in(api_client, "rep_a", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert (response.status_code, response.json()) == (429, {"detail": LOCKED})


def test_login_page_and_token_endpoint_count_together(cast, client, api_client):
    for _ in range(3):
        page_sign_in(client, "rep_a", "wrong")
    for _ in range(2):
        api_sign_in(api_client, "rep_a", "wrong", address="198.51.100.20")
    assert page_sign_in(client, "rep_a", PASSWORD, address="192.0.2.30").status_code == 429
    assert api_sign_in(api_client, "rep_a", PASSWORD, address="192.0.2.31").status_code == 429


def test_token_throttle_keys_on_the_client_address_not_x_forwarded_for(cast, api_client):
    for n in range(30):
        response = api_sign_in(api_client, "rep_a", PASSWORD, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        assert response.status_code == 200
    throttled = api_sign_in(api_client, "rep_a", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert throttled.status_code == 429
    assert "throttled" in throttled.json()["detail"]


# --- cool-off, unlock, logging ---------------------------------------------------------------


def _lock(client, username="rep_a"):
    for _ in range(5):
        page_sign_in(client, username, "wrong")
    assert page_sign_in(client, username, PASSWORD).status_code == 429


def test_the_lock_ends_after_the_cool_off(cast, client):
    _lock(client)
    # Time travel: the last failure was 14 minutes ago, then 16 (cool-off: 15 minutes).
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=14))
    assert page_sign_in(client, "rep_a", PASSWORD, address="198.51.100.20").status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    assert page_sign_in(client, "rep_a", PASSWORD).status_code == 302
    assert signed_in(client)


@override_settings(AXES_COOLOFF_TIME=timedelta(minutes=1))
def test_the_cool_off_is_a_setting_and_the_message_says_it(cast, client):
    for _ in range(5):
        response = page_sign_in(client, "rep_a", "wrong")
    assert page_errors(response) == [
        "Too many failed sign-ins. Try again in 1 minute, or ask HR or an administrator to "
        "unlock your account."
    ]
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(seconds=61))
    assert page_sign_in(client, "rep_a", PASSWORD).status_code == 302


def test_hr_unlocks_a_person_from_their_page(cast, client, client_as):
    _lock(client)
    hr = client_as(cast.hr)
    page = hr.get(reverse("accounts:user-detail", args=[cast.rep_a.pk]))
    assert "Unlock sign-in" in page.content.decode()
    assert "Locked after 6 failed sign-ins." in page.content.decode()
    response = hr.post(reverse("accounts:user-unlock", args=[cast.rep_a.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user-detail", args=[cast.rep_a.pk])
    assert not AccessAttempt.objects.filter(username="rep_a").exists()
    entry = AuditEntry.objects.get(action="user.sign_in_unlock")
    assert (entry.actor, entry.subject_user) == (cast.hr, cast.rep_a)
    hr.logout()
    assert page_sign_in(client, "rep_a", PASSWORD).status_code == 302


def test_a_rep_cannot_unlock_and_nothing_changes(cast, client, client_as):
    _lock(client, "rep_a2")
    rep = client_as(cast.rep_a)
    response = rep.post(reverse("accounts:user-unlock", args=[cast.rep_a2.pk]))
    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username="rep_a2").exists()
    page = rep.get(reverse("accounts:user-detail", args=[cast.rep_a.pk]))
    assert "Unlock sign-in" not in page.content.decode()


def test_unlocking_someone_not_locked_says_so_and_writes_nothing(cast, client_as):
    hr = client_as(cast.hr)
    response = hr.post(reverse("accounts:user-unlock", args=[cast.rep_a.pk]), follow=True)
    assert f"{cast.rep_a} has no failed sign-ins to clear." in [
        str(m) for m in response.context["messages"]
    ]
    assert not AuditEntry.objects.filter(action="user.sign_in_unlock").exists()


def test_unlock_page_takes_post_only(cast, client_as):
    response = client_as(cast.hr).get(reverse("accounts:user-unlock", args=[cast.rep_a.pk]))
    assert response.status_code == 405


def test_failed_sign_ins_are_logged_with_username_and_address_never_the_password(
    cast, client, caplog
):
    with caplog.at_level(logging.WARNING, logger="axes"):
        page_sign_in(client, "rep_a", "s3cret-guess")
    text = caplog.text
    assert "login failure" in text
    assert "rep_a" in text and "203.0.113.10" in text
    assert "s3cret-guess" not in text
    failure = AccessFailureLog.objects.get()
    assert (failure.username, failure.ip_address) == ("rep_a", "203.0.113.10")


def test_server_side_sign_in_without_a_request_checks_the_password_and_is_not_counted(cast, client):
    """Django's test ``Client.login`` (and shell code) authenticates without a request: the
    lockout has no client to count, the password is still checked."""
    from axes.models import AccessAttempt

    cast.rep_a.set_password("a-good-long-password-1")
    cast.rep_a.save()
    assert not client.login(username="rep_a", password="wrong-password")
    assert client.login(username="rep_a", password="a-good-long-password-1")
    assert not AccessAttempt.objects.exists()
