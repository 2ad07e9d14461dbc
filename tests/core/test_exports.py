"""Exports: formula-safe cells, scoping, inline vs queued, progress, failure and retry, audit."""

import io

import openpyxl
from django.urls import reverse

from core import services
from core.models import AuditAction, AuditEvent, ExportJob, ExportStatus

from ..factories import OrganisationFactory


def sheet_rows(content: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def test_small_export_downloads_at_once_scoped_and_audited(secretary_a_client, secretary_a, district):
    OrganisationFactory(name='=HYPERLINK("http://x")', parent=district.sub_a)
    response = secretary_a_client.post(
        reverse("core:export_start"), {"exporter": "organisations", "query": "hide_inactive=on"}
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = sheet_rows(response.content)
    names = [row[0] for row in rows[1:]]
    assert rows[0][0] == "名称"
    assert set(names) == {"甲街道团工委", "甲社区团支部", '\'=HYPERLINK("http://x")'}
    event = AuditEvent.objects.get()
    assert event.action == AuditAction.EXPORT and event.row_count == 3 and event.username == "secretary_a"


def test_export_filters_follow_the_list_query(staff_client, district):
    response = staff_client.post(reverse("core:export_start"), {"exporter": "organisations", "query": "kind=branch"})
    assert sorted(row[0] for row in sheet_rows(response.content)[1:]) == ["乙社区团支部", "甲社区团支部"]


def test_export_cannot_reach_outside_scope_through_parameters(secretary_a_client, district):
    response = secretary_a_client.post(
        reverse("core:export_start"), {"exporter": "organisations", "query": f"root={district.sub_b.pk}"}
    )
    assert sheet_rows(response.content)[1:] == []


def test_large_export_becomes_a_job_queued_after_commit(
    staff_client, staff, district, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "EXPORT_INLINE_MAX_ROWS", 0)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = staff_client.post(reverse("core:export_start"), {"exporter": "organisations", "query": ""})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("core:export_detail", args=[job.pk])
    assert job.status == ExportStatus.PENDING and job.total == 5 and len(callbacks) == 1

    services.export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.row_count == 5 and job.progress == 5
    assert services.export_run(job_id=job.pk) is None  # a redelivered task changes nothing

    status = staff_client.get(reverse("core:export_status", args=[job.pk])).json()
    assert status["finished"] and status["percent"] == 100 and status["download_url"]
    download = staff_client.get(reverse("core:export_download", args=[job.pk]))
    assert len(sheet_rows(b"".join(download.streaming_content))) == 6
    assert list(AuditEvent.objects.values_list("action", flat=True).order_by("id")) == ["export", "download"]


def test_failed_job_records_why_and_can_be_retried(staff, district, monkeypatch, django_capture_on_commit_callbacks):
    from branches.exporters import OrganisationExporter

    def boom(self, **kwargs):
        raise RuntimeError("disk full")

    with django_capture_on_commit_callbacks(execute=False):
        job = services.export_request(user=staff, exporter="organisations", params={})
    monkeypatch.setattr(OrganisationExporter, "sheets", boom)
    services.export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and "disk full" in job.error
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.export_retry(job=job)
    assert len(callbacks) == 1
    services.export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.attempts == 2 and job.error == ""


def test_jobs_belong_to_their_requester(client, staff, secretary_b, district, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = services.export_request(user=staff, exporter="organisations", params={})
    services.export_run(job_id=job.pk)
    client.force_login(secretary_b)
    for name in ("export_detail", "export_status", "export_download"):
        assert client.get(reverse(f"core:{name}", args=[job.pk])).status_code == 404
    assert client.post(reverse("core:export_retry", args=[job.pk])).status_code == 404
    assert job not in client.get(reverse("core:export_list")).context["jobs"]


def test_unknown_exporter_is_404_and_get_is_405(staff_client, district):
    assert staff_client.post(reverse("core:export_start"), {"exporter": "nope"}).status_code == 404
    assert staff_client.get(reverse("core:export_start")).status_code == 405


def test_audit_log_is_staff_only_and_filterable(staff_client, leader_client, secretary_a_client, staff, district):
    from core.audit import audit_record

    audit_record(user=staff, action=AuditAction.IMPORT, target="名册", row_count=10)
    audit_record(user=staff, action=AuditAction.EXPORT, target="组织架构", row_count=5)
    assert leader_client.get(reverse("core:audit_list")).status_code == 403
    assert secretary_a_client.get(reverse("core:audit_list")).status_code == 403
    response = staff_client.get(reverse("core:audit_list"), {"action": "import"})
    assert [e.target for e in response.context["page_obj"]] == ["名册"]


def test_audit_never_stores_a_full_id_number(staff):
    from core.audit import audit_record

    event = audit_record(
        user=staff, action=AuditAction.REVEAL_ID, target="团员 450202200001011232", description="ID 45020220000101138X"
    )
    event.refresh_from_db()
    assert event.target == "团员 450202********1232"
    assert event.description == "ID 450202********138X"
