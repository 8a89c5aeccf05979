"""portal.cache.RedisCache: one Redis client and connection pool per process and server."""

import contextvars
import os

import pytest

from portal.cache import RedisCache


def test_backends_of_different_contexts_share_one_client_and_pool():
    # Django builds a cache backend per context (under ASGI: per request); they must not each
    # open their own connection pool.
    first = RedisCache("redis://127.0.0.1:6379/15", {})
    second = RedisCache("redis://127.0.0.1:6379/15", {})
    client = first._cache.get_client()
    assert second._cache.get_client() is client
    assert second._cache.get_client(write=True) is client
    assert second._cache._get_connection_pool(False) is client.connection_pool
    other_db = RedisCache("redis://127.0.0.1:6379/14", {})
    assert other_db._cache.get_client() is not client


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
def test_requests_in_their_own_contexts_reuse_the_connection():
    from django.core.cache import caches

    def one_request(value):
        cache = caches["default"]
        cache.set("portal-cache-test", value, 10)
        return cache, cache.get("portal-cache-test")

    def pool_size():
        pool = caches["default"]._cache.get_client().connection_pool
        return len(pool._available_connections) + len(pool._in_use_connections)

    # The process's pool may already hold connections from earlier tests (threads of their own).
    before = pool_size()
    first, got_first = contextvars.Context().run(one_request, 1)
    second, got_second = contextvars.Context().run(one_request, 2)
    assert (got_first, got_second) == (1, 2)
    assert first is not second  # Django's per-context backends...
    assert first._cache.get_client() is second._cache.get_client()  # ...one client
    assert pool_size() == max(before, 1)  # ...and no new connection for the second request


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
def test_incr_and_bump_many_in_one_round_trip_each():
    from django.core.cache import caches

    cache = caches["default"]
    cache.delete_many(["portal-incr", "portal-bump-a", "portal-bump-b"])
    with pytest.raises(ValueError):  # Django's contract: a missing key is not created by incr
        cache.incr("portal-incr")
    assert cache.get("portal-incr") is None
    cache.set("portal-incr", 5, 10)
    assert cache.incr("portal-incr", 2) == 7
    assert cache.get("portal-incr") == 7

    cache.set("portal-bump-a", 10, None)
    client = cache._cache.get_client(write=True)
    sent = []
    original = client.connection_pool.get_connection

    def counting(*args, **kwargs):
        sent.append(1)
        return original(*args, **kwargs)

    client.connection_pool.get_connection = counting
    try:
        cache.bump_many(["portal-bump-a", "portal-bump-b"], 1000)
    finally:
        client.connection_pool.get_connection = original
    assert len(sent) == 1
    assert cache.get_many(["portal-bump-a", "portal-bump-b"]) == {
        "portal-bump-a": 11,
        "portal-bump-b": 1001,
    }
