import pytest
from django.contrib.auth import get_user_model
from django.core import mail

pytestmark = pytest.mark.django_db


def test_sign_up_then_log_in(client, home_page):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "manee@example.com",
            "password1": "ThaiCitizen#2569",
            "password2": "ThaiCitizen#2569",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(email="manee@example.com")
    assert user.check_password("ThaiCitizen#2569")
    assert len(mail.outbox) == 1  # confirmation e-mail
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "manee@example.com", "password": "ThaiCitizen#2569"}
    )
    assert response.status_code == 302
    assert "ออกจากระบบ" in client.get("/").content.decode()


def test_sign_up_page_is_thai(client):
    html = client.get("/accounts/signup/").content.decode()
    assert '<html lang="th">' in html
    assert "สมัครสมาชิก" in html


def test_password_reset_sends_email(client, user_factory):
    user_factory(email="reset@example.com")
    response = client.post("/accounts/password/reset/", {"email": "reset@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "reset@example.com" in mail.outbox[0].to


def test_public_name_never_shows_full_email(user_factory):
    user = user_factory(email="somchai@example.com", display_name="")
    assert "@" not in user.public_name
    user.is_erased = True
    assert user.public_name == "ผู้ใช้ที่ลบบัญชีแล้ว"
