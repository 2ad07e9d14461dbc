"""Writing data exports as .xlsx: each sheet's XML streamed row by row into the zip.

An export is a table of plain values (text, numbers, dates) under a bold header, which is a
small corner of SpreadsheetML (ECMA-376 part 1, §18): a workbook, a stylesheet with four cell
formats, and one worksheet part per sheet. Written here rather than with openpyxl because
openpyxl builds an XML element per cell: on this project's 2-core machine its write-only mode
writes 5,500-14,500 rows of 14 cells a second, under the 15,000 the exports must reach (see
docs/benchmarks.md for the current figures; XlsxWriter and pyexcelerate were measured too). Files are read back through
openpyxl and calamine in tests/core/test_xlsx_stream.py, value for value.

Text is written as inline strings, as openpyxl's write-only mode does; text that starts like a
formula gets an apostrophe. Aware datetimes are written in local time. Characters XML 1.0
cannot carry (C0 controls other than tab and newlines, unpaired surrogates) are dropped; text
longer than a cell holds (32,767 characters) is cut. Dates before 1900 (which Excel cannot show
as dates) are written as ISO text. Values of other types are written as their ``str()``.

A sheet meant to be read and printed (the report's annex) can ask for more, each optional:
caption lines above the header, numbers grouped by thousands (``#,##0``, ``#,##0.0``), an
autofilter, widths fitted to the content (the rows are then held in memory: small sheets
only), A4 page setup with the header repeated on every printed page, and ``Link`` cells written
as hyperlinks.
"""

import datetime as dt
import decimal
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from django.utils import timezone
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32_767
MAX_TITLE = 31
FLUSH_ROWS = 500
# zlib's fastest level: a city's 500,000 members in 7.1 s and 46 MB, against 9.2 s and 38 MB at
# its default (6); openpyxl at 6 wrote them in 35 s.
COMPRESSION = 1

# Cell formats (cellXfs indices in STYLES); the number formats are openpyxl's defaults, so a
# file reads back the same whichever wrote it.
DATE, DATETIME, TIME, BOLD = 1, 2, 3, 4
# For sheets that ask for them: grouped integers (built-in format 3), grouped fractions, a
# caption's first line, a hyperlink.
INTEGER, FRACTION, CAPTION, LINK = 5, 6, 7, 8
INTEGER_FORMAT, FRACTION_FORMAT = "#,##0", "#,##0.0"
MIN_WIDTH, MAX_WIDTH = 6, 60
ORIENTATIONS = ("portrait", "landscape")

# Anything that needs more than copying: XML's three specials, \r (which a parser would turn
# into \n), characters XML cannot carry, and leading or trailing whitespace.
_NEEDS_CARE = re.compile(r"[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|^\s|\s$")
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_EXCEL_EPOCH_ORDINAL = dt.date(1899, 12, 30).toordinal()

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"

STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="4"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd h:mm:ss"/><numFmt numFmtId="166" formatCode="h:mm:ss"/>'
    f'<numFmt numFmtId="167" formatCode="{FRACTION_FORMAT}"/></numFmts>'
    '<fonts count="4"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="14"/><name val="Calibri"/><family val="2"/></font>'
    '<font><u/><sz val="11"/><color rgb="FF0563C1"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="9"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="167" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="3" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


@dataclass(frozen=True)
class Link:
    """A cell that is a hyperlink: ``text`` shown (the URL itself when empty), ``url`` opened."""

    url: str
    text: str = ""

    def __str__(self) -> str:
        return self.text or self.url


@dataclass(frozen=True)
class SheetLayout:
    """What a sheet meant to be read and printed asks of the writer (every part optional)."""

    caption: Sequence[str] = ()  # lines above the header; the first is the sheet's title
    grouped_numbers: bool = False  # #,##0 for integers, #,##0.0 for fractions; 28152.0 is 28152
    autofilter: bool = False
    fit_widths: bool = False  # widths from the content (rows held in memory)
    orientation: str = ""  # "portrait" or "landscape": A4, fitted to the width, header repeated


PLAIN = SheetLayout()


def text_xml(value: str) -> str:
    """``value`` as a cell's ``<t>`` element. Text a spreadsheet would take for a formula, were
    it typed or pasted, gets a leading apostrophe (CSV/formula injection)."""
    if value.startswith(FORMULA_PREFIXES):
        value = "'" + value
    if len(value) > MAX_CELL_TEXT:
        value = value[:MAX_CELL_TEXT]
    if _NEEDS_CARE.search(value) is None:
        return f"<t>{value}</t>"
    value = escape(_NOT_XML.sub("", value), {"\r": "&#13;"})
    return f'<t xml:space="preserve">{value}</t>'


