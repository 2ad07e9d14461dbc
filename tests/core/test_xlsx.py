import datetime as dt
import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from core import xlsx
from core.xlsx import TemplateColumn, read_sheet, write_template

from .. import xlsx_damage


def workbook_bytes(rows) -> io.BytesIO:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_cells_are_read_as_text_and_numbers_are_flagged():
    data = read_sheet(
        workbook_bytes(
            [
                ["姓名", "身份证号", "出生日期", "人数"],
                ["张三", "45020220000101123X", dt.date(2000, 1, 1), 12],
                [None, None, None, None],  # blank rows are skipped
                ["李四", 450202200001011234, "2000-01-01", 3.0],
            ]
        ),
        required=["姓名", "身份证号"],
    )
    assert data.letters == {"姓名": "A", "身份证号": "B", "出生日期": "C", "人数": "D"}
    first, second = data.rows
    assert first.number == 2 and second.number == 4
    assert first.values == {"姓名": "张三", "身份证号": "45020220000101123X", "出生日期": "2000-01-01", "人数": "12"}
    assert "身份证号" not in first.numeric
    # An ID typed into a number cell is reported as numeric so the importer can refuse it.
    assert "身份证号" in second.numeric and second.values["人数"] == "3"


def test_missing_required_headers_are_named():
    with pytest.raises(ValidationError, match="身份证号"):
        read_sheet(workbook_bytes([["姓名"], ["张三"]]), required=["姓名", "身份证号"])


def test_too_many_rows_is_refused():
    with pytest.raises(ValidationError) as exc:
        read_sheet(workbook_bytes([["姓名"], *[[f"人{i}"] for i in range(11)]]), max_rows=10)
    assert exc.value.code == "too_many_rows"


def test_unreadable_file_is_a_validation_error():
    with pytest.raises(ValidationError):
        read_sheet(io.BytesIO(b"PK\x03\x04 not really a workbook"))


def test_template_has_text_columns_and_notes():
    content = write_template(
        [TemplateColumn("姓名", required=True), TemplateColumn("身份证号", text=True, note="18位，末位可为X")],
        title="团员名册",
    )
    sheet = load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet[1]] == ["姓名", "身份证号"]
    assert sheet["B2"].number_format == "@" and sheet["B500"].number_format == "@"
    assert sheet["A2"].number_format != "@"
    assert "18位" in sheet["B1"].comment.text


# --- Two readers, one result ---------------------------------------------------------------
# calamine reads plainly written workbooks; openpyxl streams the rest (see core.xlsx._plain_extent).


def varied_workbook(origin: str = "A1") -> io.BytesIO:
    """Headers at ``origin`` and rows of every kind of value a roster meets."""
    wb = Workbook()
    ws = wb.active
    rows = [
        ["姓名", "身份证号", "出生日期", "时间", "人数", "比例", "是否", "备注"],
        ["  张三 ", "45020220000101123X", dt.date(2000, 1, 2), dt.datetime(2000, 1, 2, 8, 30), 12, 0.25, True, None],
        [None, None, None, None, None, None, None, None],
        ["李四", 450202200001011234, "2000-01-01", dt.time(12, 30), 3.0, -1.5, False, "=1+1"],
        ["王五", "", dt.datetime(1999, 12, 31), "", 0, 1e20, "", "多 行\n文本"],
    ]
    column = ws[origin].column
    for r, values in enumerate(rows, start=ws[origin].row):
        for c, value in enumerate(values, start=column):
            ws.cell(row=r, column=c, value=value)
    return _saved(wb)


def _saved(wb) -> io.BytesIO:
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def _read_both(upload, monkeypatch, **kwargs):
    fast = read_sheet(upload, **kwargs)
    with monkeypatch.context() as patched:
        patched.setattr(xlsx, "DENSE_CELLS_LIMIT", 0)  # every sheet too big for calamine
        patched.setattr(xlsx, "CalamineWorkbook", None)  # and any use of it would fail
        streamed = read_sheet(upload, **kwargs)
    return fast, streamed


def test_calamine_and_openpyxl_read_the_same_text(monkeypatch):
    assert xlsx._plain_extent(varied_workbook()) == (5, 8)  # plainly written: calamine reads it
    fast, streamed = _read_both(varied_workbook(), monkeypatch, required=["姓名"])
    assert fast == streamed
    first, second, third = fast.rows
    assert [r.number for r in fast.rows] == [2, 4, 5]
    assert first.values["姓名"] == "张三" and first.values["出生日期"] == "2000-01-02"
    assert first.values["时间"] == "2000-01-02 08:30:00" and first.values["比例"] == "0.25"
    assert first.values["是否"] == "是" and second.values["是否"] == "否"
    assert second.values["时间"] == "12:30:00" and second.values["人数"] == "3"
    assert second.values["备注"] == ""  # a formula never calculated has no value
    assert third.values["出生日期"] == "1999-12-31" and third.values["备注"] == "多 行\n文本"
    assert second.numeric == {"身份证号", "人数", "比例"}


