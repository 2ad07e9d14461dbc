"""Build roster workbooks the way a secretary would: from the downloaded template."""

import io
from datetime import date

from openpyxl import load_workbook

from members.services.imports import COLUMNS, member_import_template

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
    workbook = load_workbook(io.BytesIO(member_import_template()))
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


# The national system's (智慧团建) member export as committees download it: a title row and an
# export line above the headers, its own names and order, columns the portal does not keep.
NATIONAL_HEADERS = [
    "序号",
    "姓名（必填）",
    "性别",
    "民族",
    "政治面貌",
    "证件号码",
    "出生年月",
    "入团年月",
    "发展团员编号",
    "团员编号",
    "学历",
    "手机号码",
    "联系电话",
    "所在团组织",
    "是否团干部",
]


def national_row(name: str, birth: date, n: int, *, gender: str = "M", **cells) -> dict:
    row = {
        "姓名（必填）": name,
        "性别": "男" if gender == "M" else "女",
        "民族": "汉族",
        "政治面貌": "共青团员",
        "证件号码": make_id_number(birth, n, gender=gender),
        "出生年月": f"{birth:%Y-%m}",
        "是否团干部": "否",
    }
    row.update(cells)
    return row


def national_xlsx(rows: list[dict], *, headers: list[str] | None = None, title_rows: int = 2) -> bytes:
    """A workbook laid out as the national export: title rows, then headers, then one row each
    (values as given: str for text, numbers and dates as they are)."""
    from openpyxl import Workbook

    headers = headers or NATIONAL_HEADERS
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "团员信息"
    if title_rows:
        sheet.append(["共青团甲街道工作委员会团员名单"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    for _ in range(title_rows - 1):
        sheet.append(["导出时间：2024-06-30 10:15"])
    sheet.append(headers)
    for i, row in enumerate(rows, start=1):
        sheet.append([i if h == "序号" else row.get(h) for h in headers])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
