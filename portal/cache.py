"""Django's Redis cache backend with its connections shared by the whole process.

Django keeps cache backends in an ``asgiref.local.Local`` that is *not* thread-critical, i.e. one
per context: under ASGI every request runs in a context of its own, so every request that touched
the cache built a new backend, a new ``redis.ConnectionPool`` and so a new TCP connection to
Redis (plus redis-py's hand-shake), and each cache operation built a new ``redis.Redis`` client
object (≈ 0.1 ms of CPU: it copies redis-py's table of response callbacks). Here the pool and
the client are made once per process and server URL and shared by every backend instance; both are
thread-safe, and redis-py's pool opens new connections in a forked child.

Two operations take one round trip to Redis instead of several: ``incr`` (Django checks that the
key exists, then increments: two; rate limits and listing versions call it on every vote) and
``bump_many`` (increment counters, starting missing ones from a given value).
"""

import threading

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

# Django's incr in one step: increment only a key that exists (a missing key is an error).
_INCR_EXISTING = (
    "if redis.call('exists', KEYS[1]) == 1 then return redis.call('incrby', KEYS[1], ARGV[1]) end "
    "return false"
)

_clients: dict[tuple, object] = {}
_lock = threading.Lock()


class SharedRedisCacheClient(RedisCacheClient):
    def _options_key(self, index: int) -> tuple:
        options = tuple(sorted((k, repr(v)) for k, v in self._pool_options.items()))
        return (self._servers[index], self._pool_class, options)

    def _shared_client(self, index: int):
        key = self._options_key(index)
        client = _clients.get(key)
        if client is None:
            with _lock:
                client = _clients.get(key)
                if client is None:
                    pool = self._pool_class.from_url(self._servers[index], **self._pool_options)
                    client = _clients[key] = self._client(connection_pool=pool)
        return client

    def _get_connection_pool(self, write):
        return self.get_client(write=write).connection_pool

    def get_client(self, key=None, *, write=False):
        return self._shared_client(self._get_connection_pool_index(write))

    def incr(self, key, delta):
        client = self.get_client(key, write=True)
        result = client.eval(_INCR_EXISTING, 1, key, delta)
        if result is None:
            raise ValueError(f"Key '{key}' not found.")
        return result

    def bump_many(self, keys, initial: int) -> None:
        pipeline = self.get_client(None, write=True).pipeline(transaction=False)
        for key in keys:
            pipeline.set(key, initial, nx=True)
            pipeline.incr(key)
        pipeline.execute()


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedRedisCacheClient

    def bump_many(self, keys, initial: int) -> None:
        """Increment each key; a missing one is first set to ``initial`` (no expiry)."""
        self._cache.bump_many([self.make_and_validate_key(key) for key in keys], initial)
