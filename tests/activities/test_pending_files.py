"""Files kept for a form that came back with an error are deleted once the form is abandoned:
a day after they were stored, by beat's hourly task or the management command (one service)."""

import os
import re
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from activities import services
from activities.models import Activity
from activities.tasks import purge_pending_files

from .test_uploads import form_data, jpeg, pdf


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _abandon(client, org, *files) -> str:
    """Post a form with an error and the given files; return its kept-files token."""
    response = client.post(reverse("activities:create"), form_data(org, title="", photos=list(files)))
    assert response.status_code == 200
    return re.search(r'name="kept" value="([^"]+)"', response.content.decode()).group(1)


def _pending(media) -> list:
    return sorted(p for p in (media / "pending").rglob("*") if p.is_file())


def _age(path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_only_files_older_than_a_day_are_deleted(secretary_a_client, secretary_b_client, district, media):
    _abandon(secretary_a_client, district.branch_a, jpeg("旧.jpg"), jpeg("旧2.jpg"))
    old = _pending(media)
    _abandon(secretary_b_client, district.branch_b, jpeg("新.jpg"))
    fresh = [p for p in _pending(media) if p not in old]
    assert len(old) == 2 and len(fresh) == 1 and old[0].parent != fresh[0].parent  # one folder a user
    for path in old:
        _age(path, 25)
    _age(fresh[0], 23)

    assert services.activity_pending_files_purge() == 2
    assert _pending(media) == fresh
    # A later run finds nothing more; one told it is two days on takes the rest.
    assert services.activity_pending_files_purge() == 0
    assert services.activity_pending_files_purge(now=timezone.now() + timedelta(days=2)) == 1
    assert _pending(media) == []


def test_the_command_and_the_task_run_the_same_purge(secretary_a_client, district, media):
    _abandon(secretary_a_client, district.branch_a, jpeg())
    _abandon(secretary_a_client, district.branch_a, jpeg(), jpeg())
    paths = _pending(media)
    _age(paths[0], 30)
    out = StringIO()
    call_command("purge_pending_files", stdout=out)
    assert out.getvalue().strip() == "deleted=1" and _pending(media) == paths[1:]
    _age(paths[1], 30)
    purge_pending_files()
    assert _pending(media) == paths[2:]
    # Beat runs it hourly (the schedule ships in a data migration).
    scheduled = PeriodicTask.objects.get(task="activities.purge_pending_files")
    assert scheduled.enabled and (scheduled.interval.every, scheduled.interval.period) == (1, "hours")


def test_nothing_pending_is_nothing_to_do(media):
    assert services.activity_pending_files_purge() == 0


def test_a_form_saved_after_its_file_was_purged_keeps_the_rest(
    secretary_a_client, district, media, django_capture_on_commit_callbacks
):
    response = secretary_a_client.post(
        reverse("activities:create"),
        form_data(district.branch_a, title="", photos=[jpeg("留.jpg")], attachments=[pdf("删.pdf")]),
    )
    token = re.search(r'name="kept" value="([^"]+)"', response.content.decode()).group(1)
    [gone] = [p for p in _pending(media) if p.suffix == ".pdf"]
    _age(gone, 25)
    assert services.activity_pending_files_purge() == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = secretary_a_client.post(reverse("activities:create"), form_data(district.branch_a, kept=token))
    assert response.status_code == 302
    assert list(Activity.objects.get().files.values_list("original_name", flat=True)) == ["留.jpg"]
