from django.conf import settings
from django.db import models

from core.validators import COMMENT_LENGTH, max_chars


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已通过"
    RETURNED = "returned", "已退回"


# Statuses in which the secretary who entered a record still owns it.
EDITABLE_BY_SECRETARY = (Status.DRAFT, Status.RETURNED)


class Reviewable(models.Model):
    """Who submitted a record and when, who reviewed it, when, and what they said."""

    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    review_comment = models.TextField(
        "审核意见", blank=True, max_length=COMMENT_LENGTH, validators=[max_chars(COMMENT_LENGTH)]
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    # Here because a bulk review (bulk_update) must stamp it by hand.
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_locked(self) -> bool:
        """Awaiting review or approved: the secretary no longer changes it."""
        return self.status in (Status.SUBMITTED, Status.APPROVED)
