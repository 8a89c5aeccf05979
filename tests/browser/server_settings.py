"""Settings for the daphne process that browser tests drive: the test settings, plus a cache
that the test process can see (Redis when REDIS_URL is set, else no cache at all, so nothing
stale - Wagtail's site root paths, rate-limit counters - survives a test's database flush)."""

from tests.settings import *  # noqa: F403
from tests.settings import REDIS_URL

if not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
