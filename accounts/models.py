from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    STAFF = "staff", "区团委工作人员"
    SECRETARY = "secretary", "基层团组织书记"
    LEADER = "leader", "领导"


class User(AbstractUser):
    """A portal user. What they may see and change follows from role and organisation.

    Staff see and change the whole district, leadership read everything and change
    nothing, a secretary acts on the subtree under their organisation.
    """

    role = models.CharField("角色", max_length=16, choices=Role.choices, default=Role.SECRETARY)
    organisation = models.ForeignKey(
        "branches.Organisation",
        verbose_name="所属组织",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text="书记所负责的组织；其下级组织一并归其管理。",
    )
    phone = models.CharField("手机号码", max_length=20, blank=True)
    # Set when the holder entered the code texted to ``phone``; cleared when the number changes.
    # Only a verified number receives reminders by SMS or resets the password.
    phone_verified_at = models.DateTimeField("手机号码验证时间", null=True, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def get_full_name(self) -> str:
        # Chinese names are written surname first, with no space: 李明, not "明 李".
        return f"{self.last_name}{self.first_name}".strip()

    @property
    def verified_phone(self) -> str:
        return self.phone if self.phone and self.phone_verified_at else ""

    @property
    def is_committee_staff(self) -> bool:
        return self.is_active and (self.is_superuser or self.role == Role.STAFF)

    @property
    def is_leader(self) -> bool:
        return self.is_active and not self.is_superuser and self.role == Role.LEADER

    @property
    def is_secretary(self) -> bool:
        return self.is_active and not self.is_superuser and self.role == Role.SECRETARY

    @property
    def can_write(self) -> bool:
        return self.is_committee_staff or self.is_secretary
