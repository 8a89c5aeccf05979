import pytest
from ninja.errors import HttpError

from portal.ratelimit import rate_limit

pytestmark = pytest.mark.django_db


def test_rate_limit_raises_429_after_the_rate(rf, user_factory):
    user = user_factory()
    request = rf.post("/api/v1/ideas")
    request.user = user
    for _ in range(3):
        rate_limit(request, "vote", "3/m")
    with pytest.raises(HttpError) as excinfo:
        rate_limit(request, "vote", "3/m")
    assert excinfo.value.status_code == 429


def test_rate_limits_are_per_user(rf, user_factory):
    first, second = user_factory(), user_factory()
    for user in (first, second):
        request = rf.post("/")
        request.user = user
        rate_limit(request, "comment", "1/m")


def test_login_is_rate_limited_by_allauth(client, user_factory):
    user_factory(email="target@example.com")
    credentials = {"login": "target@example.com", "password": "wrong"}
    pages = [client.post("/accounts/login/", credentials) for _ in range(7)]
    assert "ล้มเหลวหลายครั้งเกินไป" not in pages[0].content.decode()
    # After 5 failures for the same account allauth refuses further attempts, in Thai.
    assert "พยายามเข้าสู่ระบบล้มเหลวหลายครั้งเกินไป" in pages[-1].content.decode()
