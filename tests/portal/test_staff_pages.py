import pytest

from portal.services import audit_log

pytestmark = pytest.mark.django_db


def test_staff_dashboard_for_members_only(client, make_member, user_factory, agency_factory):
    agency = agency_factory(name="โรงพยาบาลทดสอบ")
    moderator = make_member("moderator", agency=agency)
    client.force_login(moderator)
    html = client.get("/staff/").content.decode()
    assert "โรงพยาบาลทดสอบ" in html
    assert "/ideas/moderation/?agency=" in html
    assert "/plans/staff/" not in html  # managers only
    client.force_login(user_factory())
    assert client.get("/staff/").status_code == 403


def test_audit_log_visible_to_agency_admin_only(client, make_member, agency_factory):
    agency_a = agency_factory()
    agency_b = agency_factory()
    admin_a = make_member("admin", agency=agency_a)
    moderator_a = make_member("moderator", agency=agency_a)
    audit_log(
        actor=moderator_a,
        action="idea.status",
        target="ideas.idea:1",
        agency=agency_a,
        status="accepted",
    )
    audit_log(actor=moderator_a, action="idea.hide", target="ideas.idea:2", agency=agency_b)

    client.force_login(admin_a)
    response = client.get(f"/staff/{agency_a.slug}/audit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "idea.status" in html and "ideas.idea:1" in html
    assert "ideas.idea:2" not in html  # agency B's entry
    assert client.get(f"/staff/{agency_b.slug}/audit/").status_code == 403
    client.force_login(moderator_a)
    assert client.get(f"/staff/{agency_a.slug}/audit/").status_code == 403


def test_public_pages_send_a_strict_csp(client, home_page):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    html = response.content.decode()
    # No inline <script> blocks on the base layout: every script has a src.
    import re

    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag
