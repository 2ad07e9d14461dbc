import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.http import QueryDict
from django.utils import timezone

from . import export_registry
from .audit import audit_record, mask_id_numbers
from .exporters import ExportFile
from .models import AuditAction, ExportJob, Heartbeat

logger = logging.getLogger(__name__)

BEAT_HEARTBEAT = "beat"


def heartbeat_record(*, name: str = BEAT_HEARTBEAT) -> Heartbeat:
    """Record that the periodic heartbeat ran now (an atomic increment, safe under concurrency)."""
    now = timezone.now()
    updated = Heartbeat.objects.filter(name=name).update(last_seen=now, count=F("count") + 1)
    if not updated:
        Heartbeat.objects.get_or_create(name=name, defaults={"last_seen": now, "count": 1})
    return Heartbeat.objects.get(name=name)


# --- Exports ------------------------------------------------------------------

# Exports estimated at or under this many rows are rendered in the request.
EXPORT_INLINE_MAX_ROWS = 2000


def export_params_from_query(query: QueryDict) -> dict[str, list[str]]:
    """The list page's filters as stored on a job: every key with all its values."""
    return {key: query.getlist(key) for key in query if key not in {"csrfmiddlewaretoken", "page", "after"}}


def export_render_now(*, user, exporter: str, params: dict, request=None) -> ExportFile:
    """Render a small export in the request and record it."""
    instance = export_registry.get_exporter(exporter)
    instance.check(user=user, params=params)
    result = instance.render(user=user, params=params)
    audit_record(
        user=user,
        action=AuditAction.EXPORT,
        target=instance.verbose_name,
        description=_describe(params),
        row_count=result.row_count,
        request=request,
    )
    return result


@transaction.atomic
def export_request(*, user, exporter: str, params: dict) -> ExportJob:
    """Record an export request and queue its rendering once the request commits."""
    instance = export_registry.get_exporter(exporter)
    instance.check(user=user, params=params)
    job = ExportJob(
        requested_by=user,
        exporter=exporter,
        title=instance.verbose_name,
        params=params,
        total=instance.estimate(user=user, params=params),
    )
    job.full_clean()
    job.save()
    _queue_export(job)
    return job


def export_run(*, job_id) -> ExportJob | None:
    """Render a queued export. Safe to call twice: only one call claims the job.

    A job whose worker died (its lease lapsed) is taken over; one whose worker still
    renews its lease is left to it, and looked at again when the lease would lapse.
    """
    from .models import ExportStatus
    from .tasks import run_export

    jobs = ExportJob.objects.filter(pk=job_id)
    now = timezone.now()
    if not ExportJob.lease.claim(jobs, now=now, started_at=now, attempts=F("attempts") + 1, error="", progress=0):
        ExportJob.lease.check_again_when_lapsed(jobs, task=run_export, args=(str(job_id),))
        return None
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)

    def progress(rows: int) -> None:
        ExportJob.lease.renew(jobs, progress=rows)

    try:
        instance = export_registry.get_exporter(job.exporter)
        result = instance.render(user=job.requested_by, params=job.params, progress=progress)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the job for a retry
        logger.exception("Export %s failed", job.pk)
        jobs.update(
            status=ExportStatus.FAILED,
            finished_at=timezone.now(),
            error=mask_id_numbers(_error_text(exc)),
            lease_expires_at=None,
        )
        job.refresh_from_db()
        return job
    job.file.save(f"{job.pk}.xlsx", ContentFile(result.content), save=False)
    job.filename = result.filename
    job.content_type = result.content_type
    job.row_count = result.row_count
    job.progress = result.row_count
    job.status = ExportStatus.DONE
    job.finished_at = timezone.now()
    job.lease_expires_at = None
    job.save()
    audit_record(
        user=job.requested_by,
        action=AuditAction.EXPORT,
        target=job.title,
        description=_describe(job.params),
        row_count=result.row_count,
    )
    return job


@transaction.atomic
def export_retry(*, job: ExportJob) -> ExportJob:
    """Queue a failed job again, or one whose worker died (its lease lapsed)."""
    from .models import ExportStatus

    job = ExportJob.objects.select_for_update().get(pk=job.pk)
    if job.status == ExportStatus.RUNNING and not job.stalled:
        raise ValidationError("该导出任务仍在生成中，无需重试。")
    if not job.can_retry:
        raise ValidationError("只有失败或已中断的导出任务可以重试。")
    job.status, job.error, job.lease_expires_at = ExportStatus.PENDING, "", None
    job.save(update_fields=["status", "error", "lease_expires_at"])
    _queue_export(job)
    return job


def export_download(*, user, job: ExportJob, request=None) -> None:
    audit_record(user=user, action=AuditAction.DOWNLOAD, target=job.title, row_count=job.row_count, request=request)


def _queue_export(job: ExportJob) -> None:
    from .tasks import run_export

    job_id = str(job.pk)
    transaction.on_commit(lambda: run_export.delay(job_id))


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError | PermissionDenied):
        return "；".join(getattr(exc, "messages", [str(exc) or "没有权限"]))
    return f"{type(exc).__name__}: {exc}"[:1000]


def _describe(params: dict) -> str:
    parts = [f"{key}={','.join(str(v) for v in values)}" for key, values in sorted(params.items()) if values]
    return "; ".join(parts) or "全部"
