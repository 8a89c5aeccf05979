"""Headers and forms: CSRF on every form, a strict CSP with no inline script anywhere in the
templates, HSTS and secure cookies in production (issue #9, points 5 and 8)."""

import re
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def idea(make_campaign, user_factory):
    from ideas.services import idea_create

    return idea_create(
        campaign=make_campaign(),
        author=user_factory(),
        title="ขอให้เพิ่มจุดรับยาด่วน",
        body="ผู้ป่วยที่รับยาเดิมต้องรอคิวนานเท่ากับผู้ป่วยใหม่ ควรมีช่องทางด่วน",
        consent=True,
    )


def _token_from(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_forms_refuse_posts_without_the_csrf_token(idea, user_factory):
    from ideas.models import Comment

    client = Client(enforce_csrf_checks=True)
    user = user_factory()
    client.force_login(user)
    url = f"/ideas/{idea.pk}/comments/"
    assert client.post(url, {"body": "เห็นด้วยค่ะ ควรทำโดยเร็ว"}).status_code == 403
    assert client.post("/me/data/", {"action": "erase", "confirm_text": "ลบบัญชี"}).status_code == 403
    assert client.post(f"/ideas/{idea.pk}/vote/").status_code == 403
    user.refresh_from_db()
    assert not Comment.objects.exists() and not user.is_erased and idea.votes.count() == 0
    # The same post with the page's token goes through: the token is what was missing.
    token = _token_from(client.get(idea.get_absolute_url()).content.decode())
    response = client.post(url, {"body": "เห็นด้วยค่ะ ควรทำโดยเร็ว", "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and Comment.objects.count() == 1


def test_anonymous_account_forms_need_the_csrf_token(client, human_form_fields):
    strict = Client(enforce_csrf_checks=True)
    signup = {
        "email": "csrf@example.com",
        "password1": "ThaiCitizen#2569",
        "password2": "ThaiCitizen#2569",
        **human_form_fields("signup"),
    }
    assert strict.post("/accounts/signup/", signup).status_code == 403
    login = {"login": "csrf@example.com", "password": "ThaiCitizen#2569"}
    assert strict.post("/accounts/login/", login).status_code == 403
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(email="csrf@example.com").exists()


def test_api_writes_with_a_session_need_the_csrf_header(idea, user_factory, token_for):
    client = Client(enforce_csrf_checks=True)
    user = user_factory()
    client.force_login(user)
    url = f"/api/v1/ideas/{idea.pk}/vote"
    refused = client.post(url)
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert idea.votes.count() == 0
    client.get(idea.get_absolute_url())  # sets the csrftoken cookie, as the page does
    header = {"X-CSRFToken": client.cookies["csrftoken"].value}
    assert client.post(url, headers=header).status_code == 200
    # Bearer tokens are not sent by browsers on their own: no CSRF token needed.
    other = Client(enforce_csrf_checks=True)
    assert other.post(url, headers=token_for(user_factory())).status_code == 200
    assert idea.votes.count() == 2


def _template_files():
    dirs = [ROOT / "templates", *ROOT.glob("*/templates")]
    for directory in dirs:
        if ".venv" in directory.parts:
            continue
        yield from directory.rglob("*.html")


def test_templates_carry_no_inline_script():
    """CSP script-src 'self': every <script> has a src (or is JSON data), no on* handler
    attributes, no javascript: URLs, no htmx hx-on (which evaluates text as script)."""
    problems = []
    files = list(_template_files())
    assert len(files) > 50
    for path in files:
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text, flags=re.I):
            if "src=" not in tag and "application/json" not in tag:
                problems.append(f"{path.relative_to(ROOT)}: {tag}")
        for match in re.finditer(r"<[a-z][^>]*\s(on[a-z]+|hx-on[:\-][\w:-]*)\s*=", text, re.I):
            problems.append(f"{path.relative_to(ROOT)}: {match.group(1)}=")
        if re.search(r"javascript:", text, re.I):
            problems.append(f"{path.relative_to(ROOT)}: javascript: URL")
    assert not problems, "\n".join(problems)


def test_public_pages_send_the_strict_policy(client, idea, make_survey, user_factory):
    survey = make_survey(idea.agency)
    pages = [idea.get_absolute_url(), survey.url, "/accounts/login/", "/privacy/", "/workshops/"]
    for url in [*pages, "/me/data/"]:
        if url == "/me/data/":
            client.force_login(user_factory())
        response = client.get(url)
        assert response.status_code == 200, url
        policy = dict(
            part.strip().split(" ", 1)
            for part in response.headers["Content-Security-Policy"].split(";")
            if part.strip()
        )
        assert policy["script-src"] == "'self'", url
        assert policy["style-src"] == "'self'", url
        assert policy["object-src"] == "'none'" and policy["default-src"] == "'self'", url
        assert policy["frame-ancestors"] == "'self'" and policy["form-action"] == "'self'", url
        html = response.content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or "application/json" in tag, (url, tag)
        assert not re.search(r"<style\b|\sstyle\s*=", html, re.I), url


# rendered only by WeasyPrint into PDF files, never sent to a browser, so no CSP applies
PRINT_TEMPLATES = {"evidence_pdf.html", "export_pdf.html", "poster.html"}


def test_templates_carry_no_inline_style():
    """CSP style-src 'self': pages style themselves from static CSS files only."""
    problems = []
    for path in _template_files():
        if path.name in PRINT_TEMPLATES:
            continue
        text = path.read_text()
        for match in re.finditer(r"<style\b|<[a-z][^>]*\sstyle\s*=", text, re.I):
            problems.append(f"{path.relative_to(ROOT)}: {match.group(0)[:60]}")
    assert not problems, "\n".join(problems)


def test_production_sends_hsts_and_secure_cookies(client, settings):
    """What portal/settings.py sets with DEBUG off (see test_settings_switch for the values)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    plain = client.get("/privacy/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    assert response.cookies["csrftoken"]["secure"]
    from portal.services import user_ensure

    user_ensure(email="secure@example.com", password="ThaiCitizen#2569")
    login = client.post(
        "/accounts/login/",
        {"login": "secure@example.com", "password": "ThaiCitizen#2569"},
        secure=True,
    )
    assert login.status_code == 302
    session = login.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