def test_a_sheet_not_starting_at_a1_keeps_its_rows_and_columns(monkeypatch):
    fast, streamed = _read_both(varied_workbook("C1"), monkeypatch)
    assert fast == streamed
    assert fast.letters["姓名"] == "C" and fast.rows[0].values["姓名"] == "张三"
    # Headers below row 1 are no headers, on either path.
    for limit in (xlsx.DENSE_CELLS_LIMIT, 0):
        monkeypatch.setattr(xlsx, "DENSE_CELLS_LIMIT", limit)
        with pytest.raises(ValidationError) as exc:
            read_sheet(varied_workbook("B3"), required=["姓名"])
        assert exc.value.code == "headers"


def test_an_error_value_keeps_its_text_for_the_message():
    wb = Workbook()
    wb.active.append(["姓名", "出生日期"])
    wb.active.append(["张三", "#N/A"])  # openpyxl writes it as an error cell (t="e")
    upload = _saved(wb)
    assert xlsx._plain_extent(upload) is None
    assert read_sheet(upload).rows[0].values["出生日期"] == "#N/A"


def test_a_far_cell_is_measured_before_anything_allocates_for_it(monkeypatch):
    """One value at the sheet's last cell would make calamine allocate 16384 × 1048576 cells
    and abort the process: the extent is measured first, and the rows refused."""
    wb = Workbook()
    wb.active["A1"] = "姓名"
    wb.active["XFD1048576"] = "x"
    upload = _saved(wb)
    assert xlsx._plain_extent(upload) == (1_048_576, 16_384)
    monkeypatch.setattr(xlsx, "CalamineWorkbook", None)
    with pytest.raises(ValidationError) as exc:
        read_sheet(upload)
    assert exc.value.code == "too_many_rows" and "1048575 行" in exc.value.messages[0]


def test_a_wide_sheet_is_streamed_by_openpyxl(monkeypatch):
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名"])
    for i in range(200):
        ws.append([f"人{i}"])
    ws["XFD5"] = "远处的备注"
    upload = _saved(wb)
    rows, columns = xlsx._plain_extent(upload)
    assert rows * columns > xlsx.DENSE_CELLS_LIMIT
    monkeypatch.setattr(xlsx, "CalamineWorkbook", None)
    data = read_sheet(upload)
    assert len(data.rows) == 200 and data.rows[-1].values == {"姓名": "人199"}


def _rewritten(upload: io.BytesIO, part: str, change) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(upload) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info, change(content) if info.filename == part else content)
    out.seek(0)
    return out


def test_cells_without_positions_are_read_in_order(monkeypatch):
    """Positions are optional in the file format: such a sheet cannot be measured by its
    references, so openpyxl reads it."""
    upload = _rewritten(
        varied_workbook(), "xl/worksheets/sheet1.xml", lambda xml: re.sub(rb' r="[A-Z]+[0-9]+"', b"", xml)
    )
    assert xlsx._plain_extent(upload) is None
    monkeypatch.setattr(xlsx, "CalamineWorkbook", None)
    data = read_sheet(upload, required=["姓名"])
    assert [r.values["姓名"] for r in data.rows] == ["张三", "李四", "王五"]


def test_a_part_with_odd_cells_anywhere_sends_the_file_to_openpyxl():
    def prefixed(xml):
        return xml.replace(b"<c ", b"<x:c ")

    upload = _rewritten(varied_workbook(), "xl/worksheets/sheet1.xml", prefixed)
    assert xlsx._plain_extent(upload) is None


def test_too_many_rows_is_refused_before_reading_on_either_path(monkeypatch):
    upload = workbook_bytes([["姓名"], *[[f"人{i}"] for i in range(11)]])
    for reader in ("calamine", "openpyxl"):
        with monkeypatch.context() as patched:
            if reader == "openpyxl":
                patched.setattr(xlsx, "DENSE_CELLS_LIMIT", 0)
            with pytest.raises(ValidationError) as exc:
                read_sheet(upload, max_rows=10)
        assert exc.value.code == "too_many_rows" and "11 行" in exc.value.messages[0], reader


