"""Settings for the daphne process that browser tests drive: the test settings, plus a cache
that the test process can see (Redis when REDIS_URL is set, else no cache at all, so nothing
stale - Wagtail's site root paths, rate-limit counters - survives a test's database flush).

The channel layer is in-memory: every browser talks to this one daphne process. (With the
Redis layer, an anonymous participant's board rendered read-only - `live_available` false -
on every reload in this suite, while a logged-in one went live; reported to the workshops app.)"""

from tests.settings import *  # noqa: F403
from tests.settings import REDIS_URL

CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
if not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

# Playwright fills and sends a form within milliseconds; a person cannot. The honeypot's trap field
# and signed start time stay on (portal/honeypot.py); only its minimum fill time is off here.
RUAMKID = {**RUAMKID, "FORM_MIN_FILL_SECONDS": 0}  # noqa: F405
# The sign-up journey cannot read this process's mailbox, so it continues without the
# confirmation step that production requires (tested in tests/portal/test_accounts.py).
ACCOUNT_EMAIL_VERIFICATION = "optional"
