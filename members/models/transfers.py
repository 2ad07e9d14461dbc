from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from branches.models import Organisation
from branches.scoping import Scope, ScopedQuerySet

from ..choices import TransferReason, TransferStatus


class TransferQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """Both ends see a transfer: the sending side and the receiving side."""
        scope = Scope.of(user)
        if scope.everything:
            return self
        if scope.path is None:
            return self.none()
        return self.filter(
            Q(from_organisation__path__startswith=scope.path) | Q(to_organisation__path__startswith=scope.path)
        )

    def pending(self):
        return self.filter(status=TransferStatus.REQUESTED)


class Transfer(models.Model):
    """组织关系转接: a member moves from one organisation to another (or out of the district).

    The member stays with the sending organisation until the receiving side accepts,
    so a member belongs to exactly one organisation at every moment.
    """

    member = models.ForeignKey(
        "members.Member", verbose_name="成员", on_delete=models.CASCADE, related_name="transfers"
    )
    from_organisation = models.ForeignKey(
        Organisation, verbose_name="转出组织", on_delete=models.PROTECT, related_name="transfers_out"
    )
    to_organisation = models.ForeignKey(
        Organisation,
        verbose_name="转入组织",
        on_delete=models.PROTECT,
        related_name="transfers_in",
        null=True,
        blank=True,
    )
    external_destination = models.CharField(
        "转往区外组织", max_length=120, blank=True, help_text="转出本区时填写接收团组织的全称。"
    )
    reason = models.CharField("转接原因", max_length=16, choices=TransferReason.choices)
    note = models.CharField("说明", max_length=300, blank=True)
    status = models.CharField("状态", max_length=16, choices=TransferStatus.choices, default=TransferStatus.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办理人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField("办理时间", null=True, blank=True)
    decision_note = models.CharField("办理意见", max_length=300, blank=True)

    history = HistoricalRecords()
    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = "组织关系转接"
        verbose_name_plural = "组织关系转接"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(status="requested"), name="one_pending_transfer_per_member"
            ),
            models.CheckConstraint(
                condition=(Q(to_organisation__isnull=False) & Q(external_destination=""))
                | (Q(to_organisation__isnull=True) & ~Q(external_destination="")),
                name="transfer_has_one_destination",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.name}：{self.from_organisation} → {self.destination_name}"

    @property
    def is_external(self) -> bool:
        return self.to_organisation_id is None

    @property
    def destination_name(self) -> str:
        return self.to_organisation.name if self.to_organisation_id else f"{self.external_destination}（区外）"

    @property
    def is_pending(self) -> bool:
        return self.status == TransferStatus.REQUESTED

    def clean(self):
        if self.to_organisation_id and self.external_destination:
            raise ValidationError("转入组织与区外组织只能填写一个。")
        if not self.to_organisation_id and not self.external_destination.strip():
            raise ValidationError({"to_organisation": "请选择转入组织，或填写区外接收组织。"})
        if self.to_organisation_id and self.to_organisation_id == self.from_organisation_id:
            raise ValidationError({"to_organisation": "转入组织不能与转出组织相同。"})
        if self.to_organisation_id and not self.to_organisation.active:
            raise ValidationError({"to_organisation": "转入组织已停用。"})
