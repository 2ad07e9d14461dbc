import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from .leases import JobLease


class Heartbeat(models.Model):
    """When a periodic task last ran: proves the worker and beat work together."""

    name = models.CharField("名称", max_length=64, unique=True)
    last_seen = models.DateTimeField("最近一次运行")
    count = models.PositiveBigIntegerField("运行次数", default=0)

    class Meta:
        verbose_name = "心跳"
        verbose_name_plural = "心跳"

    def __str__(self) -> str:
        return self.name

    @property
    def age_seconds(self) -> float:
        return (timezone.now() - self.last_seen).total_seconds()


class AuditAction(models.TextChoices):
    EXPORT = "export", "导出"
    DOWNLOAD = "download", "下载"
    IMPORT = "import", "导入"
    REVEAL_ID = "reveal_id", "查看完整身份证号"
    RECORD_COUNT = "record_count", "填报统计数"


class AuditEvent(models.Model):
    """Who exported, downloaded, imported or revealed what, when, and how many rows.

    Rows are written once and never edited. Descriptions pass through ``mask_id_numbers``
    so no 18-digit ID number is ever stored here.
    """

    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField("用户名", max_length=150)
    action = models.CharField("操作", max_length=16, choices=AuditAction.choices, db_index=True)
    target = models.CharField("对象", max_length=200, blank=True)
    description = models.TextField("说明", blank=True)
    row_count = models.PositiveIntegerField("行数", null=True, blank=True)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.username} {self.get_action_display()} {self.target}"


class ExportStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class ExportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        # An export holds what its requester may see; it is theirs alone.
        if not user.is_authenticated:
            return self.none()
        return self.filter(requested_by=user)


class ExportJob(models.Model):
    """A requested export, rendered by a Celery task into a stored file."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.CASCADE, related_name="export_jobs"
    )
    exporter = models.CharField("导出类型", max_length=64)
    title = models.CharField("名称", max_length=200)
    params = models.JSONField("条件", default=dict, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=ExportStatus.choices, default=ExportStatus.PENDING, db_index=True
    )
    progress = models.PositiveIntegerField("已写入行数", default=0)
    total = models.PositiveIntegerField("预计行数", null=True, blank=True)
    row_count = models.PositiveIntegerField("行数", null=True, blank=True)
    file = models.FileField("文件", upload_to="exports/%Y/%m/", blank=True)
    filename = models.CharField("文件名", max_length=200, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    error = models.TextField("失败原因", blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # The running worker's claim, renewed as it writes rows (core.leases).
    lease_expires_at = models.DateTimeField("租约到期", null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()
    lease = JobLease(
        status_field="status",
        running=ExportStatus.RUNNING,
        waiting=(ExportStatus.PENDING,),
        expires_field="lease_expires_at",
    )

    class Meta:
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int | None:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.total:
            return None
        return min(99, int(self.progress * 100 / self.total))

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)

    @property
    def stalled(self) -> bool:
        """Running, but its worker stopped renewing the lease: it died."""
        return self.lease.lapsed(self)

    @property
    def can_retry(self) -> bool:
        return self.status == ExportStatus.FAILED or self.stalled

    @property
    def status_label(self) -> str:
        return "已中断" if self.stalled else self.get_status_display()


# --- Uploaded workbooks imported through a task (core.import_jobs) ----------------------


class ImportStatus(models.TextChoices):
    CHECKING = "checking", "检查中"  # the task reads and checks the file
    PREVIEWED = "previewed", "待确认"
    APPLYING = "applying", "导入中"  # the task writes the confirmed file
    APPLIED = "applied", "已导入"
    FAILED = "failed", "有错误"
    DISCARDED = "discarded", "已放弃"


class ImportJobStatus(models.TextChoices):
    """The background task of an import (core.import_jobs.import_run)."""

    IDLE = "idle", "无"
    QUEUED = "queued", "排队中"
    RUNNING = "running", "处理中"
    DONE = "done", "已完成"


class UploadImport(models.Model):
    """An uploaded workbook: checked (by a task), previewed, written on confirmation.

    The file goes through Django's storage, encrypted (it may hold full ID numbers), so the
    request, the task and the confirmation may run in different processes; it is deleted once
    the import is written, refused or given up. The task holds the record under a job lease.
    Subclasses add what the import goes into and set ``file``'s ``upload_to``.
    """

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField("文件", upload_to="imports/%Y/%m/", blank=True)
    original_name = models.CharField("原文件名", max_length=200)
    status = models.CharField("状态", max_length=16, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED)
    row_count = models.PositiveIntegerField("数据行数", default=0)
    created_count = models.PositiveIntegerField("新增", default=0)
    problem_count = models.PositiveIntegerField("问题数", default=0)
    report = models.JSONField("预览结果", default=dict, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    applied_at = models.DateTimeField("导入时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    job_status = models.CharField(
        "后台任务", max_length=8, choices=ImportJobStatus.choices, default=ImportJobStatus.IDLE
    )
    progress = models.PositiveIntegerField("已读取行数", default=0)
    error = models.TextField("无法处理的原因", blank=True)
    job_lease_expires_at = models.DateTimeField(null=True, blank=True)

    job_lease = JobLease(
        status_field="job_status",
        running=ImportJobStatus.RUNNING,
        waiting=(ImportJobStatus.QUEUED,),
        expires_field="job_lease_expires_at",
    )
    # What the task's check and write save (never the job's fields, which the lease renews).
    result_fields = [
        "status",
        "row_count",
        "created_count",
        "problem_count",
        "report",
        "applied_at",
        "error",
        "file",
        "confirmed_by",
    ]

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name}（{self.get_status_display()}）"

    @property
    def working(self) -> bool:
        """The background task is checking or writing the file."""
        return self.status in (ImportStatus.CHECKING, ImportStatus.APPLYING)

    @property
    def stalled(self) -> bool:
        """Its task's worker died (the lease lapsed): the page offers to run it again."""
        return self.job_lease.lapsed(self)
