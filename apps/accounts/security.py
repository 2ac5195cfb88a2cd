"""Sign-in protection: who the client is, and what a locked-out client is told.

django-axes counts failed sign-ins (the login page and ``POST /api/v1/auth/token/`` both go
through ``authenticate(request=…)``) per account and, apart, per client address, in the
database (shared by every process). After ``AXES_FAILURE_LIMIT`` failures within
``AXES_COOLOFF_TIME`` the account, or the address, is refused even with the right password until
the cool-off has passed since the last try or HR/an admin unlocks it.

The client address is the one function :func:`client_ip` for axes (``AXES_CLIENT_IP_CALLABLE``)
and for DRF throttles (:class:`ClientAddressMixin`, and ``NUM_PROXIES`` which says the same).
"""

import ipaddress
import math

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.utils.translation import ngettext


def client_ip(request) -> str:
    """The client's address: ``REMOTE_ADDR`` when no proxy is trusted
    (``SALESPERF_TRUSTED_PROXIES`` = 0, X-Forwarded-For is ignored: a client could write
    anything there); with N trusted proxies, the N-th address from the right of
    X-Forwarded-For (each proxy appends the address it was called from, so the ones left of
    that are the client's own words). A value that is not an address falls back to REMOTE_ADDR.
    """
    meta = getattr(request, "META", {})
    remote = meta.get("REMOTE_ADDR", "") or ""
    proxies = settings.SALESPERF_TRUSTED_PROXIES
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
    if not addresses:
        return remote
    candidate = addresses[-min(proxies, len(addresses))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


class ClientAddressMixin:
    """For a DRF throttle: key on :func:`client_ip` (the same address as the lockout)."""

    def get_ident(self, request):
        return client_ip(request)


def cool_off_minutes() -> int:
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_message() -> str:
    """What a locked-out client reads: the same for an existing account, an unknown username and
    a locked address, so it tells nothing about who has an account."""
    minutes = cool_off_minutes()
    return ngettext(
        "Too many failed sign-ins. Try again in %(minutes)d minute, or ask HR or an "
        "administrator to unlock your account.",
        "Too many failed sign-ins. Try again in %(minutes)d minutes, or ask HR or an "
        "administrator to unlock your account.",
        minutes,
    ) % {"minutes": minutes}


def is_locked_out(request) -> bool:
    """Whether django-axes refused (or just locked) the sign-in attempt of ``request``."""
    return bool(getattr(request, "axes_locked_out", False))


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: the page the view already rendered (the sign-in form with
    :func:`lockout_message`) with status 429 and a Retry-After header."""
    from django.http import HttpResponse

    response = original_response
    if response is None:
        response = HttpResponse(lockout_message(), content_type="text/plain; charset=utf-8")
    response.status_code = 429
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for sign-ins made over HTTP.

    Both of the product's sign-in doors (the login page and the token endpoint) pass the
    request, so they are counted and locked as described above (tests/accounts/
    test_sign_in_protection.py). A call without a request — server-side code such as a
    management shell or Django's test ``Client.login`` — has no client to count or lock: this
    backend steps aside and the password is still checked by ``ModelBackend`` (axes itself would
    refuse such calls outright).
    """

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
