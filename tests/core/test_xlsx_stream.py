"""The export writer: files read back through openpyxl and calamine, value for value, and the
same as openpyxl's own write-only mode writes them."""

import datetime as dt
import decimal
import enum
import io
import math
import uuid
import xml.etree.ElementTree as ET
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from python_calamine import CalamineWorkbook

from core.exporters import Sheet, write_workbook
from core.xlsx_stream import MAX_CELL_TEXT, Link, SheetLayout, WorkbookStream, date_serial

SHANGHAI = ZoneInfo("Asia/Shanghai")

VARIED = [
    ("团支部", "Ａ＆Ｂ <甲> & \"乙\" 'x'", 0, -7, 2**40, 3.25, -0.1, 1e-07, True, False),
    ("  leading and trailing  ", "line one\nline two", 12, None, 45020220000101, 1e16, 0.0, 2.5, False, True),
    (dt.date(2000, 1, 1), dt.date(1900, 3, 1), dt.date(2026, 11, 30), dt.datetime(2026, 6, 30, 23, 59, 59)),
    (dt.datetime(2026, 1, 1, 8, 30, tzinfo=SHANGHAI), dt.datetime(2026, 1, 1, 0, 30, tzinfo=dt.UTC), dt.time(7, 5, 3)),
    ("=1+2", "+86 138", "-cmd", "@SUM(A1)", "\tx", "plain", "a - b", "中文，标点。"),
    (decimal.Decimal("12.50"), decimal.Decimal("-3"), "", None, "末尾"),
]
HEADER = ["名称", "说明", "数", 4, "日期"]
WIDTHS = [12, 30, 8]


