"""Reading and writing .xlsx for imports: every cell as text, templates with text columns.

Sheets are read by calamine (python-calamine, Rust) when the file is plainly written, and by
openpyxl otherwise (see ``_plain_extent``). openpyxl parses XML through defusedxml when it is
installed (it is, in requirements.txt); calamine's XML reader expands no entities.
Call ``core.uploads.validate_upload(..., allowed={XLSX})`` before reading an uploaded file.
"""

import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineWorkbook, SheetTypeEnum

from .xlsx_stream import FORMULA_PREFIXES

MAX_ROWS = 50_000
# Columns a sheet may have beyond its template's (a 序号 column, a few notes of the sender's own)
# before it is refused unread; only that many columns of any row are ever read.
EXTRA_COLUMNS = 20
TEXT_FORMAT = "@"
# calamine holds a sheet as one grid of rows × columns (a few dozen bytes a cell) and aborts
# the whole process when it cannot allocate it; beyond this many cells openpyxl streams instead.
DENSE_CELLS_LIMIT = 2_000_000
PROGRESS_EVERY = 1000
# Sheets exported by other systems open with a title row or two: with synonyms, the header row
# is looked for among this many first rows.
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row number as Excel shows it
    values: dict[str, str]  # column → cell text ("" for empty)
    numeric: frozenset[str] = frozenset()  # columns whose cell held a number, not text
    # For a column the sheet has several headers for: which of them (its index in
    # SheetData.columns[column]) the value was taken from. None when no column has several.
    sources: Mapping[str, int] | None = None

    def is_blank(self) -> bool:
        return not any(self.values.values())


@dataclass
class SheetData:
    """A sheet's rows. Without synonyms a column is its header; with them, each column lists
    the sheet's headers that stand for it, and headers standing for none are ``ignored``."""

    headers: list[str]  # the sheet's own headers, in order
    letters: dict[str, str]  # header → column letter, for "row R, column C" messages
    rows: list[SheetRow] = field(default_factory=list)
    columns: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # column → [(header, letter)]
    ignored: list[str] = field(default_factory=list)  # headers standing for no column (not read)
    header_row: int = 1

    def where(self, row: SheetRow, column: str) -> tuple[str, str]:
        """The header and letter of the cell ``row`` took ``column`` from; (column, "") when the
        sheet has no such column."""
        found = self.columns.get(column)
        if not found:
            return column, ""
        index = row.sources.get(column, 0) if row.sources else 0
        return found[index]


def normalise_header(text: str) -> str:
    """A header reduced for matching, as people and other systems write them: full-width forms
    folded (NFKC), spaces dropped, required marks (*, ※, （必填）) and a trailing colon removed."""
    value = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    previous = None
    while value != previous:
        previous, value = value, _HEADER_MARKS.sub("", value)
    return value


_HEADER_MARKS = re.compile(r"^[*※]+|[*※:]+$|\((?:必填|必选|选填|可选|可不填)\)$")


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


def _too_many_rows(count: int | None, max_rows: int) -> ValidationError:
    counted = f"（{count} 行）" if count is not None else ""
    return ValidationError(f"工作表行数过多{counted}，单次导入上限为 {max_rows} 行。", code="too_many_rows")


def template_width(columns: list["TemplateColumn"]) -> int:
    """How many columns an upload of this template may have: its own and EXTRA_COLUMNS more."""
    return len(columns) + EXTRA_COLUMNS


Requirement = str | tuple[str, ...]  # a column, or alternatives of which any one will do


