"""Uploaded workbooks imported through a task: the part every import shares.

An import (a ``core.models.UploadImport``: the roster's, a commendation list's) keeps its file
encrypted through Django's storage, so the request that took it, the task that reads it and
the request that confirms it may run in different processes, on different hosts. Its task,
queued after commit, loads the record by id and runs ``import_run``: it claims the record
under a job lease (core.leases), renews the lease at every progress step (the rows read so
far are on the record for the page to poll), and runs the app's own step for the status:
``check`` (CHECKING: read and check every row, record the preview) or ``apply`` (APPLYING:
read it again and write it). A step that raises leaves a failed import with a clear reason,
never a page that errors; a worker that died leaves a lapsed lease, which the next delivery
takes over and the page offers to retry. What nobody confirmed is purged with its file.
"""

import io
import logging
from collections.abc import Callable
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from members import crypto

from .audit import mask_id_numbers
from .models import ImportJobStatus, ImportStatus, UploadImport

logger = logging.getLogger(__name__)

# An upload waits this long for confirmation; after that it is discarded with its file,
# which may hold full ID numbers.
STALE_IMPORT_AFTER = timedelta(hours=24)
# What the record keeps of a checked import for the page: the first rows.
PLANNED_LIMIT = 1000


class Progress:
    """What a step calls as it reads: ``progress(rows)`` records the rows read and renews the
    lease; ``progress.renew()`` renews it between long steps."""

    def __init__(self, record: UploadImport):
        self.lease = type(record).job_lease
        self.jobs = type(record).objects.filter(pk=record.pk)

    def __call__(self, rows: int) -> None:
        self.lease.renew(self.jobs, progress=rows)

    def renew(self) -> None:
        self.lease.renew(self.jobs)


def keep_upload(record: UploadImport, upload, *, name: str = "upload.xlsx") -> None:
    """Store ``upload`` encrypted on the (unsaved) record."""
    upload.seek(0)
    record.file.save(f"{name}.enc", ContentFile(crypto.encrypt_bytes(upload.read())), save=False)


def stored_upload(record: UploadImport) -> io.BytesIO:
    with record.file.open("rb") as stored:
        upload = io.BytesIO(crypto.decrypt_bytes(stored.read()))
    upload.name = record.original_name
    return upload


def discard_file(record: UploadImport) -> None:
    """Forget the stored file; the file itself goes once the transaction has committed."""
    if not record.file:
        return
    storage, name = record.file.storage, record.file.name
    record.file = ""
    transaction.on_commit(lambda: storage.delete(name))


def record_refused(record: UploadImport, exc: ValidationError | PermissionDenied) -> None:
    """The file (or the import) is refused as a whole: say why, forget the file."""
    messages = exc.messages if isinstance(exc, ValidationError) else [str(exc) or "没有权限导入。"]
    record.status, record.error = ImportStatus.FAILED, "；".join(messages)
    discard_file(record)
    record.save(update_fields=["status", "error", "file"])


def read_stored(record: UploadImport, read: Callable, progress: Progress):
    """``read(upload, progress=...)`` of the stored file; None (the record refused) when it
    raises ValidationError: an unreadable, wide or over-long sheet, missing headers."""
    try:
        sheet = read(stored_upload(record), progress=progress)
    except ValidationError as exc:
        record_refused(record, exc)
        return None
    progress.renew()
    return sheet


def import_queue(record: UploadImport, *, task) -> None:
    """Mark the record's job queued and send ``task`` with its id once the transaction commits."""
    type(record).objects.filter(pk=record.pk).update(
        job_status=ImportJobStatus.QUEUED, job_lease_expires_at=None, progress=0
    )
    import_id = record.pk
    transaction.on_commit(lambda: task.delay(import_id))


@transaction.atomic
def import_retry(*, record: UploadImport, may_act: Callable, user, task) -> UploadImport:
    """Queue the task again for an import whose worker died (its lease lapsed)."""
    record = type(record).objects.select_for_update().get(pk=record.pk)
    if not may_act(user, record):
        raise PermissionDenied
    if not record.stalled:
        raise ValidationError("后台任务仍在处理该文件，无需重试。")
    import_queue(record, task=task)
    return record