def test_a_corrupt_part_is_unreadable_not_a_crash():
    good = varied_workbook().getvalue()
    damaged = io.BytesIO(good[: len(good) // 2] + bytes(len(good) // 2))
    with pytest.raises(ValidationError) as exc:
        read_sheet(damaged)
    assert exc.value.code == "unreadable"


def test_a_damaged_compressed_part_is_unreadable_not_a_crash():
    """The archive's directory is intact, the sheet's compressed bytes are not."""
    good = varied_workbook().getvalue()
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    header = good[info.header_offset : info.header_offset + 30]
    start = info.header_offset + 30 + int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little")
    damaged = bytearray(good)
    damaged[start + 10 : start + 60] = bytes(range(50))
    with pytest.raises(ValidationError) as exc:
        read_sheet(io.BytesIO(bytes(damaged)))
    assert exc.value.code == "unreadable"


# --- Damaged and hostile sheets -------------------------------------------------------------


def _long_workbook(rows: int = 300) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "备注"])
    for i in range(rows):
        ws.append([f"人{i}", f"45020220000101{i:04d}", "备注"])
    return _saved(wb)


@pytest.mark.parametrize("positions", ["plain", "none"])
def test_a_sheet_garbled_after_its_first_rows_is_unreadable_on_either_path(positions, monkeypatch):
    """openpyxl parses a read-only sheet lazily: the XML error comes while the rows are read."""

    def damage(xml):
        if positions == "none":  # no cell positions: streamed by openpyxl
            xml = re.sub(rb' r="[A-Z]+[0-9]+"', b"", xml)
        return xlsx_damage.garbled_after_first_rows(xml)

    upload = _rewritten(_long_workbook(), "xl/worksheets/sheet1.xml", damage)
    for limit in (xlsx.DENSE_CELLS_LIMIT, 0):  # calamine where it may, then openpyxl throughout
        monkeypatch.setattr(xlsx, "DENSE_CELLS_LIMIT", limit)
        with pytest.raises(ValidationError) as exc:
            read_sheet(upload, required=["姓名"])
        assert exc.value.code == "unreadable", (positions, limit)


def test_an_error_while_reading_rows_is_unreadable_whatever_its_kind(monkeypatch):
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    monkeypatch.setattr(xlsx, "DENSE_CELLS_LIMIT", 0)
    for error in (KeyError("rId9"), ValueError("bad date"), zipfile.BadZipFile("crc"), EOFError()):

        def failing(self, *args, error=error, **kwargs):
            yield ("姓名",)
            raise error

        monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", failing)
        with pytest.raises(ValidationError) as exc:
            read_sheet(_long_workbook(3), required=["姓名"])
        assert exc.value.code == "unreadable", error


def hostile_workbook(rows: int = 49_000, dimension: bytes | None = b"A1:XFD49000") -> io.BytesIO:
    return xlsx_damage.hostile_workbook(["姓名", "身份证号码", "人员类别"], ["人", "110101200001011234", "团员"],
                                        rows=rows, dimension=dimension)  # fmt: skip


