from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Heartbeat
from core.services import BEAT_HEARTBEAT, heartbeat_record
from core.tasks import heartbeat


@pytest.mark.django_db
def test_healthz_is_public_and_ok_with_a_fresh_heartbeat(client):
    heartbeat_record()
    response = client.get(reverse("core:healthz"))
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["broker"]["ok"] and body["cache"]["ok"]
    assert body["heartbeat"]["age_seconds"] < 5


@pytest.mark.django_db
def test_healthz_fails_when_the_heartbeat_is_stale(client, settings):
    heartbeat_record()
    Heartbeat.objects.filter(name=BEAT_HEARTBEAT).update(
        last_seen=timezone.now() - timedelta(seconds=settings.HEARTBEAT_MAX_AGE + 5)
    )
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 503
    assert response.json()["heartbeat"]["ok"] is False


@pytest.mark.django_db
def test_healthz_fails_before_any_heartbeat(client):
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 503
    assert response.json()["heartbeat"]["last_seen"] is None


@pytest.mark.django_db
def test_heartbeat_task_counts_runs():
    heartbeat.run()
    heartbeat.run()
    assert Heartbeat.objects.get(name=BEAT_HEARTBEAT).count == 2


@pytest.mark.django_db
def test_migration_schedules_the_heartbeat_in_beat():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="core.heartbeat")
    assert task.enabled and task.interval.every == 60
