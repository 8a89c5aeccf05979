"""Whole campaign pages for anonymous visitors, shared through the listing cache.

A visitor with no session and no pending messages sees exactly what every other such visitor
sees, except the CSRF token of the header's forms (language switch) and of ``hx-headers``. The
page is rendered once with the token replaced by a placeholder and stored under a key made of:

- the listing versions of ``ideas.cache`` (the campaign's ideas, votes, comments, statuses, tags,
  plan items, agencies and everything shown on every listing) and the language;
- the page-route version of ``cms.routing`` (bumped by any page, site or view-restriction change:
  page edits, publishing, menus, moves);
- host, scheme and the full path with its query (sort, filters, page).

``cms.routing`` asks for the shared copy before it loads the page (``lookup``), so a hit costs
no database query. Each hit puts this visitor's own token in (``get_token`` also sets the CSRF
cookie, as rendering would). An entry never outlives the campaign's next opening or closing time.
Visitors with a session cookie (signed in, or with anything kept in their session), a messages
cookie, an ``Authorization`` header, HTMX requests and anything but GET/HEAD get a freshly
rendered page.
"""

import re

from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from cms import routing

from . import cache as listing_cache

TOKEN_PLACEHOLDER = "__ruamkid_csrf_token__"  # noqa: S105 - a marker replaced per request
_RENDERED_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MESSAGES_COOKIE = "messages"  # django.contrib.messages cookie storage


def cacheable(request) -> bool:
    return (
        listing_cache.enabled()
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
        and not request.headers.get("Authorization")
        and not request.headers.get("HX-Request")
    )


def _key(request, page_id: int) -> str | None:
    return listing_cache.key(
        "fullpage",
        campaign_id=page_id,
        parts={
            "routes": routing.current_version(request),
            "host": request.get_host(),
            "secure": request.is_secure(),
            "path": request.get_full_path(),
        },
    )


def _seconds_to_next_change(page) -> int:
    """The entry's lifetime: the cache's, but never past the page's next open/close time."""
    lifetime = listing_cache.timeout()
    now = timezone.now()
    for moment in (page.opens_at, page.closes_at):
        if moment and moment > now:
            lifetime = min(lifetime, max(1, int((moment - now).total_seconds())))
    return lifetime


def lookup(request, page_id: int) -> HttpResponse | None:
    """The shared copy of the page for this request, or None (not cacheable, or not there)."""
    if not cacheable(request):
        return None
    cached = listing_cache.get(_key(request, page_id))
    if cached is None:
        return None
    content_type, html = cached
    return HttpResponse(html.replace(TOKEN_PLACEHOLDER, get_token(request)), content_type)


def serve(page, request, render):
    """``render()`` (the page's own serve), kept for the next anonymous visitors if shareable."""
    response = render()
    if not cacheable(request):
        return response
    if hasattr(response, "render"):
        response.render()
    if response.status_code != 200 or response.cookies:
        return response
    html = response.content.decode(response.charset)
    tokens = set(_RENDERED_TOKEN.findall(html))
    if len(tokens) > 1:  # one render masks the token once; anything else is not shared
        return response
    for token in tokens:
        html = html.replace(token, TOKEN_PLACEHOLDER)
    listing_cache.put(
        _key(request, page.pk),
        (response["Content-Type"], html),
        seconds=_seconds_to_next_change(page),
    )
    return response
