import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

pytestmark = pytest.mark.django_db


def test_sign_up_confirm_email_then_log_in(client, home_page, human_form_fields):
    """Production setting: log-in only once the e-mailed confirmation link has been opened."""
    from allauth.account.models import EmailAddress
    from django.conf import settings

    assert settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory"
    credentials = {"login": "manee@example.com", "password": "ThaiCitizen#2569"}
    response = client.post(
        "/accounts/signup/",
        {
            "email": "manee@example.com",
            "password1": "ThaiCitizen#2569",
            "password2": "ThaiCitizen#2569",
            **human_form_fields("signup"),
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(email="manee@example.com")
    assert user.check_password("ThaiCitizen#2569")
    assert len(mail.outbox) == 1  # confirmation e-mail
    assert "_auth_user_id" not in client.session
    # Not yet: the right password leads to "confirm your address", not into the portal.
    response = client.post("/accounts/login/", credentials)
    assert "_auth_user_id" not in client.session
    assert "ออกจากระบบ" not in client.get("/").content.decode()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    assert client.post(urlsplit(link).path).status_code == 302
    assert EmailAddress.objects.get(email="manee@example.com").verified
    response = client.post("/accounts/login/", credentials)
    assert response.status_code == 302
    assert "ออกจากระบบ" in client.get("/").content.decode()


def test_sign_up_page_is_thai(client):
    html = client.get("/accounts/signup/").content.decode()
    assert '<html lang="th">' in html
    assert "สมัครสมาชิก" in html


def test_password_reset_sends_email(client, user_factory, human_form_fields):
    user_factory(email="reset@example.com")
    response = client.post(
        "/accounts/password/reset/",
        {"email": "reset@example.com", **human_form_fields("reset_password")},
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "reset@example.com" in mail.outbox[0].to


def test_public_name_never_shows_full_email(user_factory):
    user = user_factory(email="somchai@example.com", display_name="")
    assert "@" not in user.public_name
    user.is_erased = True
    assert user.public_name == "ผู้ใช้ที่ลบบัญชีแล้ว"


def _is_thai_portal_mail(message) -> None:
    assert message.subject.startswith("[ร่วมคิด] ")
    assert "example.com!" not in message.body  # Django's default Site name
    assert message.body.startswith("สวัสดีจาก ร่วมคิด")
    assert "You're receiving" not in message.body and "Hello from" not in message.body


def test_account_emails_are_thai_and_name_the_portal(client, user_factory, human_form_fields):
    """Sign-up confirmation, password reset and reset for an unknown address: Thai text from
    templates/account/email, the portal's name from Django's Site (set after migrate)."""
    from django.contrib.sites.models import Site

    assert Site.objects.get_current().name == "ร่วมคิด"
    client.post(
        "/accounts/signup/",
        {
            "email": "somsri@example.com",
            "password1": "ThaiCitizen#2569",
            "password2": "ThaiCitizen#2569",
            **human_form_fields("signup"),
        },
    )
    confirm = mail.outbox[-1]
    _is_thai_portal_mail(confirm)
    assert "กรุณายืนยันอีเมล" in confirm.subject
    assert re.search(r"https?://\S+/accounts/confirm-email/\S+/", confirm.body)

    user_factory(email="known@example.com")
    for address in ("known@example.com", "nobody@example.com"):
        client.post(
            "/accounts/password/reset/",
            {"email": address, **human_form_fields("reset_password")},
        )
        _is_thai_portal_mail(mail.outbox[-1])
        assert mail.outbox[-1].to == [address]
    reset, unknown = mail.outbox[-2:]
    assert "ตั้งรหัสผ่านใหม่" in reset.subject
    assert re.search(r"https?://\S+/accounts/password/reset/key/\S+/", reset.body)
    assert "ยังไม่มีบัญชี" in unknown.body and "/accounts/signup/" in unknown.body


def test_site_for_emails_takes_the_portal_name_and_keeps_an_admin_choice(settings):
    from django.contrib.sites.models import Site

    from portal.services import django_site_ensure

    settings.SITE_URL = "https://ruamkid.example.go.th"
    Site.objects.filter(pk=settings.SITE_ID).update(domain="example.com", name="example.com")
    site = django_site_ensure()
    assert (site.domain, site.name) == ("ruamkid.example.go.th", "ร่วมคิด")
    Site.objects.filter(pk=site.pk).update(domain="portal.example.go.th", name="ร่วมคิด จังหวัด")
    assert django_site_ensure().name == "ร่วมคิด จังหวัด"


def test_social_log_in_buttons_only_for_configured_providers(client, settings):
    """No LINE/ThaiD button unless its credentials are configured (see
    test_settings_switch.test_social_login_providers_only_when_configured for the settings)."""
    html = client.get("/accounts/login/").content.decode()
    assert "/accounts/line/" not in html and "/accounts/oidc/" not in html
    assert settings.SOCIALACCOUNT_PROVIDERS == {}
