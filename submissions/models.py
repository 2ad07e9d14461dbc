"""Half-year summaries flowing up the tree: a committee asks the committees below it for
their summaries by a deadline (征集), each asked committee submits a finalised version of its
own report (报送), and the requester returns it for changes or accepts it.

A request's asked committees are rows of ``Submission``; the summary itself is a
``reports.Report`` version (the same editor, the same finalising). What a submission's status
is at a glance (未开始 / 编制中 / 已报送 / 已退回 / 已接收) follows from the stored state and
whether the committee has a draft.
"""

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from activities.periods import Period
from branches.scoping import Scope, ScopedQuerySet
from reports.models import Half


class SummaryRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The requests a user's committee made (or any in their subtree) and the ones
        addressed to a committee in their subtree."""
        scope = Scope.of(user)
        if scope.everything:
            return self
        if scope.path is None:
            return self.none()
        return self.filter(
            Q(organisation__path__startswith=scope.path) | Q(submissions__organisation__path__startswith=scope.path)
        ).distinct()


class SummaryRequest(models.Model):
    """征集: a committee asks committees below it for their summary of a half year."""

    organisation = models.ForeignKey(
        "branches.Organisation", verbose_name="征集单位", on_delete=models.PROTECT, related_name="summary_requests"
    )
    year = models.PositiveSmallIntegerField("年度")
    half = models.PositiveSmallIntegerField("半年", choices=Half.choices)
    deadline = models.DateField("报送截止日期")
    note = models.TextField("说明", blank=True, max_length=2000)
    lead_days = models.PositiveSmallIntegerField(
        "提前提醒天数",
        default=3,
        validators=[MaxValueValidator(60)],
        help_text="截止日期前多少天（含当天）提醒尚未报送的单位；逾期后另发逾期通知。",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)

    history = HistoricalRecords()
    objects = SummaryRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "工作总结征集"
        verbose_name_plural = "工作总结征集"
        ordering = ["-year", "-half", "-deadline", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "half"], name="summary_request_once"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.display_name}征集{self.period_label}工作总结"

    @property
    def period_label(self) -> str:
        return f"{self.year}年{self.get_half_display()}"

    @property
    def period(self) -> Period:
        return Period.half_year(self.year, self.half)

    def reminder_window_opens(self) -> date:
        return date.fromordinal(self.deadline.toordinal() - self.lead_days)


class SubmissionState(models.TextChoices):
    PENDING = "pending", "未报送"
    SUBMITTED = "submitted", "已报送"
    RETURNED = "returned", "已退回"
    ACCEPTED = "accepted", "已接收"


class DisplayStatus(models.TextChoices):
    """What the status table shows: the stored state, with 未报送 split by whether a draft exists."""

    NOT_STARTED = "not_started", "未开始"
    DRAFTING = "drafting", "编制中"
    SUBMITTED = "submitted", "已报送"
    RETURNED = "returned", "已退回"
    ACCEPTED = "accepted", "已接收"


OPEN_STATES = (SubmissionState.PENDING, SubmissionState.RETURNED)


class SubmissionQuerySet(ScopedQuerySet):
    """A committee sees its own submission (and those of its subtree); the requester sees every
    committee it asked, since they all lie below it."""

    def open(self):
        return self.filter(state__in=OPEN_STATES)


class Submission(models.Model):
    """One asked committee of a request, and what it has submitted."""

    request = models.ForeignKey(
        SummaryRequest, verbose_name="征集", on_delete=models.CASCADE, related_name="submissions"
    )
    organisation = models.ForeignKey(
        "branches.Organisation", verbose_name="报送单位", on_delete=models.PROTECT, related_name="submissions"
    )
    # The request's half, kept here too: a committee is asked for a half year's summary once.
    year = models.PositiveSmallIntegerField("年度")
    half = models.PositiveSmallIntegerField("半年", choices=Half.choices)
    state = models.CharField("状态", max_length=12, choices=SubmissionState.choices, default=SubmissionState.PENDING)
    report = models.ForeignKey(
        "reports.Report",
        verbose_name="报送版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    first_submitted_at = models.DateTimeField("首次报送时间", null=True, blank=True)
    comment = models.TextField("退回意见", blank=True, max_length=2000)
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = "工作总结报送"
        verbose_name_plural = "工作总结报送"
        ordering = ["request", "organisation__path"]
        constraints = [
            models.UniqueConstraint(fields=["request", "organisation"], name="submission_once_per_request"),
            models.UniqueConstraint(fields=["organisation", "year", "half"], name="submission_once_per_half"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.display_name}{self.year}年{self.get_half_display()}工作总结报送"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def version(self) -> int | None:
        return self.report.version if self.report_id else None
