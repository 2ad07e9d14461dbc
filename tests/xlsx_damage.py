"""Damaged and hostile workbooks, built by editing a real one's parts with zipfile."""

import io
import re
import zipfile

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"


def saved(wb) -> io.BytesIO:
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def rewritten(upload: io.BytesIO | bytes, part: str, change) -> io.BytesIO:
    """A copy of the archive with ``part`` passed through ``change``."""
    source_bytes = upload if isinstance(upload, bytes) else upload.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source_bytes)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info, change(content) if info.filename == part else content)
    out.seek(0)
    return out


def without_positions(xml: bytes) -> bytes:
    """Cells without their r="B7" positions (optional in the format): openpyxl reads such a sheet."""
    return re.sub(rb' r="[A-Z]+[0-9]+"', b"", xml)


def garbled_after_first_rows(xml: bytes) -> bytes:
    """The sheet's XML as a tool that died mid-write leaves it: cut off inside the 5th row."""
    cut = xml.index(b"<row")
    for _ in range(4):
        cut = xml.index(b"<row", cut + 1)
    return xml[: cut + 20] + b"<c><v>1</v></row></sheetData"


def garbled_workbook(content: bytes | io.BytesIO) -> io.BytesIO:
    """``content`` with its first sheet garbled after four rows, streamed by openpyxl."""
    return rewritten(content, SHEET, lambda xml: garbled_after_first_rows(without_positions(xml)))


def hostile_workbook(
    headers: list[str], row: list[str], rows: int = 49_000, dimension: bytes | None = b"A1:XFD49000"
) -> io.BytesIO:
    """A sheet of ``rows`` copies of ``row`` whose cells carry no positions (so openpyxl reads
    it) and whose <dimension> claims every column Excel has: openpyxl pads each row it reads
    to the declared width, 16,384 cells. About 300 KB at 49,000 rows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(headers)
    for _ in range(rows):
        ws.append(row)

    def edit(xml):
        xml = re.sub(rb"<dimension [^>]*/>", b"", without_positions(xml))
        if dimension:
            xml = xml.replace(b"<sheetData>", b'<dimension ref="' + dimension + b'"/><sheetData>', 1)
        return xml

    return rewritten(saved(wb), SHEET, edit)
