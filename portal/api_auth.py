"""Who is calling the API: a Bearer token, or the browser session (with CSRF on writes).

Endpoints that anonymous callers may use resolve the user with ``api_user(request)``;
endpoints that need a user call ``require_user(request)``.
"""

from django.contrib.auth.models import AnonymousUser
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from ninja.errors import HttpError

from .models import ApiToken
from .ratelimit import RATE_LIMITED, count, is_limited, rate_limit

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _bearer_key(request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return None
    return key.strip()


def user_for_token(raw_key: str):
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_digest=ApiToken.digest(raw_key), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def _csrf_failure_reason(request) -> str | None:
    def get_response(_request):
        return None

    middleware = CsrfViewMiddleware(get_response)
    middleware.process_request(request)
    return middleware.process_view(request, None, (), {})


def api_user(request):
    """The calling user or AnonymousUser. A bad token is an error, never anonymous."""
    cached = getattr(request, "_api_user", None)
    if cached is not None:
        return cached
    key = _bearer_key(request)
    if key is not None:
        # Wrong tokens are counted per client address (the caller is anonymous): over the rate,
        # no token is even looked up, so a right guess is refused like a wrong one.
        if is_limited(request, "api_token_invalid", increment=False):
            raise HttpError(429, RATE_LIMITED)
        user = user_for_token(key)
        if user is None:
            count(request, "api_token_invalid")
            raise HttpError(401, "โทเคนไม่ถูกต้องหรือถูกยกเลิกแล้ว (invalid token)")
        request._api_user = user
        rate_limit(request, "api_token")
    else:
        user = getattr(request, "user", None) or AnonymousUser()
        csrf_needed = user.is_authenticated and request.method not in SAFE_METHODS
        if csrf_needed and _csrf_failure_reason(request) is not None:
            raise HttpError(403, "CSRF ไม่ถูกต้อง กรุณาโหลดหน้าใหม่ (CSRF check failed)")
    request._api_user = user
    return user


def require_user(request):
    user = api_user(request)
    if not user.is_authenticated:
        raise HttpError(401, "กรุณาเข้าสู่ระบบก่อน (authentication required)")
    return user