def read_sheet(
    upload,
    *,
    required: Sequence[Requirement] | None = None,
    max_rows: int = MAX_ROWS,
    max_columns: int | None = None,
    progress: Callable[[int], None] | None = None,
    synonyms: Mapping[str, str] | None = None,
) -> SheetData:
    """Read the first worksheet: a header row, then the data rows.

    Without ``synonyms`` row 1 holds the headers and each header is a column. With them (a
    normalised header → the column it stands for, see ``normalise_header``) the header row is
    the first of the first HEADER_SEARCH_ROWS rows to hold every required column, columns are
    found by header whatever their order, and only the cells of known columns are read; where
    several headers stand for one column, a row takes the first of them that is not empty.

    Raises ValidationError for an unreadable workbook (also when the damage only shows
    while the rows are read), missing required headers, more than ``max_rows`` data rows
    or more than ``max_columns`` columns. Both limits are checked from the sheet's extent
    before any row is read, and rows again while reading, since a declared extent can be
    absent or wrong; no row is ever read wider than ``max_columns``. ``progress`` is called
    with the number of rows read every PROGRESS_EVERY rows, and once at the end.
    """
    searched = HEADER_SEARCH_ROWS if synonyms is not None else 1
    with _sheet_rows(upload, max_rows, max_columns) as rows:
        layouts: list[_Layout] = []
        for cells in rows:
            layouts.append(_Layout.of(cells, len(layouts) + 1, synonyms))
            if not _missing(required, layouts[-1].data.columns) or len(layouts) == searched:
                break
        if not layouts:
            raise ValidationError("工作表为空：第 1 行应为表头。", code="empty")
        layout = layouts[-1]
        if missing := _missing(required, layout.data.columns):
            # Name what the likeliest header row lacks: the one with the most known headers.
            layout = max(layouts, key=lambda candidate: len(candidate.data.columns))
            missing = _missing(required, layout.data.columns)
            where = f"（表头应在前 {searched} 行内）" if searched > 1 else ""
            raise ValidationError(f"缺少表头：{'、'.join(missing)}{where}。请使用平台提供的模板。", code="headers")
        data, plan = layout.data, layout.plan
        header_row = number = data.header_row
        for number, cells in enumerate(rows, start=header_row + 1):
            if number - header_row > max_rows:
                raise _too_many_rows(None, max_rows)
            if progress is not None and number % PROGRESS_EVERY == 0:
                progress(number)
            values, numeric, sources = {}, set(), None
            width = len(cells)
            for column, indices in plan:
                if len(indices) == 1:
                    i = indices[0]
                    value = cells[i] if i < width else None
                    text = cell_text(value)
                else:
                    for n, i in enumerate(indices):
                        value = cells[i] if i < width else None
                        text = cell_text(value)
                        if text:
                            if n:
                                sources = sources or {}
                                sources[column] = n
                            break
                values[column] = text
                if isinstance(value, int | float) and not isinstance(value, bool):
                    numeric.add(column)
            row = SheetRow(number, values, frozenset(numeric), sources)
            if not row.is_blank():
                data.rows.append(row)
        if progress is not None:
            progress(number)
        return data


@dataclass
class _Layout:
    """A candidate header row: the sheet's columns as it names them, and which cells to read."""

    data: SheetData
    plan: list[tuple[str, list[int]]]  # column → the indices of its cells, in sheet order

    @classmethod
    def of(cls, cells, number: int, synonyms: Mapping[str, str] | None) -> "_Layout":
        headers = [cell_text(h) for h in cells]
        letters: dict[str, str] = {}
        columns: dict[str, list[tuple[str, str]]] = {}
        indices: dict[str, list[int]] = {}
        ignored: list[str] = []
        for i, header in enumerate(headers):
            if not header:
                continue
            letter = get_column_letter(i + 1)
            letters[header] = letter
            column = header if synonyms is None else synonyms.get(normalise_header(header))
            if column is None:
                ignored.append(header)
                continue
            columns.setdefault(column, []).append((header, letter))
            indices.setdefault(column, []).append(i)
        data = SheetData(
            headers=[h for h in headers if h],
            letters=letters,
            columns=columns,
            ignored=ignored,
            header_row=number,
        )
        return cls(data, list(indices.items()))


def _missing(required: Sequence[Requirement] | None, columns: Mapping) -> list[str]:
    missing = []
    for requirement in required or ():
        alternatives = (requirement,) if isinstance(requirement, str) else requirement
        if not any(a in columns for a in alternatives):
            missing.append("或".join(alternatives))
    return missing