def date_serial(value: dt.date) -> int | None:
    """Excel's day number for ``value`` (1900 date system, its leap-year bug included), or None
    before 1900, which Excel cannot show as a date."""
    if value.year < 1900:
        return None
    serial = value.toordinal() - _EXCEL_EPOCH_ORDINAL
    return serial - 1 if serial <= 60 else serial


def _day_fraction(value: dt.time | dt.datetime) -> float:
    seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1_000_000
    return seconds / 86_400


def cell_xml(ref: str, value, style: int = 0) -> str:
    """One ``<c>`` element, or "" for None (no cell). Exact types are checked from the commonest;
    subclasses (an IntEnum, a SafeString) are written as their base type, anything else as text."""
    kind = type(value)
    if kind is str:
        return _text_cell(ref, value, style)
    if value is None:
        return ""
    if kind is int or kind is float or kind is decimal.Decimal:
        if kind is not int and not (value.is_finite() if kind is decimal.Decimal else math.isfinite(value)):
            return _text_cell(ref, str(value), style)
        s = f' s="{style}"' if style else ""
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>' if kind is float else f'<c r="{ref}"{s}><v>{value}</v></c>'
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if kind is dt.datetime and value.tzinfo is not None:
        return cell_xml(ref, timezone.localtime(value).replace(tzinfo=None), style)
    if kind is dt.date or kind is dt.datetime:
        serial = date_serial(value if kind is dt.date else value.date())
        if serial is None:
            return _text_cell(ref, value.isoformat(sep=" ") if kind is dt.datetime else value.isoformat(), style)
        if kind is dt.date:
            return f'<c r="{ref}" s="{DATE}"><v>{serial}</v></c>'
        return f'<c r="{ref}" s="{DATETIME}"><v>{serial + _day_fraction(value)!r}</v></c>'
    if kind is dt.time:
        return f'<c r="{ref}" s="{TIME}"><v>{_day_fraction(value)!r}</v></c>'
    return cell_xml(ref, _as_written_type(value), style)


def _as_written_type(value):
    for number in (int, float, decimal.Decimal):
        if isinstance(value, number):
            return number(value)
    if isinstance(value, dt.datetime):
        return dt.datetime.combine(value.date(), value.timetz())
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    if isinstance(value, dt.time):
        return dt.time(value.hour, value.minute, value.second, value.microsecond)
    text = str(value)
    return str.__str__(text)  # an exact str even where __str__ gave a subclass


def _text_cell(ref: str, value: str, style: int) -> str:
    s = f' s="{style}"' if style else ""
    if not value:
        # An empty cell that is still there, as openpyxl writes "": a reader that sizes rows
        # from their last cell keeps the row's full width.
        return f'<c r="{ref}"{s} t="inlineStr"/>'
    return f'<c r="{ref}"{s} t="inlineStr"><is>{text_xml(value)}</is></c>'


def display_width(value) -> int:
    """Columns a value takes in a spreadsheet's default font: a CJK character counts two."""
    if value is None:
        return 0
    if isinstance(value, bool):
        text = "TRUE"
    elif isinstance(value, int):
        text = f"{value:,}"
    elif isinstance(value, float | decimal.Decimal):
        text = f"{value:,.1f}"
    elif isinstance(value, dt.datetime):
        text = "yyyy-mm-dd hh:mm:ss"
    elif isinstance(value, dt.date):
        text = "yyyy-mm-dd"
    else:
        text = str(value)
    longest = max(text.split("\n"), key=len) if text else ""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in longest)


def _grouped(value):
    """A number as a grouped-numbers sheet writes it: integral values as integers."""
    kind = type(value)
    if kind is float and value.is_integer():
        return int(value)
    if kind is decimal.Decimal and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return value


def _grouped_cell(ref: str, value) -> str:
    value = _grouped(value)
    kind = type(value)
    if kind is int:
        return cell_xml(ref, value, INTEGER)
    if kind is float or kind is decimal.Decimal:
        return cell_xml(ref, value, FRACTION)
    return cell_xml(ref, value)


