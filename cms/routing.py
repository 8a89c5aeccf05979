"""Wagtail page serving with the URL → page lookup cached.

Wagtail resolves ``/agency/campaign/`` by walking the tree: the site, then one query for each
level's child and one for its specific page, then two more for the view restrictions of the page
and its ancestors — 8 queries before the page's own work. Here the result of that walk (page id,
its specific type, the ids of the view restrictions that apply) is kept in the cache under a
version number that any page, site or view-restriction change bumps, so a cached route costs one
query (the specific page itself, loaded fresh: a cached route never serves stale content, and a
page that is no longer live is routed the slow way again, which answers 404). A page class may
also answer anonymous visitors from a cache of whole responses before it is loaded
(``cached_response_for``; ``ideas.page_cache``), keyed on the same version.

A page class may name foreign keys its template always reads in ``route_select_related``; a
cached route loads them in the same query. Only plain routes are cached (a page serving its own sub-paths, e.g. a RoutablePage, is not).
"""

import logging
import time

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from wagtail import views as wagtail_views
from wagtail.models import Page, PageViewRestriction
from wagtail.url_routing import RouteResult

logger = logging.getLogger(__name__)

VERSION_KEY = "cms:route:version"
TIMEOUT = 24 * 3600


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = time.time_ns()  # never an old number: an evicted version cannot resurrect
        cache.set(VERSION_KEY, version, timeout=None)
    return version


def current_version(request) -> int:
    """The route version (bumped by any page, site or view-restriction change): caches of whole
    pages key on it too. Read once per request."""
    version = getattr(request, "_cms_route_version", None)
    if version is None:
        version = request._cms_route_version = _version()
    return version


def _bump() -> None:
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.set(VERSION_KEY, time.time_ns(), timeout=None)
    except Exception:  # cache down: saving a page must not fail for it
        logger.exception("could not invalidate cached page routes")


def routes_changed() -> None:
    """Pages, sites or view restrictions changed: forget every cached route (now and on commit)."""
    _bump()
    transaction.on_commit(_bump)


def _key(request, path: str) -> str:
    host = request._get_raw_host().lower()
    return f"cms:route:{current_version(request)}:{host}:{request.get_port()}:{path}"


def _restriction_ids(page: Page) -> list[int]:
    return list(page.get_view_restrictions().values_list("pk", flat=True))


def _with_cached_restrictions(page: Page, ids: list[int]) -> Page:
    """Wagtail's view-restriction hook calls ``page.get_view_restrictions()``: answer from the
    ids found when the route was cached (no query when there are none)."""
    if ids:
        page.get_view_restrictions = lambda: PageViewRestriction.objects.filter(pk__in=ids)
    else:
        page.get_view_restrictions = PageViewRestriction.objects.none
    return page


def _cached_route(request, path: str, key: str, found):
    """The route from ``found`` (what the cache held under ``key``), or worked out and kept."""
    if found is not None:
        page_id, content_type_id, restriction_ids = found
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        page = None
        if model is not None:
            pages = model.objects.filter(pk=page_id, live=True)
            related = getattr(model, "route_select_related", ())
            page = (pages.select_related(*related) if related else pages).first()
        if page is not None:
            return RouteResult(_with_cached_restrictions(page, restriction_ids))
    route = Page.route_for_request(request, path)
    if route is None:
        return None
    page, args, kwargs = route
    if not args and not kwargs:
        ids = _restriction_ids(page)
        cache.set(key, (page.pk, page.content_type_id, ids), timeout=TIMEOUT)
        _with_cached_restrictions(page, ids)
    return route


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Site, get_page_models
    from wagtail.signals import post_page_move

    def changed(sender, **kwargs):
        routes_changed()

    for model in [*get_page_models(), PageViewRestriction, Site]:
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"cms-route-{model}")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"cms-route-d-{model}")
    post_page_move.connect(changed, weak=False, dispatch_uid="cms-route-move")


def _shared_response(request, found):
    """A page class may keep whole responses for anonymous visitors (``cached_response_for``,
    e.g. ``ideas.page_cache``): asked before the page is loaded, only for a route with no view
    restrictions (Wagtail's other before-serve check, the request method, passes for GET)."""
    page_id, content_type_id, restriction_ids = found
    if restriction_ids:
        return None
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    cached_response_for = getattr(model, "cached_response_for", None)
    return None if cached_response_for is None else cached_response_for(request, page_id)


def serve(request, path):
    """``wagtail.views.serve`` with the route looked up in the cache for GET/HEAD requests."""
    if request.method in ("GET", "HEAD") and not hasattr(request, "_wagtail_route_for_request"):
        try:
            key = _key(request, path)
            found = cache.get(key)
            if found is not None:
                response = _shared_response(request, found)
                if response is not None:
                    return response
            request._wagtail_route_for_request = _cached_route(request, path, key, found)
        except Exception:  # e.g. the cache is down: route the usual (uncached) way
            logger.exception("cached page routing failed for %s", path)
            if hasattr(request, "_wagtail_route_for_request"):
                del request._wagtail_route_for_request
    return wagtail_views.serve(request, path)
