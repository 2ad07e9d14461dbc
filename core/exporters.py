"""Exporters: a small class hierarchy, the file format owned by the base class.

A ``SheetExporter`` declares its sheets and yields rows; the base writes them with openpyxl
in write-only mode (memory stays flat) and neutralises every text cell that a spreadsheet
would take for a formula. Exporters are listed in ``core.export_registry``.
"""

import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

Progress = Callable[[int], None]


# Values passed through untouched, looked up before any isinstance (called once per cell).
_PLAIN_TYPES = frozenset({int, float, bool, dt.date, type(None)})


def safe_cell(value):
    """Neutralise text a spreadsheet would evaluate (CSV/formula injection)."""
    if type(value) in _PLAIN_TYPES:
        return value
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


@dataclass
class ExportFile:
    filename: str
    content_type: str
    content: bytes
    row_count: int = 0


@dataclass
class Sheet:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence]
    widths: Sequence[int] = ()


class BaseExporter:
    identifier: str = ""
    verbose_name: str = ""

    def check(self, *, user, params: dict) -> None:
        """Raise PermissionDenied if ``user`` may not run this export with ``params``."""
        if not user.is_authenticated:
            raise PermissionDenied

    def estimate(self, *, user, params: dict) -> int | None:
        """Rows expected, for progress; None when unknown."""
        return None

    def filename(self, *, params: dict) -> str:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return f"{self.verbose_name}-{stamp}"

    def render(self, *, user, params: dict, progress: Progress | None = None) -> ExportFile:
        raise NotImplementedError


class SheetExporter(BaseExporter):
    progress_every = 1000

    def sheets(self, *, user, params: dict) -> Iterable[Sheet]:
        raise NotImplementedError

    def render(self, *, user, params: dict, progress: Progress | None = None) -> ExportFile:
        self.check(user=user, params=params)
        content, written = write_workbook(
            self.sheets(user=user, params=params), progress=progress, progress_every=self.progress_every
        )
        return ExportFile(f"{self.filename(params=params)}.xlsx", XLSX_CONTENT_TYPE, content, written)


def write_workbook(sheets: Iterable[Sheet], *, progress: Progress | None = None, progress_every: int = 1000):
    """Write ``sheets`` to an .xlsx in write-only mode; returns (bytes, data rows written)."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    written = 0
    for sheet in sheets:
        ws = workbook.create_sheet(title=sheet.title[:31])
        for i, width in enumerate(sheet.widths):
            ws.column_dimensions[_letter(i)].width = width
        header = []
        for title in sheet.header:
            cell = WriteOnlyCell(ws, value=safe_cell(title))
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in sheet.rows:
            ws.append([safe_cell(value) for value in row])
            written += 1
            if progress is not None and written % progress_every == 0:
                progress(written)
    if not workbook.worksheets:
        workbook.create_sheet(title="空")
    out = io.BytesIO()
    workbook.save(out)
    if progress is not None:
        progress(written)
    return out.getvalue(), written


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
