"""The report job holds its report under the same lease as every job (core.leases)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from reports import services, tasks
from reports.models import JobStatus, Report

from .test_compile import may_fourth

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    sent = []
    monkeypatch.setattr(
        tasks.run_report_job, "apply_async", lambda args, countdown=None: sent.append((args, countdown))
    )
    return sent


@pytest.fixture
def report(district, staff, django_capture_on_commit_callbacks):
    may_fourth(district, records=3, total=30)
    with django_capture_on_commit_callbacks(execute=False):
        report = services.report_start(organisation=district.root, year=2024, half=1, user=staff)
        services.report_queue_job(report=report)
    return report


def _left_running(report: Report, *, lease_left: timedelta) -> None:
    now = timezone.now()
    Report.objects.filter(pk=report.pk).update(
        job_status=JobStatus.RUNNING, job_started_at=now - timedelta(minutes=1), job_lease_expires_at=now + lease_left
    )


def test_a_report_job_whose_lease_lapsed_is_taken_over(report, queued):
    _left_running(report, lease_left=timedelta(seconds=-1))
    assert services.report_run_job(report_id=report.pk) is not None
    report.refresh_from_db()
    # A draft's job compiles it (its files are rendered when downloaded, never stored).
    assert report.job_status == JobStatus.DONE and report.compiled_at and report.content
    assert report.job_lease_expires_at is None and queued == []


def test_a_report_job_under_a_live_lease_is_left_alone_and_checked_again(
    report, queued, django_capture_on_commit_callbacks
):
    _left_running(report, lease_left=timedelta(seconds=60))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.report_run_job(report_id=report.pk) is None
    report.refresh_from_db()
    assert report.job_status == JobStatus.RUNNING and not report.docx_file
    assert len(queued) == 1 and queued[0][0] == (report.pk,) and 30 < queued[0][1] <= 62


def test_a_draft_job_compiles_and_stores_no_file(report, monkeypatch):
    """A draft's one step is compiling under the lease taken when the job was claimed; its
    files are rendered when downloaded, so no stored file can fall behind an edit."""
    from reports import services as module

    rendered = []
    monkeypatch.setattr(module, "report_render", lambda *, report: rendered.append(report.pk))
    services.report_run_job(report_id=report.pk)
    report.refresh_from_db()
    assert report.job_status == JobStatus.DONE and report.content and rendered == []
    assert not report.docx_file and report.job_lease_expires_at is None


def test_a_job_under_a_live_lease_is_not_queued_twice(report):
    _left_running(report, lease_left=timedelta(seconds=60))
    with pytest.raises(ValidationError, match="后台任务正在进行"):
        services.report_queue_job(report=report)
    assert Report.objects.get(pk=report.pk).job_status == JobStatus.RUNNING
    _left_running(report, lease_left=timedelta(seconds=-1))
    services.report_queue_job(report=report)  # its worker died: it may be queued again
    assert Report.objects.get(pk=report.pk).job_status == JobStatus.QUEUED


def test_staff_retry_a_finalised_reports_files_only_when_their_job_failed_or_stalled(
    final, staff_client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    url = reverse("reports:refresh", args=[final.pk])
    page = staff_client.get(reverse("reports:detail", args=[final.pk])).content.decode()
    assert "重新生成定稿文件" not in page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        staff_client.post(url)
    assert callbacks == [] and Report.objects.get(pk=final.pk).job_status == JobStatus.DONE

    Report.objects.filter(pk=final.pk).update(job_status=JobStatus.FAILED, job_error="OSError: disk full")
    Report.objects.filter(pk=final.pk).update(docx_file="", xlsx_file="")
    assert "重新生成定稿文件" in staff_client.get(reverse("reports:detail", args=[final.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert staff_client.post(url).status_code == 302
    assert len(callbacks) == 1 and Report.objects.get(pk=final.pk).job_status == JobStatus.QUEUED
    services.report_run_job(report_id=final.pk)
    final.refresh_from_db()
    assert final.job_status == JobStatus.DONE and final.docx_file and final.xlsx_file
