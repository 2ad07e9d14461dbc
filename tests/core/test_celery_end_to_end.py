"""Beat, broker and worker together: real processes against the test database."""

import openpyxl
import pytest
from django.db import transaction
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from core import services
from core.models import ExportJob, ExportStatus, Heartbeat
from core.services import BEAT_HEARTBEAT

from ..celery_processes import celery_processes, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _logs(tmp_path) -> str:
    return "\n".join(p.read_text() for p in tmp_path.glob("*.log"))[-4000:]


def test_beat_sends_the_heartbeat_and_the_worker_records_it(tmp_path):
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.update_or_create(
        name="heartbeat (test)", defaults={"task": "core.heartbeat", "interval": every_second, "enabled": True}
    )

    def beats() -> int:
        row = Heartbeat.objects.filter(name=BEAT_HEARTBEAT).first()
        return row.count if row else 0

    with celery_processes(beat=True, log_dir=tmp_path) as procs:
        ok = wait_for(lambda: beats() >= 2, timeout=90)
        for proc, _ in procs.values():
            assert proc.poll() is None, "a Celery process died"
    assert ok, f"no heartbeat recorded; logs:\n{_logs(tmp_path)}"


def test_an_export_requested_in_a_transaction_runs_on_a_real_worker(tmp_path, district, staff):
    with celery_processes(beat=False, log_dir=tmp_path):
        with transaction.atomic():
            job = services.export_request(user=staff, exporter="organisations", params={})
        ok = wait_for(lambda: ExportJob.objects.get(pk=job.pk).is_finished, timeout=90)
    assert ok, _logs(tmp_path)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE, job.error
    with job.file.open("rb") as fh:
        sheet = openpyxl.load_workbook(fh, read_only=True).worksheets[0]
        names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    expected = [district.root, district.sub_a, district.branch_a, district.sub_b, district.branch_b]
    assert sorted(names) == sorted(org.name for org in expected)
