"""The roster export: scoped, masked unless staff ask (and that is recorded), formula-safe, queued when large."""

import io
from datetime import date

import openpyxl
import pytest
from django.db import transaction
from django.urls import reverse

from core import services
from core.models import AuditAction, AuditEvent, ExportJob, ExportStatus

from ..celery_processes import celery_processes, wait_for
from ..factories import MemberFactory


def sheet_rows(content: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def export(client, query: str = "", **options):
    return client.post(reverse("core:export_start"), {"exporter": "members", "query": query, **options})


def by_name(rows: list[tuple]) -> dict[str, tuple]:
    return {row[0]: row for row in rows[1:]}


def test_secretary_exports_their_subtree_with_masked_ids(secretary_a_client, roster):
    response = export(secretary_a_client)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = sheet_rows(response.content)
    assert rows[0][:6] == ("姓名", "性别", "民族", "出生日期", "年龄", "身份证号码")
    found = by_name(rows)
    assert set(found) == {"张伟", "李娜"}
    assert found["张伟"][5] == roster.a1.id_number_masked
    event = AuditEvent.objects.get()
    assert event.action == AuditAction.EXPORT and event.row_count == 2


def test_every_cell_shows_what_the_member_record_displays(staff_client, district):
    from members.models import Member

    MemberFactory(organisation=district.branch_a, name="赵敏", education="master", occupation="student")
    MemberFactory(organisation=district.branch_b, name="钱江", education="", occupation="")
    rows = by_name(sheet_rows(export(staff_client).content))
    on = date.today()
    for member in Member.objects.select_related("organisation"):
        expected = (
            member.name,
            member.get_gender_display(),
            member.get_ethnicity_display(),
            member.birth_date,
            member.age_on(on),
            member.id_number_masked,
            member.phone or None,
            member.organisation.name,
            member.get_category_display(),
            member.joined_league_on,
            member.member_number or None,
            member.get_status_display(),
            member.get_education_display() if member.education else None,
            member.get_occupation_display() if member.occupation else None,
        )
        got = tuple(v.date() if hasattr(v, "date") and callable(v.date) else v for v in rows[member.name])
        assert got == expected, member.name


def test_export_follows_the_list_filters(staff_client, roster):
    rows = sheet_rows(export(staff_client, "category=youth").content)
    assert list(by_name(rows)) == ["李娜"]


def test_export_cannot_reach_another_subtree_through_its_filters(secretary_a_client, district, roster):
    rows = sheet_rows(export(secretary_a_client, f"org={district.sub_b.pk}").content)
    assert rows[1:] == []


def test_staff_may_export_full_ids_and_the_request_is_recorded(staff_client, roster):
    rows = sheet_rows(export(staff_client, opt_full_ids="1").content)
    assert by_name(rows)["王强"][5] == roster.b1.decrypt_id_number()
    reveal = AuditEvent.objects.get(action=AuditAction.REVEAL_ID)
    assert reveal.username == "staff" and reveal.row_count == 3
    assert roster.b1.decrypt_id_number() not in reveal.description + reveal.target


@pytest.mark.parametrize("persona", ["secretary_a_client", "leader_client"])
def test_only_staff_may_ask_for_full_ids(request, persona, roster):
    client = request.getfixturevalue(persona)
    assert export(client, opt_full_ids="1").status_code == 403
    assert not AuditEvent.objects.exists()


def test_export_neutralises_formula_like_text(staff_client, district):
    for name in ('=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tTAB"):
        MemberFactory(name=name, organisation=district.branch_a)
    names = [row[0] for row in sheet_rows(export(staff_client).content)[1:]]
    assert sorted(names) == sorted(['\'=HYPERLINK("http://x")', "'+1", "'-2", "'@SUM(A1)", "'\tTAB"])


def test_export_is_post_only_and_needs_a_login(staff_client, client, roster):
    assert staff_client.get(reverse("core:export_start")).status_code == 405
    assert client.post(reverse("core:export_start"), {"exporter": "members"}).status_code == 302


def test_a_large_export_becomes_a_job_with_progress(
    staff_client, district, monkeypatch, django_capture_on_commit_callbacks
):
    from core.exporters import SheetExporter

    for i in range(5):
        MemberFactory(name=f"队列{i}", organisation=district.branch_a, birth_date=date(2000, 1, 1 + i))
    monkeypatch.setattr(services, "EXPORT_INLINE_MAX_ROWS", 2)
    monkeypatch.setattr(SheetExporter, "progress_every", 2)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = export(staff_client, opt_full_ids="1")
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("core:export_detail", args=[job.pk]) and len(callbacks) == 1
    assert job.total == 5 and job.params["opt_full_ids"] == ["1"]
    seen = []  # progress is written with QuerySet.update while the file is rendered
    original_update = type(ExportJob.objects.all()).update

    def spy(qs, **kwargs):
        if "progress" in kwargs:
            seen.append(kwargs["progress"])
        return original_update(qs, **kwargs)

    monkeypatch.setattr(type(ExportJob.objects.all()), "update", spy)
    services.export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.row_count == 5
    assert 2 in seen and 4 in seen  # progress written while rendering
    with job.file.open("rb") as fh:
        rows = sheet_rows(fh.read())
    assert len(rows) == 6 and all(len(row[5]) == 18 and "*" not in row[5] for row in rows[1:])


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_member_export_runs_on_a_real_worker(tmp_path, district, staff):
    member = MemberFactory(name="工人测试", organisation=district.branch_a)
    with celery_processes(beat=False, log_dir=tmp_path):
        with transaction.atomic():
            job = services.export_request(user=staff, exporter="members", params={"opt_full_ids": ["1"]})
        ok = wait_for(lambda: ExportJob.objects.get(pk=job.pk).is_finished, timeout=90)
    logs = "\n".join(p.read_text() for p in tmp_path.glob("*.log"))[-4000:]
    assert ok, logs
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE, job.error
    with job.file.open("rb") as fh:
        rows = sheet_rows(fh.read())
    # The worker decrypts with the same key as the web process.
    assert rows[1][0] == "工人测试" and rows[1][5] == member.decrypt_id_number()
