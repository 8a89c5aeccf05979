"""Bench-only settings: the product settings + a baseline URL and a query-count header.

Used by ``bench/http_bench.py`` (``DJANGO_SETTINGS_MODULE=bench.settings``); never by the product.
Production-like: DEBUG off, PostgreSQL + Redis from ``DATABASE_URL`` / ``REDIS_URL``.
"""

import os
import warnings

os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")

from portal.settings import *  # noqa: E402,F403
from portal.settings import MIDDLEWARE, STORAGES  # noqa: E402

ROOT_URLCONF = os.environ.get("BENCH_ROOT_URLCONF", "bench.bench_urls")
# Outermost, so every query of the request (session, auth, view, templates) is counted.
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
# No collectstatic manifest on the bench machine; serving pages must not depend on it.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Whitenoise warns when collectstatic has not been run; the bench requests no static files.
warnings.filterwarnings("ignore", message="No directory at")
