from django.conf import settings
from django.db import models

from branches.models import Organisation
from branches.scoping import ScopedQuerySet
from core.leases import JobLease

from ..choices import ImportJobStatus, ImportStatus


class MemberImport(models.Model):
    """An uploaded roster: previewed first, applied on confirmation.

    The file goes through Django's storage, so the preview and the confirmation may be
    served by different processes. A file too large to read within a request
    (``background``) is checked and written by a Celery task, under a job lease.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name="导入到组织", on_delete=models.PROTECT, related_name="member_imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField("文件", upload_to="imports/members/%Y/%m/", blank=True)
    original_name = models.CharField("原文件名", max_length=200)
    status = models.CharField("状态", max_length=16, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED)
    row_count = models.PositiveIntegerField("数据行数", default=0)
    created_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
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
    background = models.BooleanField("后台处理", default=False)
    job_status = models.CharField(
        "后台任务", max_length=8, choices=ImportJobStatus.choices, default=ImportJobStatus.IDLE
    )
    progress = models.PositiveIntegerField("已读取行数", default=0)
    error = models.TextField("无法处理的原因", blank=True)
    job_lease_expires_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    job_lease = JobLease(
        status_field="job_status",
        running=ImportJobStatus.RUNNING,
        waiting=(ImportJobStatus.QUEUED,),
        expires_field="job_lease_expires_at",
    )

    class Meta:
        verbose_name = "花名册导入"
        verbose_name_plural = "花名册导入"
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
