"""Large rosters: read by the task members.run_import, never in the request, with progress on
the page, under a job lease; refusals, the lost race and a dead worker are shown there."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.models import AuditAction, AuditEvent
from members import tasks
from members.choices import ImportJobStatus, ImportStatus
from members.models import Member, MemberImport
from members.services import import_jobs
from members.services import imports as service

from .. import xlsx_damage
from .xlsx_helpers import HEADERS, roster_row, roster_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def large(monkeypatch):
    """Every roster counts as large; rows read are counted, and the task's sends recorded."""
    monkeypatch.setattr(import_jobs, "INLINE_MAX_BYTES", 0)
    reads, queued = [], []
    read_sheet = service.read_sheet

    def counting(*args, **kwargs):
        reads.append(1)
        return read_sheet(*args, **kwargs)

    monkeypatch.setattr(service, "read_sheet", counting)
    monkeypatch.setattr(tasks.run_import, "delay", lambda import_id: queued.append(import_id))
    monkeypatch.setattr(
        tasks.run_import, "apply_async", lambda args, countdown=None: queued.append((args[0], countdown))
    )
    return reads, queued


def _rows(n: int = 12) -> list[dict]:
    return [roster_row(f"成员{i}", date(2005, 1, 1), i + 1) for i in range(n)]


def _upload(client, org, content: bytes):
    return client.post(
        reverse("members:import"), {"organisation": org.pk, "file": SimpleUploadedFile("名册.xlsx", content)}
    )


def test_a_large_roster_is_read_by_the_task_then_written_by_it(
    secretary_a_client, district, large, django_capture_on_commit_callbacks
):
    reads, queued = large
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(secretary_a_client, district.sub_a, roster_xlsx(_rows()))
    record = MemberImport.objects.get()
    assert response["Location"] == reverse("members:import_detail", args=[record.pk])
    assert (record.status, record.job_status, record.background) == (
        ImportStatus.CHECKING,
        ImportJobStatus.QUEUED,
        True,
    )
    assert reads == [] and queued == [record.pk]  # not one row read in the request
    page = secretary_a_client.get(response["Location"]).content.decode()
    assert "正在后台检查" in page and "import_poll.js" in page
    status = secretary_a_client.get(reverse("members:import_status", args=[record.pk])).json()
    assert status["working"] and not status["stalled"]

    import_jobs.member_import_run(import_id=record.pk)
    record.refresh_from_db()
    assert (record.status, record.job_status, record.created_count, record.progress) == (
        ImportStatus.PREVIEWED,
        ImportJobStatus.DONE,
        12,
        13,
    )
    assert reads == [1] and not Member.objects.exists()
    assert not secretary_a_client.get(reverse("members:import_status", args=[record.pk])).json()["working"]

    with django_capture_on_commit_callbacks(execute=True):
        confirm = secretary_a_client.post(reverse("members:import_confirm", args=[record.pk]), follow=True)
    assert "已开始导入" in confirm.content.decode()
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLYING and reads == [1] and queued == [record.pk, record.pk]
    assert not Member.objects.exists()

    import_jobs.member_import_run(import_id=record.pk)
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED and not record.file and record.confirmed_by.username == "secretary_a"
    assert Member.objects.count() == 12
    assert AuditEvent.objects.get(action=AuditAction.IMPORT).username == "secretary_a"


def test_a_large_file_refused_by_the_task_says_why_on_its_page(
    secretary_a_client, district, large, django_capture_on_commit_callbacks
):
    content = xlsx_damage.garbled_workbook(roster_xlsx(_rows(30))).getvalue()
    with django_capture_on_commit_callbacks(execute=True):
        _upload(secretary_a_client, district.sub_a, content)
    record = MemberImport.objects.get()
    import_jobs.member_import_run(import_id=record.pk)
    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED and not record.file
    assert record.error == "无法读取该 Excel 文件，请使用平台提供的模板。"
    page = secretary_a_client.get(reverse("members:import_detail", args=[record.pk])).content.decode()
    assert record.error in page and "重新上传" in page


def test_the_request_still_refuses_what_costs_nothing_to_check(secretary_a_client, district, large):
    reads, queued = large
    response = _upload(secretary_a_client, district.sub_a, b"%PDF-1.4 not a roster")
    assert response.status_code == 200 and "文件类型" in str(response.context["form"].errors["file"])
    assert not MemberImport.objects.exists() and queued == []


