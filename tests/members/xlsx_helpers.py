"""Build roster workbooks the way a secretary would: from the downloaded template."""

import io
from datetime import date

from openpyxl import load_workbook

from members.services.imports import COLUMNS, template_bytes

from ..factories import make_id_number

HEADERS = [c.header for c in COLUMNS]


def roster_row(name: str, birth: date, n: int, *, gender: str = "M", **cells) -> dict:
    row = {
        "姓名": name,
        "身份证号码": make_id_number(birth, n, gender=gender),
        "人员类别": "团员",
        "出生日期": birth.isoformat(),
        "入团日期": "",
    }
    row.update(cells)
    return row


def roster_xlsx(rows: list[dict], *, headers: list[str] | None = None) -> bytes:
    """The template with ``rows`` filled in (values as given: str for text, numbers as numbers)."""
    workbook = load_workbook(io.BytesIO(template_bytes()))
    sheet = workbook.active
    headers = headers or HEADERS
    if headers != HEADERS:
        sheet.delete_rows(1)
        sheet.append(headers)
    for r, row in enumerate(rows, start=2):
        for c, header in enumerate(headers, start=1):
            value = row.get(header)
            if value not in (None, ""):
                sheet.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def raw_xlsx(rows: list[list[str]], *, dimension: bool = True) -> bytes:
    """A minimal workbook written by hand (fast for very large sheets), inline strings only.

    ``dimension`` writes the <dimension> element that Excel always writes, from which a
    reader learns the sheet's size before reading its rows.
    """
    import zipfile
    from xml.sax.saxutils import escape

    from openpyxl.utils import get_column_letter

    width = max((len(r) for r in rows), default=1)
    body = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(
            f'<c r="{get_column_letter(c)}{r}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
            for c, v in enumerate(row, start=1)
            if v
        )
        body.append(f'<row r="{r}">{cells}</row>')
    dim = f'<dimension ref="A1:{get_column_letter(width)}{len(rows)}"/>' if dimension else ""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{main}">{dim}<sheetData>{"".join(body)}</sheetData></worksheet>'
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()
