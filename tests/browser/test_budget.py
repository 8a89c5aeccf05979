"""Performance and closed-network rules in the browser: at most ~150 KB of JavaScript per main
page, nothing fetched from another host (no CDN), and static files served compressed and
cacheable by whitenoise."""

import gzip
import shutil
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from portal.models import Role

from . import data

JS_BUDGET = 150 * 1024


def _measure(page, path, base_url):
    """(JS bytes, foreign hosts) for one page load."""
    scripts: list = []
    foreign: set[str] = set()
    base = urlsplit(base_url)

    def on_response(response):
        if response.request.resource_type == "script":
            scripts.append(response)

    def on_request(request):
        url = urlsplit(request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.netloc != base.netloc:
            foreign.add(request.url)

    page.on("response", on_response)
    page.on("request", on_request)
    page.goto(path)
    page.wait_for_load_state("networkidle")
    total = sum(len(response.body()) for response in scripts)
    page.remove_listener("response", on_response)
    page.remove_listener("request", on_request)
    return total, foreign, [response.url for response in scripts]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_javascript_budget_and_no_external_hosts(new_context, live_server_url):
    hospital = data.agency()
    citizen = data.citizen()
    facilitator = data.member(hospital, Role.FACILITATOR)
    campaign = data.campaign(hospital)
    idea = data.idea(campaign)
    survey = data.survey(hospital)
    workshop = data.workshop(hospital, facilitator, status="live")
    data.plan_with_item(hospital)

    paths = [
        "/",
        f"/{hospital.slug}/",
        campaign.url,
        f"/ideas/{idea.pk}/",
        f"/ideas/campaigns/{campaign.pk}/submit/",
        survey.url,
        f"/workshops/{workshop.code}/",
        "/plans/",
        "/me/data/",
        "/accounts/signup/",
    ]
    page = new_context(citizen).new_page()
    over, external, report = {}, {}, []
    for path in paths:
        total, foreign, urls = _measure(page, path, live_server_url)
        report.append(f"{path}: {total / 1024:.1f} KB JS ({len(urls)} files)")
        if total > JS_BUDGET:
            over[path] = (total, urls)
        if foreign:
            external[path] = sorted(foreign)
    print("\n".join(report))
    assert not over, f"pages over the {JS_BUDGET // 1024} KB JavaScript budget: {over}"
    assert not external, (
        f"pages that reach another host (must work on a closed network): {external}"
    )


def test_templates_reference_no_external_host():
    """No template or our own static file pulls a script, style or font from a CDN."""
    from django.conf import settings

    offenders = []
    roots = [settings.BASE_DIR / "templates", settings.BASE_DIR / "static"]
    for root in roots:
        for path in root.rglob("*"):
            if path.suffix not in {".html", ".css", ".js"} or "vendor" in path.parts:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            for marker in (
                'src="http',
                "src='http",
                'href="//',
                "url(http",
                "url('http",
                "@import url(http",
            ):
                if marker in text:
                    offenders.append(f"{path.relative_to(settings.BASE_DIR)}: {marker}")
    assert not offenders, offenders


def test_production_static_files_are_compressed_and_cached(tmp_path):
    """With DEBUG off the portal uses whitenoise's compressed manifest storage (hashed names,
    gzip + brotli files) and its middleware; whitenoise then serves our files gzip-encoded
    with a far-future immutable Cache-Control (checked on a compressed copy of static/)."""
    from django.conf import settings
    from whitenoise import WhiteNoise
    from whitenoise.compress import Compressor

    probe = (
        "from django.conf import settings as s;"
        "print(s.STORAGES['staticfiles']['BACKEND']);"
        "print('whitenoise.middleware.WhiteNoiseMiddleware' in s.MIDDLEWARE);"
        "print(s.DEBUG)"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "probe-only",
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    output = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {probe}"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert output == ["whitenoise.storage.CompressedManifestStaticFilesStorage", "True", "False"]

    root = tmp_path / "static"
    shutil.copytree(settings.BASE_DIR / "static", root)
    compressor = Compressor(quiet=True)
    for path in root.rglob("*"):
        if path.is_file() and compressor.should_compress(str(path)):
            list(compressor.compress(str(path)))
    hashed = root / "css" / "portal.0123456789ab.css"
    shutil.copy(root / "css" / "portal.css", hashed)
    shutil.copy(root / "css" / "portal.css.gz", str(hashed) + ".gz")

    def app(environ, start_response):  # pragma: no cover - never reached for static files
        start_response("404 Not Found", [])
        return [b""]

    whitenoise = WhiteNoise(
        app,
        root=str(root),
        prefix="/static/",
        immutable_file_test=lambda path, url: ".0123456789ab." in url,
    )
    headers = {}

    def start_response(status, response_headers):
        headers["status"] = status
        headers.update({k.lower(): v for k, v in response_headers})

    body = b"".join(
        whitenoise(
            {
                "REQUEST_METHOD": "GET",
                "PATH_INFO": "/static/css/portal.0123456789ab.css",
                "HTTP_ACCEPT_ENCODING": "gzip",
                "QUERY_STRING": "",
                "SERVER_NAME": "test",
                "SERVER_PORT": "80",
                "wsgi.url_scheme": "http",
            },
            start_response,
        )
    )
    assert headers["status"].startswith("200")
    assert headers.get("content-encoding") == "gzip"
    assert (
        "immutable" in headers["cache-control"] and "max-age=315360000" in headers["cache-control"]
    )
    assert gzip.decompress(body) == (root / "css" / "portal.css").read_bytes()
