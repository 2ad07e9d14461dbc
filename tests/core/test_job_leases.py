"""Job leases (core.leases): a worker holds a job under a lease it renews as it writes; a job
whose lease lapsed (its worker died) is taken over by a redelivered task and may be retried
from its page; a job under a live lease is left to its worker."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from branches.exporters import OrganisationExporter
from core import leases, services, tasks
from core.models import ExportJob, ExportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """The tasks sent to the broker, as (args, countdown), instead of sending them."""
    sent = []
    monkeypatch.setattr(tasks.run_export, "apply_async", lambda args, countdown=None: sent.append((args, countdown)))
    monkeypatch.setattr(tasks.run_export, "delay", lambda *args: sent.append((args, None)))
    return sent


def _job(staff, django_capture_on_commit_callbacks) -> ExportJob:
    with django_capture_on_commit_callbacks(execute=False):
        return services.export_request(user=staff, exporter="organisations", params={})


def _left_running(job: ExportJob, *, lease_left: timedelta) -> None:
    """As a worker leaves a job it was writing: running, one attempt, its lease as given."""
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING,
        started_at=now - timedelta(minutes=1),
        attempts=1,
        lease_expires_at=now + lease_left,
    )


def test_a_job_whose_lease_lapsed_is_taken_over_by_a_redelivered_task(
    staff, queued, django_capture_on_commit_callbacks
):
    job = _job(staff, django_capture_on_commit_callbacks)
    _left_running(job, lease_left=timedelta(seconds=-1))
    assert services.export_run(job_id=job.pk) is not None
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.attempts == 2 and job.row_count == 5
    assert job.lease_expires_at is None and queued == []


def test_a_job_under_a_live_lease_is_left_to_its_worker_and_checked_again_when_it_lapses(
    staff, queued, django_capture_on_commit_callbacks
):
    job = _job(staff, django_capture_on_commit_callbacks)
    _left_running(job, lease_left=timedelta(seconds=90))
    before = ExportJob.objects.values().get(pk=job.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.export_run(job_id=job.pk) is None
    assert ExportJob.objects.values().get(pk=job.pk) == before
    # Celery redelivers a killed worker's task at once, long before the lease lapses: the
    # task comes back for the job when it does.
    assert len(queued) == 1
    (args, countdown) = queued[0]
    assert args == (str(job.pk),) and 45 < countdown <= 92  # when the lease lapses (however slow this host)


def test_a_finished_job_is_not_checked_again(staff, queued, django_capture_on_commit_callbacks):
    job = _job(staff, django_capture_on_commit_callbacks)
    services.export_run(job_id=job.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.export_run(job_id=job.pk) is None
    assert queued == []


def test_the_worker_renews_its_lease_as_it_writes(staff, monkeypatch, django_capture_on_commit_callbacks):
    """Rows written a minute apart, six minutes in all: the lease never lapses under the worker."""
    job = _job(staff, django_capture_on_commit_callbacks)
    original = OrganisationExporter.sheets
    seen = []

    def slow_sheets(self, **kwargs):
        for sheet in original(self, **kwargs):
            rows = list(sheet.rows)

            def slowly(rows=rows):
                for row in rows:
                    traveller.shift(timedelta(minutes=1))
                    seen.append(ExportJob.objects.get(pk=job.pk).lease_expires_at > timezone.now())
                    yield row

            sheet.rows = slowly()
            yield sheet

    monkeypatch.setattr(OrganisationExporter, "sheets", slow_sheets)
    monkeypatch.setattr(OrganisationExporter, "progress_every", 1)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        services.export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and len(seen) == 5 and all(seen)
    assert leases.job_lease() < timedelta(minutes=5)  # so the rows did outlast an unrenewed lease


def test_the_page_offers_a_retry_once_the_lease_lapsed(staff_client, staff, queued, django_capture_on_commit_callbacks):
    job = _job(staff, django_capture_on_commit_callbacks)
    detail = reverse("core:export_detail", args=[job.pk])
    retry = reverse("core:export_retry", args=[job.pk])

    _left_running(job, lease_left=timedelta(seconds=60))
    page = staff_client.get(detail).content.decode()
    assert retry not in page
    assert not staff_client.get(reverse("core:export_status", args=[job.pk])).json()["stalled"]
    response = staff_client.post(retry, follow=True)
    assert "仍在生成中" in response.content.decode()
    assert ExportJob.objects.get(pk=job.pk).status == ExportStatus.RUNNING and queued == []

    _left_running(job, lease_left=timedelta(seconds=-1))
    page = staff_client.get(detail).content.decode()
    assert retry in page and "已中断" in page
    assert staff_client.get(reverse("core:export_status", args=[job.pk])).json()["stalled"]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(retry, follow=True)
    assert "已重新提交导出任务" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ExportStatus.PENDING and job.lease_expires_at is None
    assert queued == [((str(job.pk),), None)]
    services.export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.attempts == 2
