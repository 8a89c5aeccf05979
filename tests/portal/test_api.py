import pytest
from django.core.management import call_command
from django.db import connection

from portal.models import ApiToken, Membership, Role

pytestmark = pytest.mark.django_db


def test_health_reports_database_and_channel_layer(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body == {"status": "ok", "database": "ok", "channel_layer": "ok"}


def test_health_on_the_configured_database_vendor(client, settings):
    # The same suite runs on SQLite locally and PostgreSQL in CI.
    expected = "postgresql" if settings.USING_POSTGRES else "sqlite"
    assert connection.vendor == expected
    assert client.get("/api/v1/health").json()["database"] == "ok"


def test_health_says_unavailable_when_channel_layer_is_down(client, settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    try:
        body = client.get("/api/v1/health").json()
    finally:
        channel_layers.backends.clear()
    assert body["channel_layer"] == "unavailable"
    assert body["database"] == "ok"


def test_channel_layer_probe_runs_once_per_second_per_process(monkeypatch):
    """Health checks under load share one probe (one round trip per second per process)."""
    import threading

    from channels.layers import InMemoryChannelLayer

    from portal import selectors

    class CountingLayer(InMemoryChannelLayer):
        round_trips = 0

        async def new_channel(self, prefix="specific."):
            CountingLayer.round_trips += 1
            return await super().new_channel(prefix)

    layer = CountingLayer()
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(selectors.channel_layer_available(layer)))
        for _ in range(20)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 20
    assert CountingLayer.round_trips == 1
    monkeypatch.setattr(selectors, "PROBE_MAX_AGE", 0)  # older than the limit: probed again
    assert selectors.channel_layer_available(layer) is True
    assert CountingLayer.round_trips == 2
    assert selectors.channel_layer_available(None) is False


def test_agencies_list_in_thai_unescaped(client, agency_factory):
    agency_factory(slug="sisuk-hospital", name="โรงพยาบาลศรีสุขประชา", name_en="Si Suk Hospital")
    agency_factory(slug="muangmai-city", name="เทศบาลนครเมืองใหม่", name_en="Mueang Mai City")
    response = client.get("/api/v1/agencies")
    assert response.status_code == 200
    assert "โรงพยาบาลศรีสุขประชา" in response.content.decode()
    assert response.json() == [
        {"slug": "muangmai-city", "name": "เทศบาลนครเมืองใหม่", "name_en": "Mueang Mai City"},
        {"slug": "sisuk-hospital", "name": "โรงพยาบาลศรีสุขประชา", "name_en": "Si Suk Hospital"},
    ]


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_openapi_and_docs(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/health" in schema.json()["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_create_api_token_command_creates_user_role_and_token(capsys, agency_factory, client):
    agency = agency_factory(slug="muangmai-city")
    call_command(
        "create_api_token",
        "new.manager@example.com",
        "--create-user",
        "--password",
        "s3cret-pass-123",
        "--agency",
        "muangmai-city",
        "--role",
        "manager",
    )
    token = capsys.readouterr().out.strip()
    assert token.startswith("rk_") and "\n" not in token
    stored = ApiToken.objects.get()
    assert stored.key_digest == ApiToken.digest(token) and token not in stored.key_digest
    user = stored.user
    assert Membership.objects.filter(user=user, agency=agency, role=Role.MANAGER).exists()
    # The created user has a verified address and can log in at once with that password.
    assert user.emailaddress_set.get().verified
    response = client.post(
        "/accounts/login/", {"login": "new.manager@example.com", "password": "s3cret-pass-123"}
    )
    assert response.status_code == 302


def test_create_api_token_refuses_unknown_user_and_agency(user_factory):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody@example.com")
    user_factory(email="someone@example.com")
    with pytest.raises(CommandError):
        call_command(
            "create_api_token", "someone@example.com", "--agency", "nope", "--role", "manager"
        )


def test_bearer_token_identifies_the_caller(client, user_factory, token_for, rf):
    from portal.api_auth import api_user

    user = user_factory()
    headers = token_for(user)
    request = rf.get("/api/v1/health", headers=headers)
    assert api_user(request) == user


def test_invalid_bearer_token_is_a_json_401(rf):
    from ninja.errors import HttpError

    from portal.api_auth import api_user

    request = rf.get("/", headers={"Authorization": "Bearer not-a-real-token"})
    with pytest.raises(HttpError) as excinfo:
        api_user(request)
    assert excinfo.value.status_code == 401


def test_me_requires_a_user_and_errors_are_detail_json(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert set(response.json()) == {"detail"}


def test_me_with_token_lists_memberships(client, make_member, token_for):
    user = make_member("facilitator", email="fac@example.com", display_name="วิชัย")
    response = client.get("/api/v1/me", headers=token_for(user))
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "fac@example.com"
    assert body["display_name"] == "วิชัย"
    assert [m["role"] for m in body["memberships"]] == ["facilitator"]
