"""Shared cache of public idea listings (anonymous visitors), with version-key invalidation.

A cached listing's key holds the version numbers of what it shows:

- ``gen``: everything (bumped when something shown on every listing changes: a user's display
  name or erasure, a tag label, plan items, a campaign page edit, ``load_demo``);
- ``c<id>``: one campaign's ideas (bumped by every service that changes an idea of the campaign:
  new idea, edit, vote, status change or hide, comment count, tags);
- ``all``: listings not limited to one campaign (bumped with every campaign version).

Bumping a version makes every key built with the old one unreachable; the entries expire on their
own (``RUAMKID["LIST_CACHE_SECONDS"]``, 0 turns the cache off). Versions are bumped at once *and*
again after the transaction commits, so a listing read between the two (still showing the old
rows) is not kept under the new version. A missing version key starts from a fresh random-ish
value, never from an old number, so an evicted version cannot resurrect stale entries.

Only anonymous requests read or fill the cache: signed-in users always get a fresh listing.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import translation

logger = logging.getLogger(__name__)

PREFIX = "ideas:list"
GLOBAL = "gen"
ALL = "all"


def timeout() -> int:
    return int(settings.RUAMKID.get("LIST_CACHE_SECONDS", 300) or 0)


def enabled() -> bool:
    return timeout() > 0


def is_anonymous(request) -> bool:
    """No session user and no API token (a token caller is a user: never served shared data)."""
    if request.headers.get("Authorization"):
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def _version_key(name: str) -> str:
    return f"{PREFIX}:v:{name}"


def _fresh() -> int:
    return time.time_ns()


def _versions(names: list[str]) -> list[int]:
    keys = [_version_key(n) for n in names]
    found = cache.get_many(keys)
    missing = [k for k in keys if k not in found]
    if missing:
        # Only if still absent (a concurrent bump or first reader wins), then read what is there.
        for k in missing:
            cache.add(k, _fresh(), timeout=None)
        found.update(cache.get_many(missing))
    return [found[k] for k in keys]


def _bump(names: list[str]) -> None:
    bump_many = getattr(cache, "bump_many", None)  # portal.cache.RedisCache: one round trip
    if bump_many is not None:
        try:
            bump_many([_version_key(name) for name in names], _fresh())
        except Exception:  # cache down: a write must not fail for it (entries expire anyway)
            logger.exception("could not invalidate cached idea listings (%s)", names)
        return
    for name in names:
        key = _version_key(name)
        try:
            try:
                cache.incr(key)
            except ValueError:  # not there (evicted or never read): any fresh value will do
                cache.set(key, _fresh(), timeout=None)
        except Exception:  # cache down: a write must not fail for it (entries expire anyway)
            logger.exception("could not invalidate cached idea listings (%s)", key)


def _bump_now_and_on_commit(names: list[str]) -> None:
    """Inside a transaction: now and after the commit; outside one, the change is already
    committed and one bump is enough."""
    if transaction.get_connection().in_atomic_block:
        _bump(names)
    transaction.on_commit(lambda: _bump(names))


def campaign_changed(campaign_id: int | None) -> None:
    """An idea of this campaign (or its count, votes, comments, status, tags) changed."""
    names = [ALL] if campaign_id is None else [f"c{campaign_id}", ALL]
    _bump_now_and_on_commit(names)


def everything_changed() -> None:
    _bump_now_and_on_commit([GLOBAL])


def key(kind: str, *, campaign_id: int | None, parts: dict) -> str | None:
    """The cache key of one listing: versions + language + what was asked for (None when the
    cache cannot be reached: the listing is then built and not stored)."""
    scope = f"c{campaign_id}" if campaign_id is not None else ALL
    try:
        gen, version = _versions([GLOBAL, scope])
    except Exception:
        logger.exception("idea listing cache unavailable")
        return None
    asked = repr(sorted(parts.items())).encode()
    digest = hashlib.blake2b(asked, digest_size=16).hexdigest()
    return f"{PREFIX}:{kind}:{gen}:{scope}.{version}:{translation.get_language()}:{digest}"


def get(cache_key: str | None):
    if cache_key is None:
        return None
    try:
        return cache.get(cache_key)
    except Exception:
        logger.exception("idea listing cache unavailable")
        return None


def put(cache_key: str | None, value, *, seconds: int | None = None) -> None:
    """Store for ``seconds`` (default: the cache's lifetime)."""
    if cache_key is None:
        return
    try:
        cache.set(cache_key, value, timeout=timeout() if seconds is None else seconds)
    except Exception:
        logger.exception("idea listing cache unavailable")


def listing_cache_clear() -> None:
    """Drop every cached listing (bench/profiling: measure the uncached path)."""
    _bump([GLOBAL])
