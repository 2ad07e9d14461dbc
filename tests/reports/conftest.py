"""Reports compiled and finalised through the services, with the background job run in-process."""

import pytest

from reports import services

from .test_compile import may_fourth


@pytest.fixture
def compiled(district, staff, django_capture_on_commit_callbacks):
    may_fourth(district)
    with django_capture_on_commit_callbacks(execute=False):
        report = services.report_start(organisation=district.root, year=2024, half=1, user=staff)
        services.report_queue_job(report=report)
    services.report_run_job(report_id=report.pk)
    report.refresh_from_db()
    return report


@pytest.fixture
def final(compiled, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        report = services.report_finalise(report=compiled, user=staff)
    services.report_run_job(report_id=report.pk)
    report.refresh_from_db()
    return report
