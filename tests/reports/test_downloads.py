"""Downloads: a draft as it reads now, a finalised report as it was frozen, under readable names."""

import io
from urllib.parse import quote

import docx
import openpyxl
import pytest
from django.urls import reverse

from activities.models import Dimension
from core.models import AuditEvent
from reports import services
from reports.models import Report

from .test_compile import campaign_key
from .test_views import table_rows

pytestmark = pytest.mark.django_db

STEM = "共青团测试区委员会2024年上半年工作总结"


def download(client, report, fmt):
    response = client.get(reverse("reports:download", args=[report.pk, fmt]))
    assert response.status_code == 200, response.status_code
    return response, b"".join(response.streaming_content)


def word_text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def figures_text(data: bytes) -> str:
    rows = table_rows(openpyxl.load_workbook(io.BytesIO(data))["报告数据"])
    return "\n".join(str(r[1]) for r in rows)


def test_a_draft_downloads_as_it_reads_after_every_edit(staff_client, compiled):
    key = campaign_key(compiled)
    for wording in ("第一次修改：开展主题团日活动{count}", "第二次修改：开展主题团日活动{count}"):
        services.report_edit_item(report=compiled, key=key, template=wording)
        expected = wording.replace("{count}", "30余场")
        assert expected in word_text(download(staff_client, compiled, "docx")[1])
        assert expected in figures_text(download(staff_client, compiled, "xlsx")[1])
    assert not Report.objects.get(pk=compiled.pk).docx_file  # nothing stored that could go stale


def test_draft_buttons_are_offered_once_compiled(staff_client, compiled):
    html = staff_client.get(reverse("reports:detail", args=[compiled.pk])).content.decode()
    assert reverse("reports:download", args=[compiled.pk, "docx"]) in html
    assert reverse("reports:download", args=[compiled.pk, "xlsx"]) in html


def test_file_names_are_readable_with_an_rfc_5987_filename(staff_client, compiled, final):
    response, _ = download(staff_client, final, "docx")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote(STEM + '（第1版）.docx')}" in disposition
    response, _ = download(staff_client, final, "xlsx")
    assert f"filename*=utf-8''{quote(STEM + '（第1版）统计附表.xlsx')}" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_a_draft_says_so_in_its_name(staff_client, compiled):
    response, _ = download(staff_client, compiled, "docx")
    assert quote(STEM + "（第1版草稿）.docx") in response["Content-Disposition"]


def test_the_storage_name_never_reaches_the_user(staff_client, final):
    first = final.docx_file.name
    services.report_render(report=final)  # stored again: the storage picks a new, suffixed name
    final.refresh_from_db()
    assert final.docx_file.name != first
    response, data = download(staff_client, final, "docx")
    assert final.docx_file.name.rsplit("/", 1)[-1] not in response["Content-Disposition"]
    assert quote(STEM + "（第1版）.docx") in response["Content-Disposition"]
    assert data == final.docx_file.open("rb").read()


def test_a_finalised_report_serves_its_stored_files(staff_client, final):
    _, data = download(staff_client, final, "xlsx")
    assert data == final.xlsx_file.open("rb").read()
    Report.objects.filter(pk=final.pk).update(xlsx_file="")
    assert staff_client.get(reverse("reports:download", args=[final.pk, "xlsx"])).status_code == 404


def test_leaders_download_drafts_and_every_download_is_audited(leader_client, compiled):
    download(leader_client, compiled, "docx")
    download(leader_client, compiled, "xlsx")
    assert AuditEvent.objects.filter(action="download").count() == 2


def test_secretaries_reach_no_draft_and_no_report_outside_their_subtree(
    secretary_a_client, secretary_b_client, staff, district, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        report = services.report_start(organisation=district.sub_a, year=2024, half=1, user=staff)
        services.report_queue_job(report=report)
    services.report_run_job(report_id=report.pk)
    for fmt in ("docx", "xlsx"):
        # A draft is the committee's working paper: its own secretary gets it, nobody else.
        assert secretary_b_client.get(reverse("reports:download", args=[report.pk, fmt])).status_code == 404
        assert secretary_a_client.get(reverse("reports:download", args=[report.pk, fmt])).status_code == 200
    # Nothing was logged under 甲: staff write the sections before finalising (empty ones are refused).
    services.report_add_item(report=report, section=Dimension.UNITE_YOUTH, text="组织团员青年开展主题团日活动")
    services.report_add_item(report=report, section="problems", text="活动开展不够经常")
    with django_capture_on_commit_callbacks(execute=False):
        services.report_finalise(report=report, user=staff, numbers_confirmed=True)
    services.report_run_job(report_id=report.pk)
    for fmt in ("docx", "xlsx"):
        assert secretary_b_client.get(reverse("reports:download", args=[report.pk, fmt])).status_code == 404
        assert secretary_a_client.get(reverse("reports:download", args=[report.pk, fmt])).status_code == 200


def test_anonymous_is_sent_to_sign_in(client, compiled):
    response = client.get(reverse("reports:download", args=[compiled.pk, "docx"]))
    assert response.status_code == 302 and "login" in response["Location"]