def _spy_rows(monkeypatch) -> list[int | None]:
    """Record the width openpyxl is asked to read each row at (its max_col)."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    widths: list[int | None] = []
    original = ReadOnlyWorksheet._get_row

    def spying(self, row, min_col=1, max_col=None, values_only=False):
        widths.append(max_col)
        return original(self, row, min_col, max_col, values_only)

    monkeypatch.setattr(ReadOnlyWorksheet, "_get_row", spying)
    return widths


def test_a_sheet_declaring_every_column_is_refused_before_any_row_is_read(monkeypatch):
    upload = hostile_workbook()
    assert len(upload.getvalue()) < 400 * 1024 and xlsx._plain_extent(upload) is None
    widths = _spy_rows(monkeypatch)
    with pytest.raises(ValidationError) as exc:
        read_sheet(upload, required=["姓名"], max_columns=15)
    assert exc.value.code == "too_wide"
    assert exc.value.messages == [
        "工作表的列数过多（16384 列），超出模板的列数太多。请使用平台提供的模板，删除多余的列后重新上传。"
    ]
    assert widths == []


def test_only_the_allowed_columns_are_read_whatever_the_cells_say(monkeypatch):
    """No <dimension>, positions in single quotes (openpyxl reads them) and a note in the last
    column: rows are read 15 columns wide, never 16,384."""
    wb = Workbook()
    wb.active.append(["姓名", "备注"])
    for i in range(50):
        wb.active.append([f"人{i}", "x"])
    wb.active["XFD7"] = "远处"

    def edit(xml):
        xml = re.sub(rb"<dimension [^>]*/>", b"", xml)
        return re.sub(rb' r="([A-Z]+[0-9]+)"', rb" r='\1'", xml)

    upload = _rewritten(_saved(wb), "xl/worksheets/sheet1.xml", edit)
    assert xlsx._plain_extent(upload) is None
    widths = _spy_rows(monkeypatch)
    data = read_sheet(upload, required=["姓名"], max_columns=15)
    assert len(data.rows) == 50 and data.rows[5].values == {"姓名": "人5", "备注": "x"}
    assert widths and set(widths) == {15}


def test_a_plain_sheet_wider_than_allowed_is_refused_before_it_is_read(monkeypatch):
    wb = Workbook()
    wb.active.append(["姓名"])
    wb.active["AZ3"] = "远处"
    assert read_sheet(_saved(wb)).headers == ["姓名"]  # without a limit it is read
    monkeypatch.setattr(xlsx, "CalamineWorkbook", None)  # with one, never opened
    with pytest.raises(ValidationError) as exc:
        read_sheet(_saved(wb), max_columns=15)
    assert exc.value.code == "too_wide" and "52 列" in exc.value.messages[0]


def test_cells_without_positions_beyond_the_allowed_width_are_refused_unread(monkeypatch):
    """Rows of 100 cells and no <dimension>: the cells are counted before openpyxl parses any."""
    wb = Workbook()
    for _ in range(20):
        wb.active.append(["值"] * 100)
    upload = _rewritten(_saved(wb), "xl/worksheets/sheet1.xml", lambda xml: re.sub(rb' r="[A-Z]+[0-9]+"', b"", xml))
    widths = _spy_rows(monkeypatch)
    with pytest.raises(ValidationError) as exc:
        read_sheet(upload, max_columns=15, max_rows=100)
    assert exc.value.code == "too_wide" and widths == []


def test_a_dimension_that_understates_the_rows_loses_none_of_them(monkeypatch):
    upload = hostile_workbook(rows=40, dimension=b"A1:C10")
    monkeypatch.setattr(xlsx, "CalamineWorkbook", None)
    data = read_sheet(upload, required=["姓名"], max_columns=15)
    assert len(data.rows) == 40 and data.rows[-1].number == 41


# --- headers by name ------------------------------------------------------------------------


def test_headers_are_normalised_as_people_and_other_systems_write_them():
    from core.xlsx import normalise_header

    for written in ("姓名", " 姓 名 ", "姓名（必填）", "*姓名", "姓名*", "＊姓名：", "姓名(必填)", "姓　名※"):
        assert normalise_header(written) == "姓名", written


def test_with_synonyms_the_header_row_is_found_below_a_title_and_columns_by_name():
    synonyms = {
        "姓名": "姓名",
        "身份证号码": "身份证号码",
        "证件号码": "身份证号码",
        "手机号码": "手机",
        "联系电话": "手机",
    }
    upload = workbook_bytes(
        [
            ["某某团委团员名单"],
            [],
            ["序号", "联系电话", "政治面貌", "证件号码（必填）", "姓名", "手机号码"],
            [1, "13900001111", "共青团员", "45020220000101123X", "张三", None],
            [2, "", "群众", "450202200001011234", "李四", "13800138000"],
        ]
    )
    data = read_sheet(upload, required=["姓名", "身份证号码"], synonyms=synonyms)
    assert data.header_row == 3 and data.ignored == ["序号", "政治面貌"]
    assert data.columns == {
        "手机": [("联系电话", "B"), ("手机号码", "F")],
        "身份证号码": [("证件号码（必填）", "D")],
        "姓名": [("姓名", "E")],
    }
    first, second = data.rows
    assert first.number == 4 and first.values == {
        "手机": "13900001111",
        "身份证号码": "45020220000101123X",
        "姓名": "张三",
    }
    assert second.values["手机"] == "13800138000"  # the first non-empty of the two
    assert data.where(first, "手机") == ("联系电话", "B") and data.where(second, "手机") == ("手机号码", "F")
    assert data.where(first, "姓名") == ("姓名", "E") and data.where(first, "性别") == ("性别", "")


def test_with_synonyms_a_missing_column_is_named_with_where_it_was_looked_for():
    upload = workbook_bytes([["标题"], ["姓名", "备注"], ["张三", "x"]])
    with pytest.raises(ValidationError) as exc:
        read_sheet(upload, required=["姓名", ("身份证号码", "证件号码")], synonyms={"姓名": "姓名"})
    assert exc.value.messages == ["缺少表头：身份证号码或证件号码（表头应在前 10 行内）。请使用平台提供的模板。"]