@contextmanager
def _sheet_rows(upload, max_rows: int, max_columns: int | None) -> Iterator[Iterator[tuple | list]]:
    """The first worksheet's rows from row 1, each a sequence of cell values from column A.

    Every error the readers raise, while opening the file or later while its rows are
    parsed (openpyxl parses a read-only sheet lazily), is the "unreadable file" refusal.
    """
    upload.seek(0)
    try:
        extent = _plain_extent(upload)
        cells = _cell_count(upload) if extent is None and max_columns else None
    except Exception as exc:  # noqa: BLE001 - a damaged part: bad CRC, zlib.error, encryption, …
        raise _unreadable() from exc
    if extent is not None and extent[0] - 1 > max_rows:
        raise _too_many_rows(extent[0] - 1, max_rows)
    if extent is not None and max_columns and extent[1] > max_columns:
        raise _too_wide(extent[1])
    if cells is not None and cells > (max_rows + 1) * max_columns:
        # More cells without plain positions than rows of the allowed width hold: some row is
        # wider than allowed, and parsing them all is the very cost being refused.
        raise _too_wide(None)
    upload.seek(0)
    if extent is not None and extent[0] * extent[1] <= DENSE_CELLS_LIMIT:
        opened = _calamine_rows(upload)
    else:
        opened = _openpyxl_rows(upload, max_rows, max_columns)
    with opened as rows:
        yield _guarded(rows)


def _guarded(rows: Iterator) -> Iterator:
    try:
        yield from rows
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - XML errors, a missing part, a bad value: all unreadable
        raise _unreadable() from exc


def _unreadable() -> ValidationError:
    return ValidationError("无法读取该 Excel 文件，请使用平台提供的模板。", code="unreadable")


def _too_wide(columns: int | None) -> ValidationError:
    counted = f"（{columns} 列）" if columns is not None else ""
    return ValidationError(
        f"工作表的列数过多{counted}，超出模板的列数太多。请使用平台提供的模板，删除多余的列后重新上传。",
        code="too_wide",
    )


# The opening of a cell element however it is written: <c …>, <c>, <c/>, <x:c …>.
_ANY_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")


def _cell_count(upload) -> int:
    """How many cells every part of the archive holds, counted without parsing them."""
    with zipfile.ZipFile(upload) as archive:
        return sum(len(_ANY_CELL.findall(archive.read(info))) for info in archive.infolist())


# A cell as Excel, WPS, LibreOffice and openpyxl write it: position first, in double quotes.
_PLAIN_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_ODD_CELL_OPENINGS = (b"<c>", b"<c/>", b"<c\t", b"<c\n", b"<c\r", b":c ", b":c>", b":c/>", b"r='")


def _plain_extent(upload) -> tuple[int, int] | None:
    """How many rows and columns calamine would allocate for any sheet of the workbook, when
    every part of the archive writes its cells plainly (``<c r="B7" …>``) and no cell holds an
    error value (calamine reads those as empty; openpyxl keeps their text, "#N/A", for the
    message). None when that cannot be told this way: the file is then read by openpyxl.

    Every part is scanned, not only the first sheet's, so a relationship pointing elsewhere
    cannot hand calamine a part that was not measured.
    """
    rows = columns = 0
    with zipfile.ZipFile(upload) as archive:
        for info in archive.infolist():
            content = archive.read(info)
            if any(odd in content for odd in _ODD_CELL_OPENINGS) or b' t="e"' in content:
                return None
            opened = content.count(b"<c ")
            if opened != content.count(b'<c r="'):
                return None  # a cell without a leading position
            positions = _PLAIN_CELL.findall(content)
            if len(positions) != opened:
                return None  # a position that is not a plain reference
            if positions:
                letters = max({letters for letters, _row in positions}, key=lambda s: (len(s), s))
                columns = max(columns, column_index_from_string(letters.decode()))
                rows = max(rows, max(map(int, {row for _letters, row in positions})))
    return rows, columns


@contextmanager
def _calamine_rows(upload) -> Iterator[Iterator[list]]:
    try:
        workbook = CalamineWorkbook.from_filelike(upload)
    except Exception as exc:  # noqa: BLE001 - calamine raises several kinds for a bad file
        raise _unreadable() from exc
    try:
        try:
            index = next(i for i, meta in enumerate(workbook.sheets_metadata) if meta.typ == SheetTypeEnum.WorkSheet)
            # From A1: by default calamine drops the empty rows and columns before the first value.
            rows = workbook.get_sheet_by_index(index).to_python(skip_empty_area=False)
        except Exception as exc:  # noqa: BLE001 - no worksheet, or one calamine cannot read
            raise _unreadable() from exc
        yield iter(rows)
    finally:
        workbook.close()


