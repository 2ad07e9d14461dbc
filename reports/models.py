from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from branches.scoping import ScopedQuerySet
from core.leases import JobLease


class Half(models.IntegerChoices):
    FIRST = 1, "上半年"
    SECOND = 2, "下半年"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    FINAL = "final", "已定稿"


class JobStatus(models.TextChoices):
    IDLE = "idle", "空闲"
    QUEUED = "queued", "排队中"
    RUNNING = "running", "处理中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


def report_editable_by(user, organisation) -> bool:
    if user.is_committee_staff:
        return True
    return bool(user.is_secretary and organisation is not None and user.organisation_id == organisation.pk)


class ReportQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        qs = super().visible_to(user)
        # Drafts are the committee's working papers: staff and leadership (who read everything)
        # see them; secretaries read the finalised reports of their subtree, and the drafts of
        # the committee they run (the summary it prepares and submits upward).
        if not (user.is_committee_staff or user.is_leader):
            own = Q(organisation_id=user.organisation_id) if getattr(user, "organisation_id", None) else Q(pk__in=[])
            qs = qs.filter(Q(status=ReportStatus.FINAL) | own)
        return qs


class Report(models.Model):
    """One version of an organisation's half-year work summary and plan.

    A draft is compiled and edited; finalising freezes its content and files. Reopening a
    finalised report creates the next version as a draft, and the finalised one stays as it was.
    """

    organisation = models.ForeignKey(
        "branches.Organisation", verbose_name="编制单位", on_delete=models.PROTECT, related_name="reports"
    )
    year = models.PositiveSmallIntegerField("年度")
    half = models.PositiveSmallIntegerField("半年", choices=Half.choices)
    version = models.PositiveSmallIntegerField("版本", default=1)
    status = models.CharField("状态", max_length=8, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    content = models.JSONField("内容", default=dict, blank=True)

    compiled_at = models.DateTimeField("编制时间", null=True, blank=True)
    compiled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="编制人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    finalised_at = models.DateTimeField("定稿时间", null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="定稿人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # Compiling and rendering run in a Celery task; the page polls these.
    job_status = models.CharField("后台任务", max_length=8, choices=JobStatus.choices, default=JobStatus.IDLE)
    job_error = models.TextField("失败原因", blank=True)
    job_started_at = models.DateTimeField(null=True, blank=True)
    job_lease_expires_at = models.DateTimeField(null=True, blank=True)  # renewed by the running worker
    docx_file = models.FileField("Word 文件", upload_to="reports/%Y/", blank=True)
    xlsx_file = models.FileField("统计附表", upload_to="reports/%Y/", blank=True)
    rendered_at = models.DateTimeField("文件生成时间", null=True, blank=True)

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["content", "job_status", "job_error", "job_started_at", "job_lease_expires_at"]
    )
    objects = ReportQuerySet.as_manager()
    job_lease = JobLease(
        status_field="job_status",
        running=JobStatus.RUNNING,
        waiting=(JobStatus.QUEUED,),
        expires_field="job_lease_expires_at",
    )

    class Meta:
        verbose_name = "半年工作总结"
        verbose_name_plural = "半年工作总结"
        ordering = ["-year", "-half", "organisation__path", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "half", "version"], name="report_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.display_name}{self.year}年{self.get_half_display()}工作总结（第{self.version}版）"

    @property
    def is_final(self) -> bool:
        return self.status == ReportStatus.FINAL

    @property
    def period_label(self) -> str:
        return f"{self.year}年{self.get_half_display()}"

    def editable_by(self, user) -> bool:
        """Staff compile and edit every report; a secretary those of the committee they run
        (the one their account is bound to), to prepare the summary it submits upward."""
        return report_editable_by(user, self.organisation)

    @property
    def finalised_by_name(self) -> str:
        user = self.finalised_by
        return (user.get_full_name() or user.username) if user else ""

    @property
    def job_running(self) -> bool:
        return self.job_status in (JobStatus.QUEUED, JobStatus.RUNNING)

    @property
    def job_stalled(self) -> bool:
        """The job's worker stopped renewing its lease (it died): the job may be run again."""
        return self.job_lease.lapsed(self)


class PlanItemQuerySet(ScopedQuerySet):
    pass


class PlanItem(models.Model):
    """One item of an organisation's work plan for a half year (下半年工作计划).

    The plan is kept here, not only in a report's text: the summary of the half before
    shows it as its section 三, obligations linked to it are what the reminders enforce,
    and the summary of the half it plans for reports on it.
    """

    organisation = models.ForeignKey(
        "branches.Organisation", verbose_name="组织", on_delete=models.PROTECT, related_name="plan_items"
    )
    year = models.PositiveSmallIntegerField("年度")
    half = models.PositiveSmallIntegerField("半年", choices=Half.choices)
    position = models.PositiveSmallIntegerField("顺序", default=0)
    heading = models.CharField("标题", max_length=100)
    body = models.TextField("内容")
    obligations = models.ManyToManyField(
        "obligations.Obligation",
        verbose_name="关联考核事项",
        blank=True,
        related_name="plan_items",
        help_text="计划中的硬性要求（如每月一场专题学习、每季度例会）由这些考核事项督促落实。",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()
    objects = PlanItemQuerySet.as_manager()

    class Meta:
        verbose_name = "工作计划事项"
        verbose_name_plural = "工作计划事项"
        ordering = ["organisation", "year", "half", "position", "id"]

    def __str__(self) -> str:
        return self.heading
