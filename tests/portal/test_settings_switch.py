"""The settings module switches backends by environment alone.

Each case executes `portal/settings.py` afresh as an isolated module with a given environment
(no Django start-up needed), so the live settings of the test run are untouched.
"""

import importlib.util
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "portal" / "settings.py"
CONTROLLED = (
    "DATABASE_URL",
    "REDIS_URL",
    "TASKS_BACKEND",
    "DEBUG",
    "SECRET_KEY",
    "LINE_CHANNEL_ID",
    "LINE_CHANNEL_SECRET",
    "OIDC_SERVER_URL",
    "OIDC_CLIENT_ID",
    "ALLOWED_HOSTS",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    "SECURE_SSL_REDIRECT",
    "ACCOUNT_EMAIL_VERIFICATION",
    "FORM_MIN_FILL_SECONDS",
    "DB_POOL",
    "DB_POOL_MIN_SIZE",
    "DB_POOL_MAX_SIZE",
    "DB_POOL_TIMEOUT",
)


@pytest.fixture
def load_settings(monkeypatch):
    def load(**env):
        for name in CONTROLLED:
            monkeypatch.delenv(name, raising=False)
        env.setdefault("SECRET_KEY", "x")
        for name, value in env.items():
            if value is not None:
                monkeypatch.setenv(name, value)
        spec = importlib.util.spec_from_file_location("settings_probe", SETTINGS_FILE)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load


def test_defaults_need_nothing_running(load_settings):
    probe = load_settings()
    assert probe.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert probe.CHANNEL_LAYERS["default"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"
    assert probe.CACHES["default"]["BACKEND"].endswith("LocMemCache")
    assert probe.TASKS["default"]["BACKEND"].endswith("ImmediateBackend")
    assert probe.DEBUG is False


def test_database_and_redis_urls_switch_backends(load_settings):
    probe = load_settings(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert probe.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert probe.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    assert probe.CACHES["default"]["BACKEND"].endswith("RedisCache")
    assert probe.TASKS["default"]["BACKEND"].endswith("DatabaseBackend")


def test_postgresql_connection_pool_on_by_default_and_configurable(load_settings):
    url = "postgres://postgres@127.0.0.1:5432/test"
    pooled = load_settings(DATABASE_URL=url)
    assert pooled.DATABASES["default"]["OPTIONS"]["pool"] == {
        "min_size": 2,
        "max_size": 10,
        "timeout": 10.0,
    }
    assert pooled.DATABASES["default"]["CONN_MAX_AGE"] == 0  # the pool replaces persistence
    sized = load_settings(DATABASE_URL=url, DB_POOL_MIN_SIZE="1", DB_POOL_MAX_SIZE="4")
    assert sized.DATABASES["default"]["OPTIONS"]["pool"]["max_size"] == 4
    unpooled = load_settings(DATABASE_URL=url, DB_POOL="0")
    assert "pool" not in unpooled.DATABASES["default"].get("OPTIONS", {})
    sqlite = load_settings(DB_POOL="1")  # the demo's SQLite file has no pool
    assert "pool" not in sqlite.DATABASES["default"]["OPTIONS"]


def test_production_refuses_to_start_without_secret_key(load_settings):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load_settings(SECRET_KEY=None)
    demo = load_settings(SECRET_KEY=None, DEBUG="1")
    assert demo.SECRET_KEY == demo.DEMO_SECRET_KEY


def test_thai_first_settings():
    assert settings.LANGUAGE_CODE == "th"
    assert settings.TIME_ZONE == "Asia/Bangkok"
    assert [code for code, _ in settings.LANGUAGES] == ["th", "en"]


def test_social_login_providers_only_when_configured(load_settings):
    assert load_settings().SOCIALACCOUNT_PROVIDERS == {}
    line = load_settings(LINE_CHANNEL_ID="123", LINE_CHANNEL_SECRET="s")
    assert list(line.SOCIALACCOUNT_PROVIDERS) == ["line"]
    assert "allauth.socialaccount.providers.line" in line.INSTALLED_APPS
    oidc = load_settings(OIDC_SERVER_URL="https://id.example", OIDC_CLIENT_ID="c")
    assert list(oidc.SOCIALACCOUNT_PROVIDERS) == ["openid_connect"]


def test_email_verification_is_mandatory_in_production_only(load_settings):
    assert load_settings().ACCOUNT_EMAIL_VERIFICATION == "mandatory"
    assert load_settings(DEBUG="1").ACCOUNT_EMAIL_VERIFICATION == "optional"
    override = load_settings(DEBUG="1", ACCOUNT_EMAIL_VERIFICATION="mandatory")
    assert override.ACCOUNT_EMAIL_VERIFICATION == "mandatory"
    with pytest.raises(ImproperlyConfigured):
        load_settings(ACCOUNT_EMAIL_VERIFICATION="sometimes")


def test_honeypot_fill_time_from_environment(load_settings):
    assert load_settings().RUAMKID["FORM_MIN_FILL_SECONDS"] == 2
    assert load_settings(FORM_MIN_FILL_SECONDS="5").RUAMKID["FORM_MIN_FILL_SECONDS"] == 5


def test_check_deploy_has_no_warnings_with_production_environment(load_settings, settings):
    """`manage.py check --deploy` with the values production environment variables produce."""
    from django.core.management import call_command

    production = load_settings(
        SECRET_KEY="k8Gq2v-production-like-secret-9fQz1xL0pWm3nR7tY5uJ4bV6cH2dS8aE",
        ALLOWED_HOSTS="ruamkid.example.go.th",
        SECURE_COOKIES=None,
        SECURE_HSTS_SECONDS=None,
        SECURE_SSL_REDIRECT=None,
    )
    for name in dir(production):
        if name.isupper() and name.startswith(
            ("SECURE_", "SESSION_COOKIE", "CSRF_COOKIE", "X_FRAME", "SECRET_KEY", "DEBUG")
        ):
            setattr(settings, name, getattr(production, name))
    settings.ALLOWED_HOSTS = production.ALLOWED_HOSTS
    settings.SILENCED_SYSTEM_CHECKS = production.SILENCED_SYSTEM_CHECKS
    assert production.SECURE_SSL_REDIRECT and production.SESSION_COOKIE_SECURE
    call_command("check", deploy=True, fail_level="WARNING")
