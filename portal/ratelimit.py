"""Rate limits for the API and forms (django-ratelimit, counters in the shared cache).

Usage in an API endpoint or view::

    rate_limit(request, "idea_submit", "10/h")   # raises HttpError(429) when exceeded

The key is the user when logged in (token or session), otherwise the client IP.
"""

from django.conf import settings
from django_ratelimit.core import is_ratelimited
from ninja.errors import HttpError

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
    "api_token": "10/h",
    "export": "30/h",
}


def rate_for(group: str) -> str:
    overrides = settings.RUAMKID.get("RATE_LIMITS", {})
    return overrides.get(group, DEFAULT_RATES[group])


def _key(group, request) -> str:
    user = getattr(request, "_api_user", None) or getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return "ip:" + (request.META.get("REMOTE_ADDR") or "unknown")


def is_limited(request, group: str, rate: str | None = None) -> bool:
    if not settings.RUAMKID.get("RATE_LIMITS_ENABLED", True):
        return False
    return is_ratelimited(
        request, group=f"ruamkid:{group}", key=_key, rate=rate or rate_for(group), increment=True
    )


def rate_limit(request, group: str, rate: str | None = None) -> None:
    """Raise a JSON 429 when the caller exceeded the action's rate."""
    if is_limited(request, group, rate):
        raise HttpError(429, "ทำรายการถี่เกินไป กรุณารอสักครู่แล้วลองใหม่ (rate limit exceeded)")


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
