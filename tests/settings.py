"""Test settings: the one settings module, with test-friendly environment defaults.

Environment still wins, so CI's DATABASE_URL / REDIS_URL switch the suite to PostgreSQL + Redis.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")
os.environ.setdefault("TASKS_BACKEND", "immediate")
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
# No PostgreSQL connection pool in the test process: tests read the database from threads of
# their own (concurrency tests, executors) that never hand their connection back, so a bounded pool
# runs dry over a whole suite (a full PostgreSQL run stalled with all 10 connections held).
# The server processes that tests start (tests/bench/test_vote_burst.py, the multi-process
# workshop test) run with the pool, as in production.
os.environ.setdefault("DB_POOL", "0")

from portal.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

if USING_POSTGRES:  # noqa: F405
    # A statement that waits on a lock fails after a minute, naming itself, instead of stalling
    # the run (one CI run stalled in a test's teardown until its 90-minute limit).
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _db_options["options"] = f"{_db_options.get('options', '')} -c lock_timeout=60s".strip()
