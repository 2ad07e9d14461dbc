"""Editing safely: staff's braces are text, and a stale save never silently loses an edit."""

import html
import io
import re

import docx
import openpyxl
import pytest
from django.urls import reverse

from reports import services
from reports.content import Figure, Item
from reports.editing import StaleEdit, headings_version, item_version
from reports.models import JobStatus, PlanItem, Report

from .test_compile import campaign_key, content_of

pytestmark = pytest.mark.django_db

BRACES = ["落实不到位 { 需补充", "存在问题{0}", "需要{}补充", "占位}", "问题{x:>200000000}"]


def page_text(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", response.content.decode()))


@pytest.mark.parametrize("text", BRACES)
def test_braces_in_staff_text_are_text(text):
    item = Item("k", f"开展活动{{count}}，{text}", {"count": Figure(33, "场", "campaign_activities", "yu")})
    assert item.render() == f"开展活动30余场，{text}"
    assert "".join(piece for piece, _ in item.parts()) == item.render()
    assert Item("k", text).render() == text


@pytest.mark.parametrize("text", BRACES)
def test_braces_go_through_editing_printing_finalising_and_both_files(
    staff_client, compiled, text, django_capture_on_commit_callbacks
):
    key = campaign_key(compiled)
    edit = reverse("reports:item_edit", args=[compiled.pk])
    assert staff_client.post(edit, {"key": key, "template": f"五四期间开展活动{{count}}，{text}"}).status_code == 302
    add = reverse("reports:item_add", args=[compiled.pk])
    assert staff_client.post(add, {"section": "problems", "text": f"问题：{text}"}).status_code == 302
    plan = {"section": "plan", "heading": "从严治团", "text": f"计划：{text}"}
    assert staff_client.post(add, plan).status_code == 302

    detail = staff_client.get(reverse("reports:detail", args=[compiled.pk]))
    assert detail.status_code == 200 and f"五四期间开展活动30余场，{text}" in page_text(detail)
    printed = staff_client.get(reverse("reports:print", args=[compiled.pk]))
    assert printed.status_code == 200
    assert f"问题：{text}" in page_text(printed) and f"计划：{text}" in page_text(printed)
    assert len(printed.content) < 100_000  # "{x:>200000000}" is not a format spec

    with django_capture_on_commit_callbacks(execute=False):
        response = staff_client.post(reverse("reports:finalise", args=[compiled.pk]), {"numbers_confirmed": "1"})
    assert response.status_code == 302
    final = Report.objects.get(pk=compiled.pk)
    assert final.is_final
    services.report_run_job(report_id=final.pk)
    final.refresh_from_db()
    assert final.job_status == JobStatus.DONE, final.job_error

    word = staff_client.get(reverse("reports:download", args=[final.pk, "docx"]))
    assert word.status_code == 200
    document = docx.Document(io.BytesIO(b"".join(word.streaming_content)))
    body = "\n".join(p.text for p in document.paragraphs)
    assert f"五四期间开展活动30余场，{text}" in body and f"问题：{text}" in body and f"计划：{text}" in body
    annex = staff_client.get(reverse("reports:download", args=[final.pk, "xlsx"]))
    assert annex.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(annex.streaming_content)))
    cells = [str(c) for row in workbook["报告数据"].iter_rows(values_only=True) for c in row if c]
    assert any(f"五四期间开展活动30余场，{text}" in c for c in cells)


# --- Two editors, one item ------------------------------------------------------------


def test_a_stale_item_save_is_refused_and_both_texts_are_shown(staff_client, compiled):
    key = campaign_key(compiled)
    url = reverse("reports:item_edit", args=[compiled.pk])
    first = staff_client.get(url, {"key": key}).context["form"]
    second = staff_client.get(url, {"key": key}).context["form"]
    version = first.initial["version"]
    assert version == second.initial["version"]

    saved = staff_client.post(url, {"key": key, "version": version, "template": "甲的措辞{count}"})
    assert saved.status_code == 302
    refused = staff_client.post(url, {"key": key, "version": version, "template": "乙的措辞{count}"})
    assert refused.status_code == 200
    text = page_text(refused)
    assert "其他人已修改并保存了它" in text
    assert "甲的措辞{count}" in text  # theirs, as stored
    assert refused.context["form"]["template"].value() == "乙的措辞{count}"  # what this user typed
    assert content_of(compiled).find(key).template == "甲的措辞{count}"  # nothing lost

    # The re-shown form carries the stored version: saving again is a deliberate overwrite.
    again = refused.context["form"]["version"].value()
    assert again == item_version(content_of(compiled).find(key)) != version
    assert staff_client.post(url, {"key": key, "version": again, "template": "乙的措辞{count}"}).status_code == 302
    assert content_of(compiled).find(key).template == "乙的措辞{count}"


