"""Simple protection against anonymous repeat-stuffing, without storing personal data.

* a cookie (`rk_survey_<id>`) marks a browser that has already answered a survey;
* a per-survey rate limit on anonymous submissions keyed by the client's network address,
  kept only in the cache (django-ratelimit hashes the key; nothing goes to the database);
* logged-in people answer each survey once, and their saved responses across surveys count
  against the portal's ``survey_response`` rate (portal.ratelimit).
"""

from django.conf import settings
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

from portal import ratelimit

COOKIE_MAX_AGE = 60 * 60 * 24 * 180  # half a year


def anonymous_rate() -> str:
    # A hospital's guest Wi-Fi puts many honest phones behind one address: keep this generous.
    return getattr(settings, "SURVEYS_ANONYMOUS_RATE", "20/h")


def cookie_name(survey) -> str:
    return f"rk_survey_{survey.pk}"


def already_answered_here(request, survey) -> bool:
    return request.COOKIES.get(cookie_name(survey)) == "1"


def _usage(request, survey, *, increment: bool) -> dict | None:
    return get_usage(
        request,
        group=f"surveys:{survey.pk}",
        key="ip",
        rate=anonymous_rate(),
        method=ALL,
        increment=increment,
    )


def anonymous_rate_limited(request, survey) -> bool:
    """True when this network has already sent the allowed number of anonymous responses."""
    usage = _usage(request, survey, increment=False)
    return usage is not None and (usage["should_limit"] or usage["count"] >= usage["limit"])


def count_anonymous_response(request, survey) -> None:
    """Count a saved anonymous response (failed attempts with typos don't count)."""
    _usage(request, survey, increment=True)


def mark_answered(request, response, survey) -> None:
    """After an anonymous response: count it for the rate limit and set the cookie."""
    count_anonymous_response(request, survey)
    response.set_cookie(
        cookie_name(survey),
        "1",
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def user_rate_limited(request) -> bool:
    """True when the logged-in caller has saved more responses than the rate allows."""
    return ratelimit.is_limited(request, "survey_response", increment=False)


def count_user_response(request) -> None:
    ratelimit.count(request, "survey_response")
