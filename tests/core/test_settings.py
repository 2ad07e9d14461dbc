"""The settings module: CI may never fall back to the embedded stack."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _django_setup(
    env_overrides: dict[str, str | None], shown: str = "settings.DATABASES['default']['ENGINE']"
) -> subprocess.CompletedProcess:
    """Start Django with ``env_overrides`` (None: unset) in a new process and print ``shown``."""
    env = {k: v for k, v in os.environ.items() if k not in env_overrides}
    env.update({k: v for k, v in env_overrides.items() if v is not None})
    env["DJANGO_SETTINGS_MODULE"] = "youthleague.settings"
    code = f"import django; django.setup(); from django.conf import settings; print({shown})"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_ci_without_database_url_refuses_to_start():
    result = _django_setup({"CI": "true", "DATABASE_URL": None, "REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_ci_without_redis_url_refuses_to_start():
    result = _django_setup({"CI": "true", "DATABASE_URL": "postgres://x@127.0.0.1/x", "REDIS_URL": None})
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr


def test_production_requires_a_secret_key():
    result = _django_setup({"DEBUG": "0", "SECRET_KEY": None, "CI": None})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_without_urls_the_embedded_stack_is_used():
    result = _django_setup({"CI": None, "DATABASE_URL": None, "REDIS_URL": None})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai" and settings.USE_TZ
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"


@pytest.mark.skipif(not settings.CI, reason="checks the CI configuration")
def test_ci_uses_the_real_services():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    assert "RedisCache" in settings.CACHES["default"]["BACKEND"]


@pytest.mark.django_db
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql", reason="PostgreSQL only"
)
def test_postgresql_sessions_run_without_jit():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_a_url_with_its_own_options_keeps_them_beside_jit_off():
    url = "postgres://x@127.0.0.1/x?options=-c%20statement_timeout%3D5000"
    result = _django_setup({"CI": None, "DATABASE_URL": url}, "settings.DATABASES['default']['OPTIONS']['options']")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["-c", "jit=off", "-c", "statement_timeout=5000"]
