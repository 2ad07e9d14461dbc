"""A commendation list's upload is read by the task honours.run_import, never in the request:
progress on its page, under a job lease; a failed or stopped job says why and may be retried;
only who may import into the list sees the job."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core import import_jobs
from core.models import ImportJobStatus, ImportStatus
from honours.models import BatchImport, Direction, Honour
from honours.services import import_jobs as service
from honours.services import imports

from .factories import BatchFactory, HonourFactory
from .import_helpers import checked, upload, xlsx

pytestmark = pytest.mark.usefixtures("media")


def _rows(n: int) -> list[dict]:
    return [{"荣誉称号": "优秀少先队员", "获奖对象类别": "少先队员", "姓名或名称": f"队员{i}"} for i in range(n)]


@pytest.fixture
def reads(monkeypatch):
    """Sheets read, counted."""
    counted = []
    read_sheet = imports.read_sheet

    def counting(*args, **kwargs):
        counted.append(1)
        return read_sheet(*args, **kwargs)

    monkeypatch.setattr(imports, "read_sheet", counting)
    return counted


def test_the_upload_reads_no_row_in_the_request_and_the_page_follows_the_task(
    secretary_a_client, setting, queued, reads, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("core.xlsx.PROGRESS_EVERY", 10)
    seen = []
    renew = import_jobs.Progress.__call__
    monkeypatch.setattr(import_jobs.Progress, "__call__", lambda self, rows: (seen.append(rows), renew(self, rows)))
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(secretary_a_client, setting["batch"], xlsx(_rows(25)))
    record = BatchImport.objects.get()
    assert response["Location"] == reverse("honours:import_detail", args=[record.pk])
    assert (record.status, record.job_status, record.uploaded_by.username) == (
        ImportStatus.CHECKING,
        ImportJobStatus.QUEUED,
        "secretary_a",
    )
    assert reads == [] and queued == [record.pk]  # not one row read in the request
    with record.file.open("rb") as stored:
        assert not stored.read().startswith(b"PK")  # kept encrypted: the template asks for ID numbers
    page = secretary_a_client.get(response["Location"]).content.decode()
    assert "正在后台检查" in page and "import_poll.js" in page
    status = secretary_a_client.get(reverse("honours:import_status", args=[record.pk])).json()
    assert status["working"] and not status["stalled"] and status["progress"] == 0

    service.batch_import_run(import_id=record.pk)
    record.refresh_from_db()
    assert seen == [10, 20, 26]  # every PROGRESS_EVERY rows, then the last row read (row 26)
    assert (record.status, record.job_status, record.progress, record.created_count) == (
        ImportStatus.PREVIEWED,
        ImportJobStatus.DONE,
        26,
        25,
    )
    assert reads == [1] and not Honour.objects.exists()
    status = secretary_a_client.get(reverse("honours:import_status", args=[record.pk])).json()
    assert not status["working"] and status["status_display"] == "待确认"

    with django_capture_on_commit_callbacks(execute=True):
        confirm = secretary_a_client.post(reverse("honours:import_confirm", args=[record.pk]), follow=True)
    assert "已开始导入" in confirm.content.decode() and "正在后台导入" in confirm.content.decode()
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLYING and queued == [record.pk, record.pk] and reads == [1]
    service.batch_import_run(import_id=record.pk)
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED and record.confirmed_by.username == "secretary_a"
    assert Honour.objects.filter(batch=setting["batch"]).count() == 25 and not record.file
    again = secretary_a_client.post(reverse("honours:import_confirm", args=[record.pk]), follow=True)
    assert "该导入已处理，不能重复确认。" in again.content.decode()
    assert Honour.objects.filter(batch=setting["batch"]).count() == 25


def test_a_step_that_breaks_leaves_a_failed_job_with_a_reason_not_an_error_page(
    secretary_a_client, setting, queued, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(service, "batch_import_plan", broken)
    record = checked(secretary_a_client, setting["batch"], xlsx(_rows(3)))
    assert (record.status, record.job_status) == (ImportStatus.FAILED, ImportJobStatus.DONE)
    assert record.error == "后台处理失败（RuntimeError），未写入任何数据，请重新上传。" and not record.file
    page = secretary_a_client.get(reverse("honours:import_detail", args=[record.pk]))
    assert page.status_code == 200 and record.error in page.content.decode()
    assert "重新上传" in page.content.decode() and not Honour.objects.exists()


def test_an_import_whose_worker_died_is_taken_over_and_may_be_retried(
    secretary_a_client, secretary_b_client, leader_client, setting, queued, reads, django_capture_on_commit_callbacks
):
    upload(secretary_a_client, setting["batch"], xlsx(_rows(3)))
    record = BatchImport.objects.get()
    detail = reverse("honours:import_detail", args=[record.pk])
    retry = reverse("honours:import_retry", args=[record.pk])
    records = BatchImport.objects.filter(pk=record.pk)

    # A worker holds it and renews its lease: a second delivery leaves it alone and comes back.
    records.update(job_status=ImportJobStatus.RUNNING, job_lease_expires_at=timezone.now() + timedelta(seconds=30))
    with django_capture_on_commit_callbacks(execute=True):
        assert service.batch_import_run(import_id=record.pk) is None
    assert reads == [] and queued[-1][0] == record.pk and 15 < queued[-1][1] <= 32
    assert retry not in secretary_a_client.get(detail).content.decode()
    assert "后台任务仍在处理该文件，无需重试。" in secretary_a_client.post(retry, follow=True).content.decode()

    # Its worker died: the page says so and offers the retry, to who may import into the list.
    records.update(job_lease_expires_at=timezone.now() - timedelta(seconds=1))
    page = secretary_a_client.get(detail).content.decode()
    assert "已中断" in page and "检查没有完成" in page and retry in page
    assert secretary_b_client.post(retry).status_code == 404
    assert leader_client.post(retry).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        secretary_a_client.post(retry)
    record.refresh_from_db()
    assert record.job_status == ImportJobStatus.QUEUED and queued[-1] == record.pk

    # A redelivered task takes over a lapsed lease just the same.
    records.update(job_status=ImportJobStatus.RUNNING, job_lease_expires_at=timezone.now() - timedelta(seconds=1))
    service.batch_import_run(import_id=record.pk)
    record.refresh_from_db()
    assert record.status == ImportStatus.PREVIEWED and record.job_status == ImportJobStatus.DONE and reads == [1]


def test_only_who_may_import_into_the_list_sees_the_job(
    secretary_a_client, secretary_b_client, leader_client, staff_client, district, setting, queued
):
    record = checked(secretary_a_client, setting["batch"], xlsx(_rows(2)))
    pages = [
        reverse("honours:import_detail", args=[record.pk]),
        reverse("honours:import_status", args=[record.pk]),
    ]
    actions = [reverse(f"honours:import_{a}", args=[record.pk]) for a in ("confirm", "retry", "discard")]
    for url in pages:
        assert secretary_a_client.get(url).status_code == 200
        assert staff_client.get(url).status_code == 200
        assert secretary_b_client.get(url).status_code == 404  # another subtree's list: not found
        assert leader_client.get(url).status_code == 403  # leadership imports nothing
    for url in actions:
        assert secretary_b_client.post(url).status_code == 404
        assert leader_client.post(url).status_code == 403
    record.refresh_from_db()
    assert record.status == ImportStatus.PREVIEWED and not Honour.objects.exists()
    # The recent imports of a list are listed to those who may import into it.
    assert (
        record.original_name
        in secretary_a_client.get(reverse("honours:batch_upload", args=[setting["batch"].pk])).content.decode()
    )

    # What the committee confers is the committee's: a secretary neither uploads nor sees its imports.
    conferred = BatchFactory(organisation=district.sub_a, direction=Direction.CONFERRED)
    assert secretary_a_client.post(reverse("honours:batch_upload", args=[conferred.pk])).status_code == 403
    record.batch = conferred
    record.save(update_fields=["batch"])
    assert secretary_a_client.get(pages[0]).status_code == 404
    assert staff_client.get(pages[0]).status_code == 200


def test_a_list_submitted_meanwhile_is_not_written(secretary_a_client, setting, queued):
    batch = setting["batch"]
    record = checked(secretary_a_client, batch, xlsx(_rows(2)))
    secretary_a_client.post(reverse("honours:import_confirm", args=[record.pk]))
    HonourFactory(batch=batch, organisation=batch.organisation, recipient_name="先到")
    secretary_a_client.post(reverse("honours:batch_submit", args=[batch.pk]))
    service.batch_import_run(import_id=record.pk)
    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED and record.error == "该表彰名单已提交或已通过审核，不能再修改。"
    assert Honour.objects.filter(batch=batch).count() == 1 and not record.file


def test_a_preview_given_up_or_left_for_a_day_loses_its_file(
    secretary_a_client, setting, queued, django_capture_on_commit_callbacks
):
    first = checked(secretary_a_client, setting["batch"], xlsx(_rows(2)))
    stored = first.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = secretary_a_client.post(reverse("honours:import_discard", args=[first.pk]))
    assert response["Location"] == reverse("honours:batch_detail", args=[setting["batch"].pk])
    first.refresh_from_db()
    assert first.status == ImportStatus.DISCARDED and not first.file
    assert not first.file.storage.exists(stored)

    second = checked(secretary_a_client, setting["batch"], xlsx(_rows(2)))
    assert service.batch_imports_purge_stale() == 0
    BatchImport.objects.filter(pk=second.pk).update(created_at=timezone.now() - timedelta(hours=25))
    with django_capture_on_commit_callbacks(execute=True):
        assert service.batch_imports_purge_stale() == 1
    second.refresh_from_db()
    assert second.status == ImportStatus.DISCARDED and not second.file
    assert not Honour.objects.exists()