def import_run(
    *, model: type[UploadImport], import_id: int, task, read: Callable, check: Callable, write: Callable
) -> UploadImport | None:
    """The task's body: claim the import, read its file with ``read(upload, progress=...)``, then
    ``check(record, sheet)`` it (CHECKING) or ``write(record, sheet)`` it (APPLYING).

    ``check`` records the preview or the problems on the record and returns whether there were
    none; ``write`` writes, all rows or none, and records the result, inside a transaction that
    holds the record. Either may raise PermissionDenied (the list or roster is no longer the
    user's: the import fails, saying so); ``write`` may raise ValidationError for rows written
    by someone else since the check (nothing written, the preview stands, with the message).

    Claimed once; a record whose worker died is taken over, one whose worker lives is left to
    it and looked at again when its lease would lapse. Returns the record, or None when left.
    """
    records = model.objects.filter(pk=import_id)
    if not model.job_lease.claim(records, progress=0):
        model.job_lease.check_again_when_lapsed(records, task=task, args=(import_id,))
        return None
    record = records.get()
    try:
        if record.status == ImportStatus.CHECKING:
            _check(record, read, check)
        elif record.status == ImportStatus.APPLYING:
            _write(record, read, write)
    except Exception as exc:  # noqa: BLE001 - recorded on the page; the file can be uploaded again
        logger.exception("%s %s failed", model._meta.label, import_id)
        records.update(
            status=ImportStatus.FAILED,
            error=mask_id_numbers(f"后台处理失败（{type(exc).__name__}），未写入任何数据，请重新上传。"),
        )
        record.refresh_from_db()
        discard_file(record)
        record.save(update_fields=["file"])
    records.update(job_status=ImportJobStatus.DONE, job_lease_expires_at=None)
    return records.first()  # None when its list was deleted meanwhile


def _check(record: UploadImport, read: Callable, check: Callable) -> None:
    sheet = read_stored(record, read, Progress(record))
    if sheet is None:
        return
    try:
        ok = check(record, sheet)
    except PermissionDenied as exc:
        record_refused(record, exc)
        return
    if not ok:
        discard_file(record)  # problems: the file is uploaded again, corrected
    record.save(update_fields=record.result_fields)


def _write(record: UploadImport, read: Callable, write: Callable) -> None:
    # Read outside the write's transaction, so the progress (and the lease) can be seen.
    sheet = read_stored(record, read, Progress(record))
    if sheet is None:
        return
    with transaction.atomic():
        record = type(record).objects.select_for_update().get(pk=record.pk)
        if record.status != ImportStatus.APPLYING:
            return
        try:
            write(record, sheet)
        except PermissionDenied as exc:
            record_refused(record, exc)
            return
        except ValidationError as exc:
            # Rows written since the check (名单已变化): nothing written, the preview stands.
            record.status, record.error = ImportStatus.PREVIEWED, "；".join(exc.messages)
            record.save(update_fields=["status", "error"])
            return
        record_finished(record)


def record_finished(record: UploadImport) -> None:
    """Save a written (or, the data having changed, failed) import's result and forget its file."""
    discard_file(record)
    record.save(update_fields=record.result_fields)


def import_discard(*, record: UploadImport, may_act: Callable, user) -> bool:
    """Give up a previewed import and delete its stored file. False when it was no longer a preview."""
    if not may_act(user, record):
        raise PermissionDenied
    with transaction.atomic():
        record = type(record).objects.select_for_update().get(pk=record.pk)
        if record.status != ImportStatus.PREVIEWED:
            return False
        record.status = ImportStatus.DISCARDED
        discard_file(record)
        record.save(update_fields=["status", "file"])
    return True


def imports_purge_stale(*, model: type[UploadImport], now=None) -> int:
    """Discard previews nobody confirmed, deleting their stored files. Returns how many."""
    cutoff = (now or timezone.now()) - STALE_IMPORT_AFTER
    purged = 0
    for record in model.objects.filter(status=ImportStatus.PREVIEWED, created_at__lt=cutoff):
        with transaction.atomic():
            locked = model.objects.select_for_update().get(pk=record.pk)
            if locked.status != ImportStatus.PREVIEWED:
                continue
            discard_file(locked)
            locked.status = ImportStatus.DISCARDED
            locked.save(update_fields=["status", "file"])
            purged += 1
    return purged
