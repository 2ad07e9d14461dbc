"""A commendation list's Excel import through the web: upload, the task's check, confirmation.

The request that takes the upload only runs the checks that cost nothing (type, size, zip-bomb
limits) and keeps the file encrypted: the list's template asks for ID numbers. The task
``honours.run_import`` reads and checks every row (seconds for a few thousand rows, which no
web worker should spend), with the rows read so far on the import's page, and records the
preview or every problem by row and column. Confirming queues the task again: it reads the
file once more, checks it against the list as it is then and writes every row or none. The
job side (lease, progress, failure, retry, purge) is core.import_jobs.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core import import_jobs as jobs
from core.models import ImportStatus
from core.uploads import XLSX, validate_upload
from core.xlsx import SheetData

from .. import rules
from ..models import BatchImport, CommendationBatch
from .batches import _locked, _require_edit
from .imports import MAX_UPLOAD_BYTES, ImportReport, batch_import_plan, batch_import_sheet, read_list

# The list changed between the check and the write so that rows no longer fit.
CHANGED = "名单已变化，请重新检查：以下各行不再符合要求，未写入任何数据。"


def batch_import_may_act(user, record: BatchImport) -> bool:
    """Confirm, retry or give up an import: whoever may change the list's recipients now."""
    return rules.batch_can_edit(user, record.batch)


def batch_import_upload(*, batch: CommendationBatch, upload, user) -> BatchImport:
    """Keep an uploaded list for the task to check. Raises ValidationError for a refused file,
    PermissionDenied when the list is not the user's to change."""
    validate_upload(upload, allowed={XLSX}, max_bytes=MAX_UPLOAD_BYTES)
    with transaction.atomic():
        batch = _locked(batch)
        _require_edit(user, batch)
        record = BatchImport(
            batch=batch,
            uploaded_by=user,
            original_name=(upload.name or "list.xlsx")[:200],
            status=ImportStatus.CHECKING,
        )
        jobs.keep_upload(record, upload, name="list.xlsx")
        record.save()
        _queue(record)
    return record


@transaction.atomic
def batch_import_confirm(*, record: BatchImport, user) -> BatchImport:
    """Queue the write of a previewed list. Raises PermissionDenied, or ValidationError when the
    import was already handled."""
    record = BatchImport.objects.select_for_update().select_related("batch__organisation").get(pk=record.pk)
    if not batch_import_may_act(user, record):
        raise PermissionDenied
    if record.status != ImportStatus.PREVIEWED or not record.file:
        raise ValidationError("该导入已处理，不能重复确认。")
    record.confirmed_by, record.status, record.error = user, ImportStatus.APPLYING, ""
    record.save(update_fields=["status", "error", "confirmed_by"])
    _queue(record)
    return record


def batch_import_retry(*, record: BatchImport, user) -> BatchImport:
    """Queue the task again for an import whose worker died (its lease lapsed)."""
    from ..tasks import run_import

    return jobs.import_retry(record=record, may_act=batch_import_may_act, user=user, task=run_import)


def batch_import_discard(*, record: BatchImport, user) -> bool:
    """Give up a previewed import and delete its stored file. False when it was no longer a preview."""
    return jobs.import_discard(record=record, may_act=batch_import_may_act, user=user)


def batch_imports_purge_stale(*, now=None) -> int:
    """Discard previews nobody confirmed within a day, deleting their stored files."""
    return jobs.imports_purge_stale(model=BatchImport, now=now)


def batch_import_run(*, import_id: int) -> BatchImport | None:
    """The task: check an uploaded list (CHECKING) or write it (APPLYING), see core.import_jobs."""
    from ..tasks import run_import

    return jobs.import_run(
        model=BatchImport, import_id=import_id, task=run_import, read=read_list, check=_check, write=_write
    )


def _check(record: BatchImport, sheet: SheetData) -> bool:
    batch, user = record.batch, record.uploaded_by
    if not rules.batch_can_edit(user, batch):
        raise PermissionDenied("该表彰名单已提交或已通过审核，不能再修改。")
    report, _honours = batch_import_plan(sheet, batch=batch, user=user)
    _record_report(record, report, status=ImportStatus.PREVIEWED if report.ok else ImportStatus.FAILED)
    return report.ok


def _write(record: BatchImport, sheet: SheetData) -> None:
    report = batch_import_sheet(batch=record.batch, sheet=sheet, user=record.confirmed_by or record.uploaded_by)
    if report.applied:
        _record_report(record, report, status=ImportStatus.APPLIED)
        record.applied_at, record.error = timezone.now(), ""
    else:
        # The list changed since the check and rows no longer fit: nothing written.
        _record_report(record, report, status=ImportStatus.FAILED)
        record.error = CHANGED


def _record_report(record: BatchImport, report: ImportReport, *, status: str) -> None:
    record.status = status
    record.row_count, record.created_count = report.rows, report.created
    record.problem_count = len(report.problems)
    record.report = report.as_json(planned_limit=jobs.PLANNED_LIMIT)


def _queue(record: BatchImport) -> None:
    from ..tasks import run_import

    jobs.import_queue(record, task=run_import)