def test_a_large_import_that_lost_the_race_keeps_its_preview_and_says_so(
    secretary_a_client, district, large, monkeypatch, django_capture_on_commit_callbacks
):
    from ..factories import MemberFactory, make_id_number

    with django_capture_on_commit_callbacks(execute=True):
        _upload(secretary_a_client, district.sub_a, roster_xlsx(_rows(3)))
    record = MemberImport.objects.get()
    import_jobs.member_import_run(import_id=record.pk)
    with django_capture_on_commit_callbacks(execute=True):
        secretary_a_client.post(reverse("members:import_confirm", args=[record.pk]))
    planned = service.member_import_plan

    def winner_commits_first(*args, **kwargs):
        result = planned(*args, **kwargs)
        MemberFactory(
            organisation=district.branch_a, birth_date=date(2005, 1, 1), id_number=make_id_number(date(2005, 1, 1), 2)
        )
        return result

    monkeypatch.setattr(service, "member_import_plan", winner_commits_first)
    import_jobs.member_import_run(import_id=record.pk)
    record.refresh_from_db()
    assert record.status == ImportStatus.PREVIEWED and record.file and "名单已变化，请重新检查" in record.error
    assert not Member.objects.exists()
    page = secretary_a_client.get(reverse("members:import_detail", args=[record.pk])).content.decode()
    assert "名单已变化" in page and reverse("members:import_confirm", args=[record.pk]) in page


def test_an_import_whose_worker_died_is_taken_over_and_may_be_retried(
    secretary_a_client, secretary_b_client, district, large, django_capture_on_commit_callbacks
):
    reads, queued = large
    with django_capture_on_commit_callbacks(execute=True):
        _upload(secretary_a_client, district.sub_a, roster_xlsx(_rows(3)))
    record = MemberImport.objects.get()
    detail = reverse("members:import_detail", args=[record.pk])
    retry = reverse("members:import_retry", args=[record.pk])
    records = MemberImport.objects.filter(pk=record.pk)

    # A worker holds it and renews its lease: a second delivery leaves it alone and comes back.
    records.update(job_status=ImportJobStatus.RUNNING, job_lease_expires_at=timezone.now() + timedelta(seconds=30))
    with django_capture_on_commit_callbacks(execute=True):
        assert import_jobs.member_import_run(import_id=record.pk) is None
    assert reads == [] and queued[-1][0] == record.pk and 15 < queued[-1][1] <= 32
    assert retry not in secretary_a_client.get(detail).content.decode()
    assert "仍在处理" in secretary_a_client.post(retry, follow=True).content.decode()

    # Its worker died: the page says so and offers the retry, to its uploader only.
    records.update(job_lease_expires_at=timezone.now() - timedelta(seconds=1))
    page = secretary_a_client.get(detail).content.decode()
    assert "已中断" in page and retry in page
    assert secretary_b_client.post(retry).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        secretary_a_client.post(retry)
    record.refresh_from_db()
    assert record.job_status == ImportJobStatus.QUEUED and queued[-1] == record.pk

    # A redelivered task takes over a lapsed lease just the same.
    records.update(job_status=ImportJobStatus.RUNNING, job_lease_expires_at=timezone.now() - timedelta(seconds=1))
    import_jobs.member_import_run(import_id=record.pk)
    record.refresh_from_db()
    assert record.status == ImportStatus.PREVIEWED and record.job_status == ImportJobStatus.DONE


def test_a_hostile_large_workbook_is_refused_by_the_task_before_any_row_is_read(
    secretary_a_client, district, large, monkeypatch, django_capture_on_commit_callbacks
):
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    row = ["某", "450202200001010010", "", "", "", "", "", "团员"]
    content = xlsx_damage.hostile_workbook(HEADERS, row).getvalue()
    rows_read = []
    monkeypatch.setattr(ReadOnlyWorksheet, "_get_row", lambda *args, **kwargs: rows_read.append(1))
    with django_capture_on_commit_callbacks(execute=True):
        _upload(secretary_a_client, district.sub_a, content)
    record = MemberImport.objects.get()
    import_jobs.member_import_run(import_id=record.pk)
    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED and "列数过多（16384 列）" in record.error and rows_read == []
