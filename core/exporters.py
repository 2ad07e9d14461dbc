"""Exporters: a small class hierarchy, the file format owned by the base class.

A ``SheetExporter`` declares its sheets and yields rows; the base streams them into an .xlsx
(``core.xlsx_stream``: memory stays flat, and every text cell a spreadsheet would take for a
formula is neutralised). Exporters are listed in ``core.export_registry``.
"""

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from .xlsx_stream import PLAIN, SheetLayout, WorkbookStream

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Progress = Callable[[int], None]


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
    layout: SheetLayout = PLAIN  # caption, grouped numbers, autofilter, fitted widths, print setup


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
    """Write ``sheets`` to an .xlsx, streamed; returns (bytes, data rows written)."""
    sheets = list(sheets) or [Sheet(title="空", header=(), rows=())]
    written = 0

    def counted(rows):
        nonlocal written
        for row in rows:
            yield row
            written += 1
            if progress is not None and written % progress_every == 0:
                progress(written)

    out = io.BytesIO()
    with WorkbookStream(out, sheet_count=len(sheets)) as workbook:
        for sheet in sheets:
            workbook.sheet(sheet.title, sheet.header, counted(sheet.rows), widths=sheet.widths, layout=sheet.layout)
    if progress is not None:
        progress(written)
    return out.getvalue(), written
