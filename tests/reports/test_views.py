"""Report pages: who may compile, edit, finalise, read and download; the files they get."""

import io
import re
from datetime import date

import docx
import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from activities import selectors
from activities.periods import Period
from core import freshness
from core.models import AuditEvent
from reports import services
from reports.models import JobStatus, Report

from .test_compile import campaign_key, content_of, may_fourth

pytestmark = pytest.mark.django_db


def table_rows(sheet) -> list[tuple]:
    """A sheet's data rows: those below the header, which stays in view when scrolling."""
    first = int(sheet.freeze_panes[1:])
    return list(sheet.iter_rows(min_row=first, values_only=True))


def test_staff_start_queues_compiling_after_commit(staff_client, district, django_capture_on_commit_callbacks):
    may_fourth(district, records=5, total=50)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = staff_client.post(
            reverse("reports:start"), {"organisation": district.root.pk, "year": 2024, "half": 1}
        )
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:detail", args=[report.pk])
    # The dashboards' cache version is the other callback.
    queued = [c for c in callbacks if not isinstance(c, freshness._BumpOnCommit)]
    assert report.job_status == JobStatus.QUEUED and len(queued) == 1
    services.report_run_job(report_id=report.pk)
    report.refresh_from_db()
    # A draft's files are rendered when downloaded, never stored (they could fall behind an edit).
    assert report.job_status == JobStatus.DONE and report.content and not report.docx_file
    assert services.report_run_job(report_id=report.pk) is None  # redelivered: nothing to do
    page = staff_client.get(reverse("reports:detail", args=[report.pk]))
    assert "覆盖50名团员青年" in re.sub(r"<[^>]+>", "", page.content.decode())


def test_start_refuses_a_branch(staff_client, district):
    response = staff_client.post(
        reverse("reports:start"), {"organisation": district.branch_a.pk, "year": 2024, "half": 1}
    )
    assert response.status_code == 200 and not Report.objects.exists()


def test_draft_page_links_every_figure_to_its_list(staff_client, compiled):
    html = staff_client.get(reverse("reports:detail", args=[compiled.pk])).content.decode()
    assert 'class="report-figure" href="/activities/?' in html
    assert "status=approved" in html


def test_figure_links_lead_to_lists_with_the_same_count(staff_client, compiled):
    content = content_of(compiled)
    item = content.find(campaign_key(compiled))
    response = staff_client.get(item.figures["count"].link)
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == item.figures["count"].value


def test_edit_item_through_the_page(staff_client, compiled):
    key = campaign_key(compiled)
    url = reverse("reports:item_edit", args=[compiled.pk])
    assert staff_client.get(url, {"key": key}).status_code == 200
    response = staff_client.post(url, {"key": key, "template": "五四期间开展活动{count}"})
    assert response.status_code == 302
    assert content_of(compiled).find(key).render() == "五四期间开展活动30余场"
    bad = staff_client.post(url, {"key": key, "template": "开展活动{oops}"})
    assert bad.status_code == 200 and "不存在的数据" in bad.content.decode()


def test_style_switch_through_the_page(staff_client, compiled):
    key = campaign_key(compiled)
    staff_client.post(
        reverse("reports:item_style", args=[compiled.pk]), {"key": key, "figure": "count", "style": "exact"}
    )
    assert "活动33场" in content_of(compiled).find(key).render()


def test_secretaries_see_only_their_own_committees_drafts_and_leaders_only_read_them(
    leader_client, secretary_a_client, staff, district, compiled
):
    from reports.models import Report as R

    # The committee a secretary runs prepares its own summary (to submit upward): its drafts are
    # theirs to read and edit; the district's and other committees' drafts are not found.
    own = services.report_start(organisation=district.sub_a, year=2024, half=1, user=staff)
    other = services.report_start(organisation=district.sub_b, year=2024, half=1, user=staff)
    page = secretary_a_client.get(reverse("reports:detail", args=[own.pk]))
    assert page.status_code == 200 and page.context["editable"]
    assert secretary_a_client.get(reverse("reports:detail", args=[compiled.pk])).status_code == 404
    assert secretary_a_client.get(reverse("reports:detail", args=[other.pk])).status_code == 404
    assert list(secretary_a_client.get(reverse("reports:list")).context["reports"]) == [own]
    page = leader_client.get(reverse("reports:detail", args=[compiled.pk]))
    assert page.status_code == 200 and not page.context["editable"]
    R.objects.filter(pk=own.pk).update(status="final")
    page = secretary_a_client.get(reverse("reports:detail", args=[own.pk]))
    assert page.status_code == 200 and not page.context["editable"] and page.context["can_reopen"]


