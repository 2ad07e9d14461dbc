"""The report job holds its report under the same lease as every job (core.leases)."""

from datetime import timedelta

import pytest
import time_machine
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


def test_the_lease_is_renewed_between_compiling_and_rendering(report, monkeypatch):
    from reports import services as module

    compile_, render = module.report_compile, module.report_render
    seen = []

    def compile_slowly(*, report, user=None):
        traveller.shift(timedelta(minutes=3))  # longer than the lease: only a renewal keeps it
        return compile_(report=report, user=user)

    def render_checking(*, report):
        seen.append(Report.objects.get(pk=report.pk).job_lease_expires_at > timezone.now())
        return render(report=report)

    monkeypatch.setattr(module, "report_compile", compile_slowly)
    monkeypatch.setattr(module, "report_render", render_checking)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        services.report_run_job(report_id=report.pk)
    report.refresh_from_db()
    assert report.job_status == JobStatus.DONE and seen == [True]