def sheet_title(title: str, taken: set[str]) -> str:
    """A title Excel accepts: no ``[]:*?/\\``, at most 31 characters, unique in the workbook
    regardless of case (a number is added as openpyxl does), not blank."""
    base = _TITLE_FORBIDDEN.sub("_", str(title)).strip("'").strip() or "Sheet"
    base = base[:MAX_TITLE]
    candidate, n = base, 0
    while candidate.casefold() in taken:
        n += 1
        suffix = str(n)
        candidate = base[: MAX_TITLE - len(suffix)] + suffix
    taken.add(candidate.casefold())
    return candidate


# A4 (paperSize 9), fitted to one page wide; page numbers at the foot.
_PRINT_SETUP = (
    '<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
    '<pageSetup paperSize="9" orientation="{orientation}" fitToWidth="1" fitToHeight="0"/>'
    "<headerFooter><oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter></headerFooter>"
)


_HIDDEN = ' hidden="1"'


def _quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _dollar(ref: str) -> str:
    letters = ref.rstrip("0123456789")
    return f"{letters}${ref[len(letters) :]}"


def _fitted_widths(header: Sequence, rows: list[list], minimum: Sequence[float]) -> list[float]:
    columns = max([len(header), len(minimum), *(len(row) for row in rows)] or [0])
    widths = [float(minimum[i]) if i < len(minimum) and minimum[i] else 0.0 for i in range(columns)]
    for row in [header, *rows]:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], display_width(_grouped(value)) + 2)
    return [min(max(width, MIN_WIDTH), MAX_WIDTH) for width in widths]


