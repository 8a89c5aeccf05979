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
