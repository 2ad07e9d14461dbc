"""Checks behind /healthz: each returns (ok, detail)."""

import uuid

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection

from youthleague.celery import app as celery_app

from .models import Heartbeat
from .services import BEAT_HEARTBEAT

# Answered by core.middleware.HealthCheckMiddleware, first of all the middleware.
HEALTH_PATH = "/healthz"


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure is a failed check
        return False, type(exc).__name__
    return True, connection.vendor


def check_broker() -> tuple[bool, str]:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__
    return True, str(transport)


def check_cache() -> tuple[bool, str]:
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", 10)
        ok = cache.get(key) == "ok"
        cache.delete(key)
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__
    return ok, type(caches["default"]).__name__


def check_heartbeat() -> tuple[bool, dict]:
    beat = Heartbeat.objects.filter(name=BEAT_HEARTBEAT).first()
    if beat is None:
        return False, {"last_seen": None, "age_seconds": None}
    age = round(beat.age_seconds, 1)
    return age <= settings.HEARTBEAT_MAX_AGE, {"last_seen": beat.last_seen.isoformat(), "age_seconds": age}


def health_report() -> tuple[bool, dict]:
    report = {}
    healthy = True
    for name, check in (("database", check_database), ("broker", check_broker), ("cache", check_cache)):
        ok, detail = check()
        report[name] = {"ok": ok, "detail": detail}
        healthy &= ok
    if report["database"]["ok"]:
        ok, detail = check_heartbeat()
        report["heartbeat"] = {"ok": ok, **detail}
        healthy &= ok
    return healthy, report
