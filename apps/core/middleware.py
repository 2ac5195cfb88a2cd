"""Small middlewares of our own: the loopback health probe and the Permissions-Policy header."""

import ipaddress
import re

from django.conf import settings

#: Headers a reverse proxy adds: a request carrying one of them came from outside, even when the
#: proxy itself connects from 127.0.0.1.
FORWARDING_HEADERS = (
    "HTTP_FORWARDED",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_REAL_IP",
)
HEALTHZ_PATH = "/healthz"
LOOPBACK_HOST_NAMES = {"localhost"}
_HOST_RE = re.compile(r"^(?P<name>\[[0-9a-fA-F:.]+\]|[^:\[\]]+)(?::\d{1,5})?$")


def _is_loopback_address(value: str) -> bool:
    try:
        return ipaddress.ip_address(value.strip("[]")).is_loopback
    except ValueError:
        return False


def _is_loopback_host(host: str) -> bool:
    match = _HOST_RE.match(host)
    if not match:
        return False
    name = match["name"].lower()
    return name in LOOPBACK_HOST_NAMES or _is_loopback_address(name)


def is_loopback_probe(request) -> bool:
    """A plain GET /healthz sent on this machine (a container healthcheck), not via a proxy.

    All of: the exact path, GET, a loopback peer address, a loopback Host header and no
    forwarding header. A request relayed by a proxy on the same machine has the proxy's
    forwarding headers and the public host name, so it never qualifies.
    """
    meta = request.META
    return (
        request.path_info == HEALTHZ_PATH
        and request.method == "GET"
        and _is_loopback_address(meta.get("REMOTE_ADDR", ""))
        and _is_loopback_host(meta.get("HTTP_HOST", ""))
        and not any(header in meta for header in FORWARDING_HEADERS)
    )


class LoopbackHealthCheckMiddleware:
    """Answer the local health probe before the host check and the HTTPS redirect.

    docker-compose probes ``http://127.0.0.1:8000/healthz`` from inside the container: plain
    HTTP and a Host that is not in ALLOWED_HOSTS, so SecurityMiddleware would redirect it to
    https and CommonMiddleware would refuse the host. Only that probe (see
    :func:`is_loopback_probe`) is answered here; every other request, including /healthz from
    anywhere else, goes through the normal checks. Must come first in MIDDLEWARE.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_loopback_probe(request):
            from apps.core.views import healthz

            return healthz(request)
        return self.get_response(request)


def permissions_policy_header(policy: dict) -> str:
    """``{"camera": [], "fullscreen": ["self"]}`` -> ``camera=(), fullscreen=(self)``."""
    return ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in policy.items())


class PermissionsPolicyMiddleware:
    """Send ``Permissions-Policy`` built from SALESPERF_PERMISSIONS_POLICY (nothing when empty)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "SALESPERF_PERMISSIONS_POLICY", None)
        if policy and "Permissions-Policy" not in response:
            response.headers["Permissions-Policy"] = permissions_policy_header(policy)
        return response
