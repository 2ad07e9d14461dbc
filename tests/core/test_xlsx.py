import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from core.xlsx import TemplateColumn, read_sheet, write_template


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