def by_openpyxl(sheets) -> bytes:
    """What write_workbook wrote before it streamed: openpyxl write-only, text neutralised as
    the old ``safe_cell`` did and aware datetimes in local time."""

    def safe(value):
        if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
            return "'" + value
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.astimezone(SHANGHAI).replace(tzinfo=None)
        return value

    workbook = Workbook(write_only=True)
    for sheet in sheets:
        ws = workbook.create_sheet(title=sheet.title)
        for i, width in enumerate(sheet.widths):
            ws.column_dimensions[chr(65 + i)].width = width
        header = []
        for title in sheet.header:
            cell = WriteOnlyCell(ws, value=safe(title))
            cell.font = Font(bold=True)
            header.append(cell)
        ws.append(header)
        for row in sheet.rows:
            ws.append([safe(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def cells(content: bytes):
    """Every cell's value, number format and boldness, per sheet title, with column widths."""
    workbook = load_workbook(io.BytesIO(content))
    result = {}
    for ws in workbook.worksheets:
        rows = [
            [(c.value if c.value != "" else None, c.number_format, bool(c.font.b)) for c in row]
            for row in ws.iter_rows()
        ]
        widths = {k: d.width for k, d in ws.column_dimensions.items() if d.customWidth}
        result[ws.title] = (rows, widths)
    return result


def streamed(sheets) -> bytes:
    content, _ = write_workbook(sheets)
    return content


def test_reads_back_as_openpyxls_own_write_only_file():
    sheets = [Sheet("成员", HEADER, VARIED, WIDTHS), Sheet("第二页", ["甲"], [[1], ["二"]])]
    ours, theirs = cells(streamed(sheets)), cells(by_openpyxl(sheets))
    assert list(ours) == ["成员", "第二页"]
    assert ours == theirs
    rows, widths = ours["成员"]
    assert rows[0][0] == ("名称", "General", True) and rows[1][0] == ("团支部", "General", False)
    assert rows[3][0][0] == dt.datetime(2000, 1, 1) and rows[3][0][1] == "yyyy-mm-dd"
    assert rows[4][0][0] == dt.datetime(2026, 1, 1, 8, 30) and rows[4][1][0] == dt.datetime(2026, 1, 1, 8, 30)
    assert widths == {"A": 12, "B": 30, "C": 8}


def test_calamine_reads_the_same_values():
    rows = [["张三", dt.date(1998, 5, 4), 17, 2.5, True, "x & <y>"], [None, None, "末"]]
    content = streamed([Sheet("名单", ["姓名", "出生日期", "年龄", "分", "是", "注"], rows)])
    read = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name("名单").to_python()
    assert read[0] == ["姓名", "出生日期", "年龄", "分", "是", "注"]
    assert read[1] == ["张三", dt.date(1998, 5, 4), 17, 2.5, True, "x & <y>"]
    assert read[2][:3] == ["", "", "末"]


def test_every_part_is_well_formed_xml_and_the_content_types_come_first():
    content = streamed([Sheet("a", ["x"], [["<&>"]]), Sheet("b", [], [])])
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.namelist()[0] == "[Content_Types].xml"
    for name in archive.namelist():
        ET.fromstring(archive.read(name))
    assert {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/styles.xml"} <= set(archive.namelist())


def test_the_header_stays_in_view():
    ws = load_workbook(io.BytesIO(streamed([Sheet("a", ["名称"], [["x"]])]))).active
    assert ws.freeze_panes == "A2"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+2", "'=1+2"),
        ("+86 138", "'+86 138"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a\r\nb", "a\r\nb"),
        ("团支部", "团支部"),
        (-5, -5),
        ("a\x01b\x0bc\x1f", "abc"),  # no XML 1.0 document can carry these
        ("lone \ud800 surrogate", "lone  surrogate"),
        (math.nan, "nan"),
        (decimal.Decimal("Infinity"), "Infinity"),
        (dt.date(1899, 12, 31), "1899-12-31"),  # before Excel's first day: kept as text
        (dt.datetime(1066, 10, 14, 9, 0), "1066-10-14 09:00:00"),
        (uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001"),
        (mark_safe("<b>安全</b>"), "<b>安全</b>"),
        (gettext_lazy("Yes"), "是"),  # in the language of the site
    ],
)
def test_each_value_reads_back_as_written(value, expected):
    ws = load_workbook(io.BytesIO(streamed([Sheet("a", ["h"], [[value]])]))).active
    assert ws["A2"].value == expected


def test_subclasses_are_written_as_their_base_type():
    class Level(enum.IntEnum):
        HIGH = 3

    class Day(dt.date):
        pass

    ws = load_workbook(io.BytesIO(streamed([Sheet("a", ["h"], [[Level.HIGH, Day(2026, 7, 1)]])]))).active
    assert ws["A2"].value == 3 and ws["A2"].data_type == "n"
    assert ws["B2"].value == dt.datetime(2026, 7, 1) and ws["B2"].number_format == "yyyy-mm-dd"


def test_text_longer_than_a_cell_holds_is_cut_to_fit():
    ws = load_workbook(io.BytesIO(streamed([Sheet("a", ["h"], [["长" * (MAX_CELL_TEXT + 10)]])]))).active
    assert ws["A2"].value == "长" * MAX_CELL_TEXT


def test_excel_day_numbers_keep_its_1900_leap_year():
    assert date_serial(dt.date(1900, 1, 1)) == 1
    assert date_serial(dt.date(1900, 2, 28)) == 59
    assert date_serial(dt.date(1900, 3, 1)) == 61
    assert date_serial(dt.date(2026, 11, 30)) == 46356
    assert date_serial(dt.date(1899, 12, 31)) is None


def test_titles_are_made_acceptable_and_unique():
    sheets = [Sheet(title, ["h"], [[1]]) for title in ("成员/名单[2026]", "成员", "成员", "x" * 40, "", "'q'")]
    titles = load_workbook(io.BytesIO(streamed(sheets))).sheetnames
    assert titles == ["成员_名单_2026_", "成员", "成员1", "x" * 31, "Sheet", "q"]


def test_no_sheets_still_make_a_workbook_that_opens():
    content, written = write_workbook([])
    assert written == 0 and load_workbook(io.BytesIO(content)).sheetnames == ["空"]


def test_rows_longer_than_the_header_are_written_whole():
    ws = load_workbook(io.BytesIO(streamed([Sheet("a", ["h"], [list(range(30))])]))).active
    assert [c.value for c in ws[2]] == list(range(30)) and ws["AD2"].value == 29


def test_progress_counts_rows_across_sheets():
    seen = []
    _, written = write_workbook(
        [Sheet("a", ["h"], [[i] for i in range(5)]), Sheet("b", ["h"], [[i] for i in range(4)])],
        progress=seen.append,
        progress_every=3,
    )
    assert written == 9 and seen == [3, 6, 9, 9]


def test_a_workbook_opened_for_one_sheet_refuses_a_second():
    with pytest.raises(ValueError), WorkbookStream(io.BytesIO(), sheet_count=1) as workbook:
        workbook.sheet("a", ["h"], [])
        workbook.sheet("b", ["h"], [])


def test_many_rows_stream_in_chunks_and_all_arrive():
    rows = ([i, f"成员{i}", dt.date(2000, 1, 1) + dt.timedelta(days=i)] for i in range(2_345))
    content, written = write_workbook([Sheet("a", ["n", "名", "日"], rows)])
    ws = load_workbook(io.BytesIO(content), read_only=True).active
    read = list(ws.iter_rows(min_row=2, values_only=True))
    assert written == 2_345 and len(read) == 2_345
    assert read[-1] == (2_344, "成员2344", dt.datetime(2000, 1, 1) + dt.timedelta(days=2_344))


# --- Sheets laid out to be read and printed (the report's annex) -----------------------------

LAID_OUT = SheetLayout(
    caption=("某区团委统计附表——按组织", "编制单位：某区团委"),
    grouped_numbers=True,
    autofilter=True,
    fit_widths=True,
    orientation="landscape",
)


def laid_out() -> bytes:
    rows = [
        ["甲街道团工委", 28152.0, decimal.Decimal("12.50"), Link("https://portal.example/activities/?a=1&b=2")],
        ["乙", 1234567, 0.25, Link("https://portal.example/x", "查看")],
        ["丙", None, decimal.Decimal("3"), None],
    ]
    return streamed(
        [Sheet("按组织", ["组织名称", "场次", "时长", "来源"], rows, layout=LAID_OUT), Sheet("b", ["h"], [[1.0]])]
    )


def test_a_caption_sits_above_the_header_which_stays_in_view():
    ws = load_workbook(io.BytesIO(laid_out()))["按组织"]
    assert ws["A1"].value == "某区团委统计附表——按组织" and ws["A1"].font.b and ws["A1"].font.sz == 14
    assert ws["A2"].value == "编制单位：某区团委" and not ws["A2"].font.b
    assert [c.value for c in ws[3]] == ["组织名称", "场次", "时长", "来源"] and ws["A3"].font.b
    assert ws.freeze_panes == "A4"


def test_grouped_numbers_write_integers_as_integers():
    ws = load_workbook(io.BytesIO(laid_out()))["按组织"]
    assert (ws["B4"].value, ws["B4"].number_format) == (28152, "#,##0") and type(ws["B4"].value) is int
    assert (ws["B5"].value, ws["B5"].number_format) == (1234567, "#,##0")
    assert (ws["C4"].value, ws["C4"].number_format) == (12.5, "#,##0.0")
    assert (ws["C6"].value, ws["C6"].number_format) == (3, "#,##0")
    # A plain sheet is written as before: 1.0 stays a float in the General format.
    plain = load_workbook(io.BytesIO(laid_out()))["b"]
    assert plain["A2"].number_format == "General"


def test_filter_print_setup_and_links():
    content = laid_out()
    ws = load_workbook(io.BytesIO(content))["按组织"]
    assert ws.auto_filter.ref == "A3:D6"
    assert ws.print_title_rows == "$3:$3"
    assert (ws.page_setup.paperSize, ws.page_setup.orientation) == (9, "landscape")
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws["D4"].value == "https://portal.example/activities/?a=1&b=2"
    assert ws["D4"].hyperlink.target == "https://portal.example/activities/?a=1&b=2"
    assert ws["D5"].value == "查看" and ws["D5"].hyperlink.target == "https://portal.example/x"
    archive = zipfile.ZipFile(io.BytesIO(content))
    for name in archive.namelist():
        ET.fromstring(archive.read(name))
    read = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name("按组织").to_python()
    assert read[2] == ["组织名称", "场次", "时长", "来源"] and read[3][0] == "甲街道团工委"
    plain = load_workbook(io.BytesIO(content))["b"]
    assert plain.auto_filter.ref is None and plain.print_title_rows is None


def test_fitted_widths_follow_the_longest_value():
    ws = load_workbook(io.BytesIO(laid_out()))["按组织"]
    widths = {k: d.width for k, d in ws.column_dimensions.items() if d.customWidth}
    assert widths["A"] == len("甲街道团工委") * 2 + 2
    assert widths["B"] == len("1,234,567") + 2
    assert widths["D"] == len("https://portal.example/activities/?a=1&b=2") + 2
