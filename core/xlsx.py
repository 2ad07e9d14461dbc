"""Reading and writing .xlsx for imports: every cell as text, templates with text columns.

openpyxl parses XML through defusedxml when it is installed (it is, in requirements.txt).
Call ``core.uploads.validate_upload(..., allowed={XLSX})`` before reading an uploaded file.
"""

import datetime as dt
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

MAX_ROWS = 50_000
TEXT_FORMAT = "@"


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row number as Excel shows it
    values: dict[str, str]  # header → cell text ("" for empty)
    numeric: frozenset[str] = frozenset()  # headers whose cell held a number, not text

    def is_blank(self) -> bool:
        return not any(self.values.values())


@dataclass
class SheetData:
    headers: list[str]
    letters: dict[str, str]  # header → column letter, for "row R, column C" messages
    rows: list[SheetRow] = field(default_factory=list)


def cell_text(value) -> str:
    """The text of a cell as a person would read it, without float artefacts."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


def read_sheet(upload, *, required: list[str] | None = None, max_rows: int = MAX_ROWS) -> SheetData:
    """Read the first worksheet: row 1 holds the headers, later rows the data.

    Raises ValidationError for an unreadable workbook, missing required headers, or more
    than ``max_rows`` data rows (checked from the sheet's dimensions before reading rows,
    and again while reading, since the dimensions can be absent or wrong).
    """
    upload.seek(0)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise ValidationError("无法读取该 Excel 文件，请使用平台提供的模板。", code="unreadable") from exc
    try:
        sheet = workbook.worksheets[0]
        declared = sheet.max_row or 0
        if declared - 1 > max_rows:
            raise ValidationError(
                f"工作表行数过多（{declared - 1} 行），单次导入上限为 {max_rows} 行。", code="too_many_rows"
            )
        rows = sheet.iter_rows(values_only=True)
        header_cells = next(rows, None)
        if not header_cells:
            raise ValidationError("工作表为空：第 1 行应为表头。", code="empty")
        headers = [cell_text(h) for h in header_cells]
        while headers and not headers[-1]:
            headers.pop()
        letters = {h: get_column_letter(i + 1) for i, h in enumerate(headers) if h}
        missing = [h for h in (required or []) if h not in letters]
        if missing:
            raise ValidationError(f"缺少表头：{'、'.join(missing)}。请使用平台提供的模板。", code="headers")
        data = SheetData(headers=[h for h in headers if h], letters=letters)
        for number, cells in enumerate(rows, start=2):
            if number - 1 > max_rows:
                raise ValidationError(f"工作表行数过多，单次导入上限为 {max_rows} 行。", code="too_many_rows")
            values, numeric = {}, set()
            for i, header in enumerate(headers):
                if not header:
                    continue
                value = cells[i] if i < len(cells) else None
                values[header] = cell_text(value)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    numeric.add(header)
            row = SheetRow(number, values, frozenset(numeric))
            if not row.is_blank():
                data.rows.append(row)
        return data
    finally:
        workbook.close()


@dataclass(frozen=True)
class TemplateColumn:
    header: str
    width: int = 14
    text: bool = False  # formatted as text so IDs, phones and dates stay as typed
    required: bool = False
    note: str = ""  # shown as the header's comment: the format and an example


def write_template(columns: list[TemplateColumn], *, title: str, prepared_rows: int = 2000) -> bytes:
    """An import template: headers (required ones shaded), notes as comments, text-formatted columns."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    header_font = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FDE2E1")
    for i, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=i, value=column.header)
        cell.font = header_font
        cell.alignment = Alignment(horizontal="center")
        if column.required:
            cell.fill = required_fill
        if column.note:
            cell.comment = Comment(column.note, "区团委工作平台")
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = column.width
        if column.text:
            for row in range(2, prepared_rows + 2):
                sheet.cell(row=row, column=i).number_format = TEXT_FORMAT
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
