"""`manage.py check --deploy` with production environment values reports nothing."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def test_check_deploy_has_no_warnings():
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECURE_COOKIES",
            "SECURE_HSTS_SECONDS",
            "SECURE_SSL_REDIRECT",
            "ALLOWED_HOSTS",
        }
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "SECRET_KEY": "k8Gq2v-production-like-secret-9fQz1xL0pWm3nR7tY5uJ4bV6cH2dS8aE",
            "ALLOWED_HOSTS": "ruamkid.example.go.th",
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout
