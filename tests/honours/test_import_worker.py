"""A commendation list checked and written by a real Celery worker."""

import pytest
from django.urls import reverse

from core.models import ImportStatus
from honours.models import BatchImport, Honour

from ..celery_processes import celery_processes, wait_for
from .import_helpers import upload, xlsx

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_list_is_checked_and_written_by_the_worker(tmp_path, setting, secretary_a_client):
    rows = [{"荣誉称号": "优秀少先队员", "获奖对象类别": "少先队员", "姓名或名称": f"队员{i}"} for i in range(1500)]
    batch = setting["batch"]
    logs = lambda: "\n".join(p.read_text() for p in tmp_path.glob("*.log"))[-4000:]  # noqa: E731
    status = lambda pk: BatchImport.objects.get(pk=pk).status  # noqa: E731
    with celery_processes(beat=False, log_dir=tmp_path):
        response = upload(secretary_a_client, batch, xlsx(rows))
        record = BatchImport.objects.get()
        assert response["Location"] == reverse("honours:import_detail", args=[record.pk])
        assert wait_for(lambda: status(record.pk) != ImportStatus.CHECKING, timeout=90), logs()
        record.refresh_from_db()
        assert record.status == ImportStatus.PREVIEWED, (record.error, record.report.get("problems", [])[:3])
        assert record.created_count == 1500 and record.progress == 1501
        secretary_a_client.post(reverse("honours:import_confirm", args=[record.pk]))
        applied = wait_for(lambda: status(record.pk) == ImportStatus.APPLIED, timeout=90)
    assert applied, logs()
    assert Honour.objects.filter(batch=batch).count() == 1500
