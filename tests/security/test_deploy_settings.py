"""Production settings pass Django's deployment checks, and the checks do bite."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def production_env() -> dict[str, str]:
    """Throwaway production secrets: only their presence and strength are checked."""
    from cryptography.fernet import Fernet

    return {
        "DJANGO_SETTINGS_MODULE": "youthleague.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "portal.example.cn",
        "MEMBER_ID_KEY": Fernet.generate_key().decode(),
        "MEMBER_ID_HASH_KEY": secrets.token_urlsafe(48),
    }


# Set by the browser tests' conftest for this process only; no deployment has it.
TEST_ONLY = {"DJANGO_ALLOW_ASYNC_UNSAFE"}


def deploy_check(**overrides: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in overrides and k not in TEST_ONLY}
    env.update(production_env())
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_production_settings_pass_the_deploy_check():
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_fails_without_hsts():
    result = deploy_check(SECURE_HSTS_SECONDS="0")
    assert result.returncode != 0
    assert "security.W004" in result.stderr


def test_the_deploy_check_fails_without_the_https_redirect():
    result = deploy_check(SECURE_SSL_REDIRECT="0")
    assert result.returncode != 0
    assert "security.W008" in result.stderr


def test_production_settings_are_strict():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.ALLOWED_HOSTS)"
    )
    env = {**os.environ, **production_env()}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False True True True True ['portal.example.cn']", result.stderr
