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

import io
import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from branches.models import Organisation
from core.audit import mask_id_numbers
from core.uploads import XLSX, validate_upload

from .. import crypto
from ..choices import ImportJobStatus, ImportStatus
from ..models import MemberImport
from .imports import MAX_UPLOAD_BYTES, ImportReport, member_import, member_import_sheet, read_roster

logger = logging.getLogger(__name__)

# Rosters above this size are read by the task, never in a request (about 3,000 rows of the
# template; 50,000 rows are about 3 MB).
INLINE_MAX_BYTES = 200 * 1024
# An upload waits this long for confirmation; after that it is discarded with its file,
# which holds full ID numbers.
STALE_IMPORT_AFTER = timedelta(hours=24)


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
            _keep(record, upload)
        record.save()
        return record
    validate_upload(upload, allowed={XLSX}, max_bytes=MAX_UPLOAD_BYTES)
    with transaction.atomic():
        record.status = ImportStatus.CHECKING
        record.background = True
        _keep(record, upload)
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
        upload=_stored(record), organisation=record.organisation, by=user, dry_run=False, request=request
    )
    _record_applied(record, report)
    return record


@transaction.atomic
def member_import_retry(*, record: MemberImport, user) -> MemberImport:
    """Queue the task again for an import whose worker died (its lease lapsed)."""
    record = MemberImport.objects.select_for_update().get(pk=record.pk)
    if not member_import_may_confirm(user, record):
        raise PermissionDenied
    if not record.stalled:
        raise ValidationError("后台任务仍在处理该文件，无需重试。")
    _queue(record)
    return record


def member_import_run(*, import_id: int) -> MemberImport | None:
    """The task: check a large roster (CHECKING) or write it (APPLYING). Claimed once; a record
    whose worker died is taken over, one whose worker lives is left to it."""
    from ..tasks import run_import

    records = MemberImport.objects.filter(pk=import_id)
    if not MemberImport.job_lease.claim(records, progress=0):
        MemberImport.job_lease.check_again_when_lapsed(records, task=run_import, args=(import_id,))
        return None
    record = records.select_related("organisation", "uploaded_by", "confirmed_by").get()

    def progress(rows: int) -> None:
        MemberImport.job_lease.renew(records, progress=rows)

    try:
        if record.status == ImportStatus.CHECKING:
            _check(record, progress)
        elif record.status == ImportStatus.APPLYING:
            _apply(record, progress)
    except Exception as exc:  # noqa: BLE001 - recorded on the page; the file can be uploaded again
        logger.exception("Roster import %s failed", import_id)
        records.update(
            status=ImportStatus.FAILED,
            error=mask_id_numbers(f"后台处理失败（{type(exc).__name__}），未写入任何数据，请重新上传。"),
        )
        record.refresh_from_db()
        _discard_file(record)
        record.save(update_fields=["file"])
    records.update(job_status=ImportJobStatus.DONE, job_lease_expires_at=None)
    return records.get()


def _check(record: MemberImport, progress) -> None:
    try:
        sheet = read_roster(_stored(record), progress=progress)
    except ValidationError as exc:
        _refused(record, exc)
        return
    MemberImport.job_lease.renew(MemberImport.objects.filter(pk=record.pk))
    report = member_import_sheet(sheet=sheet, organisation=record.organisation, by=record.uploaded_by, dry_run=True)
    _record_report(record, report, status=ImportStatus.PREVIEWED if report.ok else ImportStatus.FAILED)
    if not report.ok:
        _discard_file(record)
    record.save(update_fields=RESULT_FIELDS)


def _apply(record: MemberImport, progress) -> None:
    # Read outside the write's transaction, so the progress (and the lease) can be seen.
    try:
        sheet = read_roster(_stored(record), progress=progress)
    except ValidationError as exc:
        _refused(record, exc)
        return
    MemberImport.job_lease.renew(MemberImport.objects.filter(pk=record.pk))
    with transaction.atomic():
        record = MemberImport.objects.select_for_update().select_related("organisation").get(pk=record.pk)
        if record.status != ImportStatus.APPLYING:
            return
        by = record.confirmed_by or record.uploaded_by
        try:
            report = member_import_sheet(sheet=sheet, organisation=record.organisation, by=by, dry_run=False)
        except ValidationError as exc:
            # Rows written since the check (名单已变化): nothing written, the preview stands.
            record.status, record.error = ImportStatus.PREVIEWED, "；".join(exc.messages)
            record.save(update_fields=["status", "error"])
            return
        _record_applied(record, report)


RESULT_FIELDS = [
    "status",
    "row_count",
    "created_count",
    "updated_count",
    "problem_count",
    "report",
    "applied_at",
    "error",
    "file",
    "confirmed_by",
]


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
    _discard_file(record)
    record.save(update_fields=RESULT_FIELDS)


def _refused(record: MemberImport, exc: ValidationError) -> None:
    record.status, record.error = ImportStatus.FAILED, "；".join(exc.messages)
    _discard_file(record)
    record.save(update_fields=["status", "error", "file"])


def _queue(record: MemberImport) -> None:
    from ..tasks import run_import

    MemberImport.objects.filter(pk=record.pk).update(
        job_status=ImportJobStatus.QUEUED, job_lease_expires_at=None, progress=0
    )
    import_id = record.pk
    transaction.on_commit(lambda: run_import.delay(import_id))


def _keep(record: MemberImport, upload) -> None:
    # The roster holds full ID numbers: it waits for confirmation encrypted.
    upload.seek(0)
    record.file.save("roster.xlsx.enc", ContentFile(crypto.encrypt_bytes(upload.read())), save=False)


def _stored(record: MemberImport) -> io.BytesIO:
    with record.file.open("rb") as stored:
        upload = io.BytesIO(crypto.decrypt_bytes(stored.read()))
    upload.name = record.original_name
    return upload


def _discard_file(record: MemberImport) -> None:
    """Forget the stored roster; the file itself goes once the transaction has committed."""
    if not record.file:
        return
    storage, name = record.file.storage, record.file.name
    record.file = ""
    transaction.on_commit(lambda: storage.delete(name))


def member_imports_purge_stale(*, now=None) -> int:
    """Discard previews nobody confirmed, deleting their stored files. Returns how many."""
    cutoff = (now or timezone.now()) - STALE_IMPORT_AFTER
    purged = 0
    for record in MemberImport.objects.filter(status=ImportStatus.PREVIEWED, created_at__lt=cutoff):
        with transaction.atomic():
            locked = MemberImport.objects.select_for_update().get(pk=record.pk)
            if locked.status != ImportStatus.PREVIEWED:
                continue
            _discard_file(locked)
            locked.status = ImportStatus.DISCARDED
            locked.save(update_fields=["status", "file"])
            purged += 1
    return purged


def member_import_discard(*, record: MemberImport, user) -> bool:
    """Give up a previewed import and delete its stored file. False when it was no longer a preview."""
    if not member_import_may_confirm(user, record):
        raise PermissionDenied
    with transaction.atomic():
        record = MemberImport.objects.select_for_update().get(pk=record.pk)
        if record.status != ImportStatus.PREVIEWED:
            return False
        record.status = ImportStatus.DISCARDED
        _discard_file(record)
        record.save(update_fields=["status", "file"])
    return True