def test_a_stale_plan_item_save_keeps_the_work_plan_row(compiled):
    services.report_add_item(report=compiled, section="plan", heading="从严治团", text="每月一场专题学习。")
    key = content_of(compiled).plan[-1].key
    version = item_version(content_of(compiled).find(key))
    services.report_edit_item(
        report=compiled, key=key, template="每季度召开例会。", heading="从严治团", version=version
    )
    with pytest.raises(StaleEdit) as refused:
        services.report_edit_item(
            report=compiled, key=key, template="另一人的计划。", heading="从严治团", version=version
        )
    assert refused.value.current.template == "每季度召开例会。"
    assert PlanItem.objects.get(heading="从严治团").body == "每季度召开例会。"


def test_an_unchanged_item_saves_with_its_version(compiled):
    key = campaign_key(compiled)
    version = item_version(content_of(compiled).find(key))
    services.report_edit_item(report=compiled, key=key, template="新措辞{count}", version=version)
    assert content_of(compiled).find(key).template == "新措辞{count}"


def test_a_stale_headings_save_is_refused_and_both_texts_are_shown(staff_client, compiled):
    url = reverse("reports:headings", args=[compiled.pk])
    form = staff_client.get(url).context["form"]
    version = form.initial["version"]
    themes = {name: form.fields[name].initial for _, name in form.dimension_fields}
    assert version == headings_version(content_of(compiled))

    mine = {"version": version, "title": "甲改的标题", "date": "", **themes}
    assert staff_client.post(url, mine).status_code == 302
    theirs = {"version": version, "title": "乙改的标题", "date": "2024-07-05", **themes}
    refused = staff_client.post(url, theirs)
    assert refused.status_code == 200
    text = page_text(refused)
    assert "其他人已修改了标题" in text and "甲改的标题" in text
    assert refused.context["form"]["title"].value() == "乙改的标题"
    content = content_of(compiled)
    assert content.title == "甲改的标题" and content.date_text == ""

    theirs["version"] = refused.context["form"]["version"].value()
    assert staff_client.post(url, theirs).status_code == 302
    content = content_of(compiled)
    assert content.title == "乙改的标题" and content.date_text == "2024年7月5日"


def test_headings_form_sets_the_date_and_finalising_keeps_it(staff_client, compiled, staff):
    url = reverse("reports:headings", args=[compiled.pk])
    form = staff_client.get(url).context["form"]
    data = {name: form.fields[name].initial for _, name in form.dimension_fields}
    data.update(version=form.initial["version"], title=content_of(compiled).title, date="2024-07-05")
    assert staff_client.post(url, data).status_code == 302
    assert content_of(compiled).date_text == "2024年7月5日"
    assert staff_client.get(url).context["form"].initial["date"].isoformat() == "2024-07-05"
    final = services.report_finalise(report=compiled, user=staff)
    assert content_of(final).date_text == "2024年7月5日"


def test_without_a_date_finalising_writes_the_day_in_arabic_numerals(compiled, staff, time_machine):
    time_machine.move_to("2024-07-05T10:00:00+08:00")
    final = services.report_finalise(report=compiled, user=staff)
    assert content_of(final).date_text == "2024年7月5日"


def test_a_bad_date_is_refused_with_the_form_kept(staff_client, compiled):
    url = reverse("reports:headings", args=[compiled.pk])
    form = staff_client.get(url).context["form"]
    data = {name: form.fields[name].initial for _, name in form.dimension_fields}
    data.update(version=form.initial["version"], title="保留的标题", date="2024-13-40")
    response = staff_client.post(url, data)
    assert response.status_code == 200 and response.context["form"].errors["date"]
    assert response.context["form"]["title"].value() == "保留的标题"
    assert content_of(compiled).title != "保留的标题"