@contextmanager
def _openpyxl_rows(upload, max_rows: int, max_columns: int | None) -> Iterator[Iterator[tuple]]:
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise _unreadable() from exc
    try:
        if not workbook.worksheets:
            raise _unreadable()
        sheet = workbook.worksheets[0]
        declared_rows, declared_columns = sheet.max_row or 0, sheet.max_column or 0
        if declared_rows - 1 > max_rows:
            raise _too_many_rows(declared_rows - 1, max_rows)
        if max_columns and declared_columns > max_columns:
            raise _too_wide(declared_columns)
        # The <dimension> only served to refuse early: openpyxl would pad every row to its
        # width (16,384 cells a row for "A1:XFD…") and stop at its last row, dropping any row
        # it understates. Rows are read to their real end, no wider than allowed.
        sheet.reset_dimensions()
        yield sheet.iter_rows(max_col=max_columns, values_only=True)
    finally:
        workbook.close()


@dataclass(frozen=True)
class TemplateColumn:
    header: str
    width: int = 14
    text: bool = False  # formatted as text so IDs, phones and dates stay as typed
    required: bool = False
    note: str = ""  # shown as the header's comment: the format and an example
    choices: tuple[str, ...] = ()  # a coded column: offered as a drop-down (a list validation)


CHOICES_SHEET = "选项"
SAMPLE_SHEET = "填写示例"
SAMPLE_FILL = PatternFill("solid", fgColor="EEEEEE")


def is_sample_row(row: "SheetRow", sample: Mapping[str, str]) -> bool:
    """Whether ``row`` is the template's sample row, left as the template wrote it."""
    return all((row.values.get(column) or "").strip() == value for column, value in sample.items() if value)


def write_template(
    columns: list[TemplateColumn], *, title: str, prepared_rows: int = 2000, sample: Mapping[str, str] | None = None
) -> bytes:
    """An import template: headers (required ones shaded), notes as comments, text-formatted
    columns, drop-downs for coded columns (their lists on a hidden sheet, so that a list of
    56 ethnicities fits), and an optional sample row in grey on a sheet of its own (填写示例),
    which the importer skips if it is copied into the data sheet as written (``is_sample_row``)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    coded = [c for c in columns if c.choices]
    lists = workbook.create_sheet(CHOICES_SHEET) if coded else None
    if lists is not None:
        lists.sheet_state = "hidden"
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
        if column.choices and lists is not None:
            list_column = get_column_letter(coded.index(column) + 1)
            lists.cell(row=1, column=coded.index(column) + 1, value=column.header)
            for n, choice in enumerate(column.choices, start=2):
                lists.cell(row=n, column=coded.index(column) + 1, value=choice)
            last = len(column.choices) + 1
            validation = DataValidation(
                type="list",
                formula1=f"'{CHOICES_SHEET}'!${list_column}$2:${list_column}${last}",
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle="请从下拉列表中选择",
                error=f"“{column.header}”请从下拉列表中选择。",
            )
            validation.add(f"{letter}2:{letter}{prepared_rows + 1}")
            sheet.add_data_validation(validation)
    if sample:
        # On a sheet of its own: a row typed over in the data sheet would keep the sample's
        # values in the cells left blank. Copied into the data sheet unchanged, it is skipped.
        example = workbook.create_sheet(SAMPLE_SHEET, 1)
        for i, column in enumerate(columns, start=1):
            example.cell(row=1, column=i, value=column.header).font = header_font
            cell = example.cell(row=2, column=i, value=sample.get(column.header) or None)
            cell.fill = SAMPLE_FILL
            cell.font = Font(italic=True, color="666666")
            if column.text:
                cell.number_format = TEXT_FORMAT
            example.column_dimensions[get_column_letter(i)].width = column.width
        example.cell(row=4, column=1, value="以上为填写示例（导入时不读取本表），请在第一张表中逐行填写。")
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _no_formula(text: str) -> str:
    # A problem quotes the sheet's own cells: never let one become a formula (CSV injection).
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def problems_workbook(problems: list[dict]) -> bytes:
    """A checked file's problems, as an import's report keeps them (row, letter, column,
    message), as a small .xlsx: 行, 列, 列名, 问题, to work through beside the file."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "问题清单"
    sheet.append(["行", "列", "列名", "问题"])
    for problem in problems:
        sheet.append(
            [
                problem.get("row"),
                problem.get("letter", ""),
                _no_formula(str(problem.get("column", ""))),
                _no_formula(str(problem.get("message", ""))),
            ]
        )
    for letter, width in zip("ABCD", (8, 6, 16, 70), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
