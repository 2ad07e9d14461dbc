"""Job leases on a real Celery worker: a worker killed mid-export, a live lease, a retry."""

from datetime import timedelta

import openpyxl
import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import services
from core.models import ExportJob, ExportStatus
from core.tasks import run_export
from reports.models import JobStatus, Report
from reports.tasks import run_report_job

from ..celery_processes import celery_processes, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _logs(tmp_path) -> str:
    return "\n".join(p.read_text() for p in tmp_path.glob("*.log"))[-6000:]


def _names(job: ExportJob) -> list[str]:
    with job.file.open("rb") as fh:
        sheet = openpyxl.load_workbook(fh, read_only=True).worksheets[0]
        return sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))


def _left_running(job: ExportJob, *, lease_left: timedelta) -> None:
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING,
        started_at=now - timedelta(minutes=3),
        attempts=1,
        lease_expires_at=now + lease_left,
    )


def test_an_export_whose_worker_process_was_killed_is_taken_over_and_finished(tmp_path, district, staff):
    """The pool process dies (SIGKILL) after writing rows; Celery redelivers the task at once,
    while the dead process's lease still runs; the task comes back when it lapses and finishes."""
    marker = tmp_path / "killed"
    env = {"KILL_MARKER": str(marker), "JOB_LEASE_SECONDS": "5"}
    with celery_processes(beat=False, log_dir=tmp_path, pool="prefork", env=env, include="tests.core.kill_on_export"):
        with transaction.atomic():
            job = services.export_request(user=staff, exporter="organisations", params={})
        ok = wait_for(lambda: ExportJob.objects.get(pk=job.pk).is_finished, timeout=120)
    assert marker.exists(), _logs(tmp_path)  # the first attempt was killed
    assert ok, f"the export stayed {ExportJob.objects.get(pk=job.pk).status}:\n{_logs(tmp_path)}"
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.attempts == 2 and job.lease_expires_at is None
    assert _names(job) == sorted(
        org.name for org in (district.root, district.sub_a, district.branch_a, district.sub_b, district.branch_b)
    )


def test_a_job_under_a_live_lease_is_left_to_its_worker(tmp_path, district, staff):
    with transaction.atomic():
        job = services.export_request(user=staff, exporter="organisations", params={})
    with celery_processes(beat=False, log_dir=tmp_path):
        # The queued task runs while another worker holds the job: it must leave it alone.
        _left_running(job, lease_left=timedelta(minutes=2))
        run_export.delay(str(job.pk))
        ok = wait_for(lambda: "held under a live lease" in _logs(tmp_path), timeout=90)
    assert ok, _logs(tmp_path)
    job.refresh_from_db()
    assert job.status == ExportStatus.RUNNING and job.attempts == 1 and not job.file


def test_a_job_whose_lease_lapsed_is_taken_over_by_a_redelivered_task(tmp_path, district, staff):
    with transaction.atomic():
        job = services.export_request(user=staff, exporter="organisations", params={})
    _left_running(job, lease_left=timedelta(seconds=-1))
    with celery_processes(beat=False, log_dir=tmp_path):
        run_export.delay(str(job.pk))  # as the broker redelivers the dead worker's message
        ok = wait_for(lambda: ExportJob.objects.get(pk=job.pk).is_finished, timeout=90)
    assert ok, _logs(tmp_path)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.attempts == 2


def test_staff_retry_a_job_whose_lease_lapsed_and_a_worker_finishes_it(tmp_path, district, staff, staff_client):
    with transaction.atomic():
        job = services.export_request(user=staff, exporter="organisations", params={})
    _left_running(job, lease_left=timedelta(seconds=-1))  # its message is lost with its worker
    with celery_processes(beat=False, log_dir=tmp_path):
        response = staff_client.post(reverse("core:export_retry", args=[job.pk]))
        assert response.status_code == 302
        ok = wait_for(lambda: ExportJob.objects.get(pk=job.pk).status == ExportStatus.DONE, timeout=90)
    assert ok, _logs(tmp_path)
    job.refresh_from_db()
    assert job.attempts == 2 and len(_names(job)) == 5


def test_a_report_job_whose_lease_lapsed_is_taken_over_by_a_redelivered_task(tmp_path, district, staff):
    from reports import services as report_services

    with transaction.atomic():
        report = report_services.report_start(organisation=district.root, year=2024, half=1, user=staff)
    now = timezone.now()
    Report.objects.filter(pk=report.pk).update(
        job_status=JobStatus.RUNNING, job_started_at=now - timedelta(minutes=3), job_lease_expires_at=now
    )
    with celery_processes(beat=False, log_dir=tmp_path):
        run_report_job.delay(report.pk)
        ok = wait_for(lambda: Report.objects.get(pk=report.pk).job_status == JobStatus.DONE, timeout=90)
    assert ok, _logs(tmp_path)
    report.refresh_from_db()
    assert report.compiled_at and report.content  # a draft: compiled; its files are rendered on download
