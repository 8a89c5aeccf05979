"""Whole campaign pages for anonymous visitors, shared through the listing cache.

A visitor with no session and no pending messages sees exactly what every other such visitor
sees, except the CSRF token (the header's forms, ``hx-headers``). The page is rendered once;
every copy of this render's token in it is replaced by a marker made for the entry (random, so
no citizen's text can contain it), and the entry is stored under a key made of:

- the listing versions of ``ideas.cache`` (the campaign's ideas, votes, comments, statuses, tags,
  plan items, agencies and everything shown on every listing) and the language, read *before*
  the page is rendered, so a change committed during the render leaves the entry unreachable;
- the page-route version of ``cms.routing`` (bumped by any page, site or view-restriction change:
  page edits, publishing, menus, moves) and this release of the templates and static files;
- host, scheme, path and the listing's own parameters (sort, status, tag, page). Any other query
  parameter, or a search (``q``), gets a page rendered for it and not kept.

``cms.routing`` asks for the shared copy before it loads the page (``lookup``), so a hit costs
no database query. Each hit gets this visitor's own token (``get_token`` also sets the CSRF
cookie, as rendering would). An entry never outlives the campaign's next opening or closing
time. Visitors with a session cookie (signed in, or with anything kept in their session), a
messages cookie, an ``Authorization`` header, HTMX requests and anything but GET/HEAD get a
freshly rendered page. When the cache cannot be reached, pages are rendered as usual.
"""

import hashlib
import logging
import re
import secrets
from functools import cache as memoise
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse
from django.middleware.csrf import CSRF_TOKEN_LENGTH, _unmask_cipher_token, get_token
from django.utils import timezone

from cms import routing

from . import cache as listing_cache

logger = logging.getLogger(__name__)

MESSAGES_COOKIE = "messages"  # django.contrib.messages cookie storage
SHARED_PARAMETERS = {"sort", "status", "tag", "page"}
_TOKEN_CANDIDATE = re.compile(rf"\b[A-Za-z0-9]{{{CSRF_TOKEN_LENGTH}}}\b")


def cacheable(request) -> bool:
    return (
        listing_cache.enabled()
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
        and not request.headers.get("Authorization")
        and not request.headers.get("HX-Request")
        and set(request.GET) <= SHARED_PARAMETERS
    )


def release() -> str:
    """What this deployment serves: the static files' manifest and the newest template file.
    A new release never shows a page rendered with the previous one's HTML or asset names.
    Worked out once per process, but on every request with DEBUG on (templates being edited)."""
    return _release_now() if settings.DEBUG else _release_once()


def _release_now() -> str:
    digest = hashlib.blake2b(digest_size=8)
    manifest = getattr(staticfiles_storage, "manifest_name", None)
    if manifest and staticfiles_storage.exists(manifest):
        with staticfiles_storage.open(manifest) as file:
            digest.update(file.read())
    newest = 0
    for folder in (Path(d) for t in settings.TEMPLATES for d in t.get("DIRS", [])):
        for path in folder.rglob("*.html"):
            newest = max(newest, path.stat().st_mtime_ns)
    digest.update(str(newest).encode())
    return digest.hexdigest()


_release_once = memoise(_release_now)


def _key(request, page_id: int) -> str | None:
    """The entry's key, or None when the cache cannot be reached (then nothing is shared)."""
    if not hasattr(request, "_page_cache_key"):
        try:
            request._page_cache_key = listing_cache.key(
                "fullpage",
                campaign_id=page_id,
                parts={
                    "routes": routing.current_version(request),
                    "release": release(),
                    "host": request.get_host(),
                    "secure": request.is_secure(),
                    "path": request.path,
                    "query": sorted(request.GET.lists()),
                },
            )
        except Exception:
            logger.exception("whole-page cache unavailable")
            request._page_cache_key = None
    return request._page_cache_key


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
    content_type, marker, html = cached
    if marker:
        html = html.replace(marker, get_token(request))
    return HttpResponse(html, content_type)


def _with_marker(request, html: str) -> tuple[str, str] | None:
    """(html with this render's CSRF token replaced by a fresh marker, the marker); None when a
    token the page carries cannot be told apart (the page is then not shared)."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return html, ""
    tokens = {
        candidate
        for candidate in set(_TOKEN_CANDIDATE.findall(html))
        if _unmask_cipher_token(candidate) == secret
    }
    if not tokens:  # shareable as it is only if this render used no token at all
        return None if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") else (html, "")
    if len(tokens) > 1:
        return None
    marker = f"csrf{secrets.token_hex(30)}"
    return html.replace(tokens.pop(), marker), marker


def serve(page, request, render):
    """``render()`` (the page's own serve), kept for the next anonymous visitors if shareable.
    The key is read before rendering (see the module docstring)."""
    if not cacheable(request):
        return render()
    key = _key(request, page.pk)
    response = render()
    if key is None:
        return response
    if hasattr(response, "render"):
        response.render()
    if response.status_code != 200 or response.cookies:
        return response
    marked = _with_marker(request, response.content.decode(response.charset))
    if marked is not None:
        html, marker = marked
        entry = (response["Content-Type"], marker, html)
        listing_cache.put(key, entry, seconds=_seconds_to_next_change(page))
    return response
