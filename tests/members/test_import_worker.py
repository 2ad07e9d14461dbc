"""A large roster checked and written by a real Celery worker."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.choices import ImportStatus
from members.models import Member, MemberImport
from members.services import import_jobs

from ..celery_processes import celery_processes, wait_for
from .xlsx_helpers import roster_row, roster_xlsx

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_large_roster_is_checked_and_written_by_the_worker(tmp_path, district, secretary_a_client, monkeypatch):
    rows = [roster_row(f"成员{i}", date(2005, 1, 1) + timedelta(days=i // 400), i % 400 + 1) for i in range(1500)]
    content = roster_xlsx(rows)
    monkeypatch.setattr(import_jobs, "INLINE_MAX_BYTES", len(content) - 1)  # just too large for the request
    logs = lambda: "\n".join(p.read_text() for p in tmp_path.glob("*.log"))[-4000:]  # noqa: E731
    with celery_processes(beat=False, log_dir=tmp_path):
        response = secretary_a_client.post(
            reverse("members:import"),
            {"organisation": district.sub_a.pk, "file": SimpleUploadedFile("名册.xlsx", content)},
        )
        record = MemberImport.objects.get()
        assert response["Location"] == reverse("members:import_detail", args=[record.pk])
        checked = wait_for(lambda: MemberImport.objects.get(pk=record.pk).status != ImportStatus.CHECKING, timeout=90)
        assert checked, logs()
        record.refresh_from_db()
        assert record.status == ImportStatus.PREVIEWED, (record.error, record.report.get("problems", [])[:3])
        assert record.created_count == 1500 and record.progress == 1501
        secretary_a_client.post(reverse("members:import_confirm", args=[record.pk]))
        applied = wait_for(lambda: MemberImport.objects.get(pk=record.pk).status == ImportStatus.APPLIED, timeout=90)
    assert applied, logs()
    assert Member.objects.filter(organisation=district.sub_a).count() == 1500