@pytest.mark.parametrize(
    "name, data",
    [
        ("refresh", {}),
        ("finalise", {}),
        ("item_action", {"action": "remove", "key": "opening"}),
        ("item_style", {"key": "opening", "figure": "activities", "style": "exact"}),
        ("item_add", {"section": "problems", "text": "x"}),
        ("headings", {"title": "x"}),
        ("item_edit", {"key": "opening", "template": "x"}),
    ],
)
def test_leader_cannot_change_a_report(leader_client, compiled, name, data):
    before = Report.objects.get(pk=compiled.pk).content
    assert leader_client.post(reverse(f"reports:{name}", args=[compiled.pk]), data).status_code == 403
    assert Report.objects.get(pk=compiled.pk).content == before


def test_leader_downloads_the_final_files(leader_client, final):
    assert leader_client.get(reverse("reports:detail", args=[final.pk])).status_code == 200
    assert final in leader_client.get(reverse("reports:list")).context["reports"]
    response = leader_client.get(reverse("reports:download", args=[final.pk, "docx"]))
    document = docx.Document(io.BytesIO(b"".join(response.streaming_content)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "一、主要做法和成效" in text and "30余场" in text and "4560名" in text
    annex = leader_client.get(reverse("reports:download", args=[final.pk, "xlsx"]))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(annex.streaming_content)))
    assert "按维度和月份" in workbook.sheetnames
    assert AuditEvent.objects.filter(action="download").count() == 2
    assert leader_client.post(reverse("reports:reopen", args=[final.pk])).status_code == 403


def test_secretary_outside_the_report_scope_gets_404(secretary_a_client, final):
    for name in ("detail", "print", "status"):
        assert secretary_a_client.get(reverse(f"reports:{name}", args=[final.pk])).status_code == 404
    assert secretary_a_client.get(reverse("reports:download", args=[final.pk, "docx"])).status_code == 404


def test_staff_reopen_through_the_page(staff_client, final):
    response = staff_client.post(reverse("reports:reopen", args=[final.pk]))
    new = Report.objects.get(version=2)
    assert response["Location"] == reverse("reports:detail", args=[new.pk])


def test_annex_totals_match_the_selectors(final, district):
    workbook = openpyxl.load_workbook(final.xlsx_file.open("rb"))
    sheet = workbook["按维度和月份"]
    rows = list(sheet.iter_rows(values_only=True))
    total_row = next(r for r in rows if r[0] == "合计")
    totals = selectors.activity_totals(organisation=district.root, period=Period.half_year(2024, 1))
    assert total_row[-1] == totals.count
    campaigns = table_rows(workbook["按主题活动"])
    assert [(r[2], r[3]) for r in campaigns] == [(33, 4560)]
    figures = table_rows(workbook["报告数据"])
    assert any(r[5] == "30余场" for r in figures)


def test_wrong_method_and_unknown_format(staff_client, final):
    assert staff_client.get(reverse("reports:finalise", args=[final.pk])).status_code == 405
    assert staff_client.get(reverse("reports:download", args=[final.pk, "pdf"])).status_code == 404


def test_print_page_renders_the_official_paragraphs(staff_client, final):
    html = staff_client.get(reverse("reports:print", args=[final.pk])).content.decode()
    assert "<h2>一、主要做法和成效</h2>" in html and "4560名" in html


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "html"])
def test_compile_report_command(district, tmp_path, fmt):
    may_fourth(district, records=21, total=2100)
    out = tmp_path / f"report.{fmt}"
    call_command("compile_report", "--year", "2024", "--half", "1", "--format", fmt, "--output", str(out))
    data = out.read_bytes()
    if fmt == "docx":
        assert "20余场" in "".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    elif fmt == "xlsx":
        assert "按主题活动" in openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    else:
        assert "覆盖2100名团员青年" in data.decode()


def test_annex_has_every_table_and_honour_totals_match_the_summary(final, district):
    from honours.models import Level, RecipientKind
    from honours.selectors import honour_summary

    from ..honours.factories import HonourFactory

    HonourFactory(organisation=district.branch_a, level=Level.CITY, recipient_kind=RecipientKind.YOUNG_PIONEER)
    reopened = services.report_reopen(report=final, user=final.finalised_by)
    services.report_compile(report=reopened)
    services.report_render(report=reopened)
    workbook = openpyxl.load_workbook(reopened.xlsx_file.open("rb"))
    for sheet in ("报告数据", "按维度和月份", "按主题活动", "按组织", "表彰", "组织生活", "发展团员", "指标"):
        assert sheet in workbook.sheetnames, sheet
    rows = table_rows(workbook["表彰"])
    city = next(r for r in rows if r[0] == "获得表彰" and r[1] == "市级")
    summary = honour_summary(organisation=district.root, start=date(2024, 1, 1), end=date(2024, 6, 30))
    assert city[-1] == summary.count(level=Level.CITY, direction="received") == 1
