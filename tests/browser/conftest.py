"""Real-browser tests: Debian's chromium driven by Playwright against daphne.

A daphne subprocess serves the pytest test database (tests are `transaction=True`, so what a
test writes is committed and visible to the server). On SQLite the test database is a file
(an in-memory database can't be shared between processes). Skipped cleanly when chromium or
Playwright is missing; CI installs chromium, so they run there. Never downloads a browser.
"""

import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from tests.servers import database_url, free_port, start_daphne

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
PORTS = range(8121, 8130)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _skip_reason() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"chromium not installed at {CHROMIUM} (CI installs Debian's chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None


SKIP_REASON = _skip_reason()


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    if not browser_items:
        return
    if SKIP_REASON:
        for item in browser_items:
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))
        return
    # SQLite: give the test database a file so the daphne process can open it too.
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        test = db.setdefault("TEST", {})
        if not test.get("NAME"):
            test["NAME"] = str(
                Path("/dev/shm" if Path("/dev/shm").is_dir() else tempfile.gettempdir())
                / f"ruamkid-browser-{os.getpid()}.sqlite3"
            )


@pytest.fixture(scope="session")
def live_server_url(django_db_setup, django_db_blocker):
    """Base URL of a daphne process serving the test database (HTTP + WebSockets)."""
    from django.db import connection

    with django_db_blocker.unblock():
        settings_dict = dict(connection.settings_dict)
    port = free_port(PORTS)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.browser.server_settings",
        "DATABASE_URL": database_url(settings_dict),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / "daphne.log", "wb")  # noqa: SIM115 - closed below
    process = start_daphne(port, env=env, log=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"daphne exited early; see {ARTIFACTS / 'daphne.log'}")
            try:
                with urllib.request.urlopen(url + "/api/v1/health", timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("daphne did not answer /api/v1/health within 120 s")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def browser():
    """One chromium per test module (closed before other modules' async tests run)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the test's own ORM
    # calls (data set-up, the flush after each test) are still plain synchronous code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield instance
            instance.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Problems:
    """Console errors, page errors (CSP violations show up here) and failed requests."""

    def __init__(self):
        self.items: list[str] = []

    def watch(self, page):
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.items.append(f"pageerror: {exc}"))
        page.on("response", self._response)
        return page

    def _console(self, message):
        # Failed loads are reported with their URL by _response.
        # (axe-core itself logs its results object as an "error".)
        text = message.text
        if message.type == "error" and not text.startswith(("Failed to load resource", "axe.")):
            self.items.append(f"console: {text}")

    def _response(self, response):
        if response.status >= 400 and response.request.resource_type != "document":
            self.items.append(f"HTTP {response.status}: {response.url}")


@pytest.fixture
def problems():
    found = Problems()
    yield found
    assert not found.items, "browser reported errors:\n" + "\n".join(found.items)


@pytest.fixture
def new_context(browser, live_server_url, problems):
    """new_context(user=None, phone=False) -> a fresh browser context (logged in as user)."""
    contexts = []

    def make(user=None, phone=False, **kwargs):
        viewport = PHONE if phone else DESKTOP
        context = browser.new_context(
            base_url=live_server_url,
            viewport=viewport,
            locale="th-TH",
            timezone_id="Asia/Bangkok",
            is_mobile=phone,
            has_touch=phone,
            accept_downloads=True,
            **kwargs,
        )
        context.set_default_timeout(60_000)
        if user is not None:
            login_context(context, user, live_server_url)
        context.on("page", problems.watch)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def login_context(context, user, base_url: str) -> None:
    """Log the context in as user with a real session row (faster than the log-in form)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_key, "url": base_url}]
    )


@pytest.fixture(autouse=True)
def _migration_data(request):
    """Wagtail's locale, root collection and root page and the default tags come from
    migrations; an earlier transactional test's flush removes them, so put them back."""
    if request.node.get_closest_marker("browser") is None or SKIP_REASON:
        return
    request.getfixturevalue("transactional_db")
    from django.conf import settings
    from wagtail.models import Collection, Locale, Page

    from nlp.models import Tag
    from nlp.taxonomy import DEFAULT_TAGS

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))
    for slug, label, label_en in DEFAULT_TAGS:
        Tag.objects.get_or_create(
            slug=slug, agency=None, defaults={"label": label, "label_en": label_en}
        )


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot as a test artefact (test-artifacts/screenshots/NAME.png)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def axe_check(page, *, allow: tuple[str, ...] = ()) -> list:
    """Run axe-core on the page; return serious/critical violations (rule id, targets)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = []
    for violation in results.response["violations"]:
        if violation["impact"] in ("serious", "critical") and violation["id"] not in allow:
            targets = [node["target"] for node in violation["nodes"]][:5]
            serious.append((violation["id"], violation["impact"], violation["help"], targets))
    return serious


def chromium_available() -> bool:
    return SKIP_REASON is None and shutil.which(CHROMIUM) is not None
