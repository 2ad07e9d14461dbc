"""Roster imports through the web: upload and preview, confirm, retry, housekeeping.

A roster up to INLINE_MAX_BYTES (a few thousand rows) is checked within the upload's request
and written within the confirmation's, as ``manage.py import_members`` does. A larger one gets
only the checks that cost nothing there (type, size, zip-bomb limits): it is kept encrypted
and the task ``members.run_import`` reads and checks it, and after the confirmation writes it,
with the rows read so far on its page. Reading a 50,000-row sheet takes seconds (more for a
sheet openpyxl must stream), which no web worker should spend. The task holds the record under
a job lease (core.leases): a worker killed mid-way is replaced by the next delivery, and the
page offers 重试 once the lease has lapsed.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from branches.models import Organisation
from core import import_jobs as jobs
from core.uploads import XLSX, validate_upload

from ..choices import ImportStatus
from ..models import MemberImport
from .imports import MAX_UPLOAD_BYTES, ImportReport, member_import, member_import_sheet, read_roster

# Rosters above this size are read by the task, never in a request (about 3,000 rows of the
# template; 50,000 rows are about 3 MB).
INLINE_MAX_BYTES = 200 * 1024


def member_import_may_confirm(user, record: MemberImport) -> bool:
    return user.can_write and (record.uploaded_by_id == user.pk or user.is_committee_staff)


def member_import_upload(*, upload, organisation: Organisation, user) -> MemberImport:
    """Keep an uploaded roster for its preview. Raises ValidationError for a refused file.

    A small file is checked here and its preview recorded; a large one is queued for the task.
    """
    size = getattr(upload, "size", None) or 0
    record = MemberImport(
        organisation=organisation, uploaded_by=user, original_name=(upload.name or "roster.xlsx")[:200]
    )
    if size <= INLINE_MAX_BYTES:
        report = member_import(upload=upload, organisation=organisation, by=user, dry_run=True)
        _record_report(record, report, status=ImportStatus.PREVIEWED if report.ok else ImportStatus.FAILED)
        if report.ok:
            jobs.keep_upload(record, upload, name="roster.xlsx")
        record.save()
        return record
    validate_upload(upload, allowed={XLSX}, max_bytes=MAX_UPLOAD_BYTES)
    with transaction.atomic():
        record.status = ImportStatus.CHECKING
        record.background = True
        jobs.keep_upload(record, upload, name="roster.xlsx")
        record.save()
        _queue(record)
    return record


@transaction.atomic
def member_import_confirm(*, record: MemberImport, user, request=None) -> MemberImport:
    """Write a previewed roster, all rows or none (a large one: queue the task to).

    Returns the record, APPLIED, FAILED (a row no longer fits the roster as it is now) or
    APPLYING (queued). Raises PermissionDenied, or ValidationError when the import was
    already handled or rows were written since the check (code "changed"; nothing written).
    """
    record = MemberImport.objects.select_for_update().select_related("organisation").get(pk=record.pk)
    if not member_import_may_confirm(user, record):
        raise PermissionDenied
    if record.status != ImportStatus.PREVIEWED or not record.file:
        raise ValidationError("该导入已处理，不能重复确认。")
    record.confirmed_by = user
    if record.background:
        record.status = ImportStatus.APPLYING
        record.error = ""
        record.save(update_fields=["status", "error", "confirmed_by"])
        _queue(record)
        return record
    report = member_import(
        upload=jobs.stored_upload(record), organisation=record.organisation, by=user, dry_run=False, request=request
    )
    _record_applied(record, report)
    jobs.record_finished(record)
    return record


def member_import_retry(*, record: MemberImport, user) -> MemberImport:
    """Queue the task again for an import whose worker died (its lease lapsed)."""
    from ..tasks import run_import

    return jobs.import_retry(record=record, may_act=member_import_may_confirm, user=user, task=run_import)


def member_import_run(*, import_id: int) -> MemberImport | None:
    """The task: check a large roster (CHECKING) or write it (APPLYING), see core.import_jobs."""
    from ..tasks import run_import

    return jobs.import_run(
        model=MemberImport, import_id=import_id, task=run_import, read=read_roster, check=_check, write=_write
    )


def _check(record: MemberImport, sheet) -> bool:
    report = member_import_sheet(sheet=sheet, organisation=record.organisation, by=record.uploaded_by, dry_run=True)
    _record_report(record, report, status=ImportStatus.PREVIEWED if report.ok else ImportStatus.FAILED)
    return report.ok


def _write(record: MemberImport, sheet) -> None:
    by = record.confirmed_by or record.uploaded_by
    _record_applied(record, member_import_sheet(sheet=sheet, organisation=record.organisation, by=by, dry_run=False))


def _record_report(record: MemberImport, report: ImportReport, *, status: str) -> None:
    record.status = status
    record.row_count = report.rows
    record.created_count, record.updated_count = report.created, report.updated
    record.problem_count = len(report.problems)
    record.report = report.as_json()


def _record_applied(record: MemberImport, report: ImportReport) -> None:
    if report.applied:
        _record_report(record, report, status=ImportStatus.APPLIED)
        record.applied_at = timezone.now()
    else:
        # The roster changed since the preview and a row no longer fits: nothing written.
        _record_report(record, report, status=ImportStatus.FAILED)
    record.error = ""


def _queue(record: MemberImport) -> None:
    from ..tasks import run_import

    jobs.import_queue(record, task=run_import)


def member_imports_purge_stale(*, now=None) -> int:
    """Discard previews nobody confirmed, deleting their stored files. Returns how many."""
    return jobs.imports_purge_stale(model=MemberImport, now=now)


def member_import_discard(*, record: MemberImport, user) -> bool:
    """Give up a previewed import and delete its stored file. False when it was no longer a preview."""
    return jobs.import_discard(record=record, may_act=member_import_may_confirm, user=user)
