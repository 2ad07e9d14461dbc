"""Numbers staff type into the wording are checked against the item's figures."""

import html
import io
import re

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports import services
from reports.checks import figure_wording, number_mismatches, report_mismatches
from reports.content import Figure, Item
from reports.models import Report

from .test_compile import campaign_key, content_of
from .test_views import table_rows

COMPILED = "在“五四青年文化节”期间组织基层团组织开展主题团日活动{count}，覆盖{persons}名团员青年"


def campaign(template: str) -> Item:
    figures = {
        "count": Figure(33, "场", "campaign_activities", "yu", label="五四活动场次", previous=24),
        "persons": Figure(4560, label="覆盖团员青年"),
    }
    return Item("campaign:1", template, figures, edited=True, compiled_template=COMPILED)


@pytest.mark.parametrize(
    "template, written, expected",
    [
        ("开展主题团日活动35场，覆盖{persons}名团员青年", "35场", "30余场"),  # a placeholder replaced, wrongly
        ("开展主题团日活动{count}，覆盖5000名团员青年", "5000名", "4560名"),
        ("开展主题团日活动{count}，覆盖1.2万名团员青年", "1.2万名", "4560名"),
        ("开展主题团日活动40余场，覆盖{persons}名", "40余场", "30余场"),
        ("开展主题团日活动近20场，覆盖{persons}名", "近20场", "30余场"),
        ("开展主题团日活动{count}，覆盖{persons}名，其中3场在线上", "3场", "30余场"),
    ],
)
def test_a_typed_number_the_figures_do_not_support_is_reported(template, written, expected):
    (mismatch,) = number_mismatches(campaign(template))
    assert (mismatch.written, mismatch.expected) == (written, expected)
    assert mismatch.message.startswith(f"文中数字与数据不一致：写作“{written}”，数据为{expected}")


@pytest.mark.parametrize(
    "template",
    [
        COMPILED,
        "开展活动33场，覆盖{persons}名",  # exact
        "开展活动30余场，覆盖4560名",  # as the figures write them
        "开展活动{count}，覆盖4,560名",
        "开展活动{count}，覆盖4500余名",
        "开展活动{count}，覆盖4000余名",
        "开展活动{count}，覆盖近5000名",
        "开展活动{count}，覆盖0.46万名",
        "开展活动超30场，覆盖{persons}名",
        "开展活动{count}，去年同期为24场",  # the figure's previous value
        "开展活动{count}，存在问题{0}，问题{x:>200000000}",  # braces are text, not quantities
        "2024年5月4日起开展活动{count}，7-8月继续，“12·5”国际志愿者日，第3届，落实“4+1”工作制度",
    ],
)
def test_true_numbers_dates_names_and_ordinals_pass(template):
    assert number_mismatches(campaign(template)) == []


def test_numbers_the_compiler_wrote_are_not_staffs():
    figures = {"over": Figure(3, label="团青比例超过控制目标的学校")}
    compiled = "团员发展调控仍需加强，{over}所学校初中毕业班团青比例超过30%的控制目标"
    item = Item("problem:cohort_ceiling", compiled, figures)
    assert number_mismatches(item) == []
    item.template = "团员发展调控有待加强，{over}所学校毕业班团青比例超过30%的控制目标"
    assert number_mismatches(item) == []
    item.template = "团员发展调控有待加强，{over}所学校毕业班团青比例超过40%的控制目标"
    assert [m.written for m in number_mismatches(item)] == ["超过40%"]


def test_items_without_figures_are_not_checked():
    assert number_mismatches(Item("staff:1", "每月开展1场专题学习，全年不少于300期", source="staff")) == []


def test_what_the_text_says_for_each_figure():
    assert figure_wording(campaign(COMPILED)) == {"count": "30余场", "persons": "4560名"}
    assert figure_wording(campaign("开展主题团日活动35场，覆盖{persons}名")) == {
        "count": "35场（与数据不一致）",
        "persons": "4560名",
    }
    assert figure_wording(campaign("开展主题团日活动30余场，覆盖{persons}名"))["count"] == (
        "30余场（手写数字，不随数据更新）"
    )
    assert figure_wording(campaign("开展了主题团日活动，覆盖{persons}名"))["count"] == "（文中未引用）"


# --- On the page, at finalising, in the annex -------------------------------------------------

WRONG = "五四期间开展主题团日活动35场，覆盖{persons_members_youth}名团员青年"


@pytest.mark.django_db
def test_the_page_marks_the_item_and_finalising_asks_for_confirmation(staff_client, compiled):
    key = campaign_key(compiled)
    edit = reverse("reports:item_edit", args=[compiled.pk])
    assert staff_client.post(edit, {"key": key, "template": WRONG}).status_code == 302
    assert list(report_mismatches(content_of(compiled))) == [key]

    page = staff_client.get(reverse("reports:detail", args=[compiled.pk]))
    text = html.unescape(re.sub(r"<[^>]+>", "", page.content.decode()))
    message = "文中数字与数据不一致：写作“35场”，数据为30余场"
    assert text.count(message) == 2  # at the item, and in the finalise form's list
    assert 'name="numbers_confirmed"' in page.content.decode()

    finalise = reverse("reports:finalise", args=[compiled.pk])
    refused = staff_client.post(finalise, follow=True)
    assert "文中数字与数据不一致" in refused.content.decode() and "已核对文中数字" in refused.content.decode()
    assert not Report.objects.get(pk=compiled.pk).is_final
    assert staff_client.post(finalise, {"numbers_confirmed": "1"}).status_code == 302
    assert Report.objects.get(pk=compiled.pk).is_final


@pytest.mark.django_db
def test_the_finalise_service_refuses_unconfirmed_mismatches(compiled, staff):
    services.report_edit_item(report=compiled, key=campaign_key(compiled), template=WRONG)
    with pytest.raises(ValidationError, match="写作“35场”"):
        services.report_finalise(report=compiled, user=staff)
    assert services.report_finalise(report=compiled, user=staff, numbers_confirmed=True).is_final


@pytest.mark.django_db
def test_a_report_without_mismatches_finalises_as_before(staff_client, compiled):
    page = staff_client.get(reverse("reports:detail", args=[compiled.pk]))
    assert not page.context["mismatches"] and 'name="numbers_confirmed"' not in page.content.decode()
    assert staff_client.post(reverse("reports:finalise", args=[compiled.pk])).status_code == 302
    assert Report.objects.get(pk=compiled.pk).is_final


@pytest.mark.django_db
def test_the_annex_says_what_the_text_says(staff_client, compiled):
    key = campaign_key(compiled)
    services.report_edit_item(report=compiled, key=key, template=WRONG)
    annex = staff_client.get(reverse("reports:download", args=[compiled.pk, "xlsx"]))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(annex.streaming_content)))
    rows = table_rows(workbook["报告数据"])
    count = next(r for r in rows if r[1].startswith("五四期间开展主题团日活动35场") and r[3] == 33)
    assert count[5] == "35场（与数据不一致）"
    persons = next(r for r in rows if r[1].startswith("五四期间") and r[3] == 4560)
    assert persons[5] == "4560名" and persons[4] == "人"

    services.report_edit_item(report=compiled, key=key, template="五四期间广泛开展主题团日活动")
    annex = staff_client.get(reverse("reports:download", args=[compiled.pk, "xlsx"]))
    rows = table_rows(openpyxl.load_workbook(io.BytesIO(b"".join(annex.streaming_content)))["报告数据"])
    assert {r[5] for r in rows if r[1] == "五四期间广泛开展主题团日活动"} == {"（文中未引用）"}
