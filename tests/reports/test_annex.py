"""The annex reads and prints as a table should: reopen it with openpyxl and look."""

import re
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings

from activities.models import ActivityKind, Dimension
from reports import services
from reports.exporters.annex import plain_label

from ..activities.factories import ActivityFactory
from .test_views import table_rows

pytestmark = pytest.mark.django_db

KEY_LIKE = re.compile(r"^[a-z_]+(:[\w-]+)+$")
UNITS = {"人", "人次", "场", "期", "个", "元", "小时", "%", "次", "所", "项"}


@pytest.fixture
def annex(compiled, district, staff):
    ActivityFactory(
        organisation=district.branch_a,
        kind=ActivityKind.THEMATIC_STUDY,
        dimension=Dimension.GOVERN_STRICTLY,
        start_date=date(2024, 3, 5),
        participants=12,
        hours=Decimal("2.0"),
    )
    ActivityFactory(
        organisation=district.branch_b,
        kind=ActivityKind.THEMATIC_STUDY,
        dimension=Dimension.GOVERN_STRICTLY,
        start_date=date(2024, 3, 6),
        participants=8,
        hours=Decimal("1.5"),
    )
    services.report_compile(report=compiled, user=staff)
    final = services.report_finalise(report=compiled, user=staff, numbers_confirmed=True)
    services.report_render(report=final)
    return openpyxl.load_workbook(final.xlsx_file.open("rb"))


def header_row(sheet) -> int:
    return int(sheet.freeze_panes[1:]) - 1


def test_every_sheet_has_a_caption_a_filter_print_titles_a4_and_fitted_widths(annex):
    for sheet in annex.worksheets:
        first, second = sheet["A1"].value, sheet["A2"].value
        assert first.startswith("共青团测试区委员会2024年上半年工作总结统计附表") and sheet.title in first
        assert sheet["A1"].font.b
        for part in (
            "编制单位：共青团测试区委员会",
            "统计期间：2024年1月1日至6月30日",
            "版本：第1版（已定稿）",
            "编制时间：",
        ):
            assert part in second, (sheet.title, part)
        row = header_row(sheet)
        assert row == 3 and all(c.font.b for c in sheet[row] if c.value)
        assert sheet.auto_filter.ref.startswith(f"A{row}:")
        assert sheet.print_title_rows == f"${row}:${row}"
        assert sheet.page_setup.paperSize == 9 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.fitToWidth == 1
        widths = {k: d.width for k, d in sheet.column_dimensions.items() if d.customWidth}
        assert len(widths) >= sheet.max_column, sheet.title
        longest_header = max(len(str(c.value)) * 2 for c in sheet[row] if c.value)
        assert max(widths.values()) >= min(longest_header, 60)


def test_numbers_are_grouped_and_integers_are_integers(annex):
    seen = set()
    for sheet in annex.worksheets:
        for row in sheet.iter_rows(min_row=header_row(sheet) + 1):
            for cell in row:
                if isinstance(cell.value, bool) or not isinstance(cell.value, int | float):
                    continue
                if isinstance(cell.value, float):
                    assert not cell.value.is_integer(), (sheet.title, cell.coordinate, cell.value)
                    assert cell.number_format == "#,##0.0"
                    seen.add("fraction")
                else:
                    assert cell.number_format == "#,##0", (sheet.title, cell.coordinate)
                    seen.add("integer")
    assert seen == {"integer", "fraction"}
    organisations = table_rows(annex["按组织"])
    hours = {r[0]: r[4] for r in organisations}
    assert hours["甲街道团工委"] == 2 and isinstance(hours["甲街道团工委"], int)
    assert hours["乙街道团工委"] == 1.5


def test_labels_are_words_with_units_and_sources_are_portal_links(annex):
    sheet = annex["报告数据"]
    header = [c.value for c in sheet[header_row(sheet)]]
    assert header == ["部分", "条目（报告原文）", "数据项", "数值", "单位", "报告中写作", "去年同期", "数据来源"]
    rows = table_rows(sheet)
    assert rows
    for number, row in enumerate(rows, start=header_row(sheet) + 1):
        for value in row:
            assert not (isinstance(value, str) and KEY_LIKE.match(value)), value
        assert row[4] in UNITS, row
        assert "““" not in row[2] and "””" not in row[2]
        link = sheet.cell(row=number, column=8)
        if link.value:
            assert link.value.startswith(settings.PORTAL_URL.rstrip("/") + "/")
            assert link.hyperlink.target == link.value
    for name in ("按维度和月份", "按主题活动", "按组织", "组织生活"):
        headers = " ".join(str(c.value) for c in annex[name][header_row(annex[name])] if c.value)
        headers += " ".join(str(r[1]) for r in table_rows(annex[name])) if name == "按维度和月份" else ""
        assert re.search(r"（(场|人|人次|小时|次|%)）", headers), name


def test_labels_lose_doubled_quotation_marks():
    assert plain_label("““五四””青年节活动场次") == "“五四”青年节活动场次"
    assert plain_label("“2024年“我们的节日”雷锋超市主题教育”活动场次") == "“2024年‘我们的节日’雷锋超市主题教育”活动场次"
    assert plain_label("“五四青年文化节”活动场次") == "“五四青年文化节”活动场次"