class WorkbookStream:
    """An .xlsx written into ``target`` (a path or a binary file object) sheet by sheet.

    Use as a context manager; call ``sheet(...)`` once per sheet, in order. The number of sheets
    is given first so that ``[Content_Types].xml`` can open the archive, where tools that sniff a
    file's type look for it."""

    def __init__(self, target, *, sheet_count: int, compresslevel: int = COMPRESSION):
        self._zip = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        self._count = max(sheet_count, 1)
        self._titles: list[str] = []
        self._names: list[tuple[str, int, str]] = []  # defined names: (name, sheet number, reference)
        self._write_package_parts()

    def __enter__(self):
        return self

    def __exit__(self, kind, error, trace):
        if error is None:
            self.close()
        else:
            self._zip.close()

    def sheet(
        self,
        title: str,
        header: Sequence,
        rows: Iterable[Sequence],
        *,
        widths: Sequence[float] = (),
        layout: SheetLayout = PLAIN,
    ) -> None:
        """Write one sheet: ``layout.caption`` lines, then ``header`` in bold (kept in view when
        scrolling), then ``rows``."""
        if len(self._titles) >= self._count:
            raise ValueError(f"this workbook was opened for {self._count} sheet(s)")
        if layout.orientation and layout.orientation not in ORIENTATIONS:
            raise ValueError(f"orientation must be one of {ORIENTATIONS}")
        self._titles.append(sheet_title(title, {taken.casefold() for taken in self._titles}))
        index = len(self._titles)
        if layout.fit_widths:
            rows = [list(row) for row in rows]
            widths = _fitted_widths(header, rows, widths)
        letters = [get_column_letter(i) for i in range(1, max(len(header), len(widths), 1) + 1)]
        header_row = len(layout.caption) + 1 if header else 0
        links: list[tuple[str, str]] = []
        cell = _grouped_cell if layout.grouped_numbers else cell_xml
        with self._zip.open(f"xl/worksheets/sheet{index}.xml", "w") as part:
            part.write(self._sheet_head(widths, header_row=header_row, layout=layout).encode())
            for number, line in enumerate(layout.caption, 1):
                style = CAPTION if number == 1 else 0
                part.write(f'<row r="{number}">{cell_xml(f"A{number}", str(line), style)}</row>'.encode())
            if header:
                cells = "".join(cell_xml(f"{letters[i]}{header_row}", value, BOLD) for i, value in enumerate(header))
                part.write(f'<row r="{header_row}">{cells}</row>'.encode())
            number = (header_row or len(layout.caption)) + 1
            width = len(header)
            chunk = []
            for row in rows:
                if len(row) > len(letters):
                    letters += [get_column_letter(i) for i in range(len(letters) + 1, len(row) + 1)]
                width = max(width, len(row))
                cells = []
                for i, value in enumerate(row):
                    ref = f"{letters[i]}{number}"
                    if type(value) is Link:
                        links.append((ref, value.url))
                        cells.append(cell_xml(ref, str(value), LINK))
                    else:
                        cells.append(cell(ref, value))
                chunk.append(f'<row r="{number}">{"".join(cells)}</row>')
                number += 1
                if len(chunk) == FLUSH_ROWS:
                    part.write("".join(chunk).encode())
                    chunk.clear()
            part.write(("".join(chunk) + "</sheetData>").encode())
            last = f"{letters[max(width, 1) - 1]}{max(number - 1, header_row)}"
            if layout.autofilter and header:
                self._names.append(
                    ("_xlnm._FilterDatabase", index, f"{_quoted(self._titles[-1])}!$A${header_row}:${_dollar(last)}")
                )
                part.write(f'<autoFilter ref="A{header_row}:{last}"/>'.encode())
            if links:
                refs = "".join(f'<hyperlink ref="{ref}" r:id="rId{n}"/>' for n, (ref, _) in enumerate(links, 1))
                part.write(f"<hyperlinks>{refs}</hyperlinks>".encode())
            if layout.orientation:
                part.write(_PRINT_SETUP.format(orientation=layout.orientation).encode())
                if header:
                    self._names.append(
                        ("_xlnm.Print_Titles", index, f"{_quoted(self._titles[-1])}!${header_row}:${header_row}")
                    )
            part.write(b"</worksheet>")
        if links:
            rels = "".join(
                f'<Relationship Id="rId{n}" Type="{_DOC_RELS}/hyperlink" '
                f'Target={quoteattr(url)} TargetMode="External"/>'
                for n, (_, url) in enumerate(links, 1)
            )
            self._zip.writestr(
                f"xl/worksheets/_rels/sheet{index}.xml.rels",
                f'{_XML}<Relationships xmlns="{_PKG_RELS}">{rels}</Relationships>',
            )

    def close(self) -> None:
        while len(self._titles) < self._count:
            self.sheet("Sheet", (), ())
        sheets = "".join(
            f'<sheet name={quoteattr(title)} sheetId="{i}" r:id="rId{i}"/>' for i, title in enumerate(self._titles, 1)
        )
        names = "".join(
            f'<definedName name="{name}" localSheetId="{index - 1}"{_HIDDEN if "Filter" in name else ""}>'
            f"{escape(ref)}</definedName>"
            for name, index, ref in self._names
        )
        self._zip.writestr(
            "xl/workbook.xml",
            f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}"><bookViews><workbookView/></bookViews>'
            f"<sheets>{sheets}</sheets>{f'<definedNames>{names}</definedNames>' if names else ''}</workbook>",
        )
        self._zip.close()

    def _sheet_head(self, widths, *, header_row: int, layout: SheetLayout) -> str:
        below = header_row + 1
        view = (
            f'<pane ySplit="{header_row}" topLeftCell="A{below}" activePane="bottomLeft" state="frozen"/>'
            f'<selection pane="bottomLeft" activeCell="A{below}" sqref="A{below}"/>'
            if header_row
            else ""
        )
        sheet_pr = '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if layout.orientation else ""
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>' for i, width in enumerate(widths, 1) if width
        )
        return (
            f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}">{sheet_pr}'
            f'<sheetViews><sheetView workbookViewId="0">{view}</sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/>{f"<cols>{cols}</cols>" if cols else ""}<sheetData>'
        )

    def _write_package_parts(self) -> None:
        sheets = range(1, self._count + 1)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in sheets
        )
        self._zip.writestr(
            "[Content_Types].xml",
            f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}"
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
            "</Types>",
        )
        self._zip.writestr(
            "_rels/.rels",
            f'{_XML}<Relationships xmlns="{_PKG_RELS}">'
            f'<Relationship Id="rId1" Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" '
            'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
            'Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_DOC_RELS}/extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>",
        )
        created = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self._zip.writestr(
            "docProps/core.xml",
            f"{_XML}<cp:coreProperties "
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>'
            "</cp:coreProperties>",
        )
        self._zip.writestr(
            "docProps/app.xml",
            f'{_XML}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>youthleague</Application></Properties>",
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in sheets
        )
        self._zip.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{_XML}<Relationships xmlns="{_PKG_RELS}">{rels}'
            f'<Relationship Id="rId{self._count + 1}" Type="{_DOC_RELS}/styles" Target="styles.xml"/>'
            "</Relationships>",
        )
        self._zip.writestr("xl/styles.xml", STYLES)
