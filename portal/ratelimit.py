"""Rate limits for the API and forms (django-ratelimit, counters in the shared cache).

Usage in an API endpoint or view::

    rate_limit(request, "idea_submit", "10/h")   # raises HttpError(429) when exceeded

The key is the user when logged in (token or session), otherwise the client IP.
"""

import ipaddress
import logging

from django.conf import settings
from django_ratelimit import ALL
from django_ratelimit.core import get_usage
from ninja.errors import HttpError

logger = logging.getLogger(__name__)

RATE_LIMITED = "ทำรายการถี่เกินไป กรุณารอสักครู่แล้วลองใหม่ (rate limit exceeded)"

# Default rates per action; settings.RUAMKID["RATE_LIMITS"] may override any of them.
DEFAULT_RATES = {
    "idea_submit": "10/h",
    "idea_update": "30/h",
    "vote": "120/m",
    "comment": "20/10m",
    "comment_flag": "30/h",
    "survey_response": "20/h",
    "similar_lookup": "60/m",
    "tagging_preview": "60/m",
    # Every request authenticated by an API token, per account (a generous ceiling for
    # integrations; each action's own rate above still applies).
    "api_token": "600/m",
    # Requests with a wrong or revoked token, per client address: guessing gets a 429.
    "api_token_invalid": "20/m",
    "export": "30/h",
}


def rate_for(group: str) -> str:
    overrides = settings.RUAMKID.get("RATE_LIMITS", {})
    return overrides.get(group, DEFAULT_RATES[group])


def client_ip(request) -> str:
    """The caller's address (``settings.TRUSTED_PROXY_COUNT``): the connection's, or behind our
    proxies the X-Forwarded-For entry the outermost of them added. A missing or malformed entry
    falls back to the connection's address."""
    remote = request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 - a key, not a bind
    return _behind_proxies(remote, request.headers.get("X-Forwarded-For", ""))


def scope_client_ip(scope) -> str:
    """`client_ip` for an ASGI scope (a WebSocket connection)."""
    client = scope.get("client") or ("0.0.0.0", 0)  # noqa: S104 - a key, not a bind
    forwarded = b",".join(
        value for name, value in scope.get("headers", []) if name.lower() == b"x-forwarded-for"
    )
    return _behind_proxies(str(client[0]), forwarded.decode("latin-1"))


def _behind_proxies(remote: str, forwarded_header: str) -> str:
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    forwarded = [part.strip() for part in forwarded_header.split(",")]
    if len(forwarded) < trusted:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-trusted]))
    except ValueError:
        return remote


def _key(group, request) -> str:
    user = getattr(request, "_api_user", None) or getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return "ip:" + client_ip(request)


def is_limited(request, group: str, rate: str | None = None, *, increment: bool = True) -> bool:
    """Whether the caller is over the rate; counts this request unless `increment` is False
    (check first, then `count()` only what was really done, e.g. a saved response)."""
    if not settings.RUAMKID.get("RATE_LIMITS_ENABLED", True):
        return False
    try:
        usage = get_usage(
            request,
            group=f"ruamkid:{group}",
            key=_key,
            rate=rate or rate_for(group),
            method=ALL,
            increment=increment,
        )
    except Exception:  # the counters' cache is down: serve the request rather than fail it
        logger.exception("rate-limit counters unavailable (%s)", group)
        return False
    if usage is None:
        return False
    if increment:
        return usage["should_limit"]
    # Not counting this request: the rate is used up once the count reaches the limit.
    return usage["should_limit"] or usage["count"] >= usage["limit"]


def count(request, group: str, rate: str | None = None) -> None:
    """Count a completed action against the caller's rate (see `is_limited(increment=False)`)."""
    is_limited(request, group, rate)


def rate_limit(request, group: str, rate: str | None = None) -> None:
    """Raise a JSON 429 when the caller exceeded the action's rate."""
    if is_limited(request, group, rate):
        raise HttpError(429, RATE_LIMITED)


def limit_posts(group: str, *, methods: tuple[str, ...] = ("POST",)):
    """View decorator: over the rate, answer with the Thai 429 page (or JSON under /api/)."""
    from functools import wraps

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods and is_limited(request, group):
                from .views import rate_limited

                return rate_limited(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
