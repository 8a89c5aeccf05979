"""The settings module switches backends by environment alone."""

import os
import subprocess
import sys

from django.conf import settings

SNIPPET = (
    "import django, json; from django.conf import settings; django.setup(); "
    "print(json.dumps([settings.DATABASES['default']['ENGINE'], "
    "settings.CHANNEL_LAYERS['default']['BACKEND'], settings.CACHES['default']['BACKEND'], "
    "settings.TASKS['default']['BACKEND'], settings.DEBUG]))"
)


def _settings_with(env: dict) -> list:
    import json

    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "TASKS_BACKEND", "DEBUG"}
    }
    clean.update({"DJANGO_SETTINGS_MODULE": "portal.settings", "SECRET_KEY": "x", **env})
    output = subprocess.run(
        [sys.executable, "-c", SNIPPET], env=clean, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def test_defaults_need_nothing_running():
    engine, layer, cache, tasks, debug = _settings_with({})
    assert engine == "django.db.backends.sqlite3"
    assert layer == "channels.layers.InMemoryChannelLayer"
    assert cache.endswith("LocMemCache")
    assert tasks.endswith("ImmediateBackend")
    assert debug is False


def test_database_and_redis_urls_switch_backends():
    engine, layer, cache, tasks, _debug = _settings_with(
        {
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        }
    )
    assert engine == "django.db.backends.postgresql"
    assert layer == "channels_redis.core.RedisChannelLayer"
    assert cache.endswith("RedisCache")
    assert tasks.endswith("DatabaseBackend")


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_thai_first_settings():
    assert settings.LANGUAGE_CODE == "th"
    assert settings.TIME_ZONE == "Asia/Bangkok"
    assert [code for code, _ in settings.LANGUAGES] == ["th", "en"]


SOCIAL_SNIPPET = (
    "import django, json; from django.conf import settings; django.setup(); "
    "print(json.dumps(sorted(settings.SOCIALACCOUNT_PROVIDERS)))"
)


def _providers(env: dict) -> list:
    import json

    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LINE_", "OIDC_"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "portal.settings", "SECRET_KEY": "x", **env})
    output = subprocess.run(
        [sys.executable, "-c", SOCIAL_SNIPPET],
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def test_social_login_providers_only_when_configured():
    assert _providers({}) == []
    assert _providers({"LINE_CHANNEL_ID": "123", "LINE_CHANNEL_SECRET": "s"}) == ["line"]
    assert _providers({"OIDC_SERVER_URL": "https://id.example", "OIDC_CLIENT_ID": "c"}) == [
        "openid_connect"
    ]
