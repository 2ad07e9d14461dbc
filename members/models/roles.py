from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from branches.models import Kind, Organisation
from branches.scoping import ScopedQuerySet
from core.validators import validate_date

from ..ages import today
from ..choices import CadreKind, CounsellorRole

COUNSELLOR_KINDS = {
    CounsellorRole.CHIEF: (Kind.PIONEER_COMMITTEE,),
    CounsellorRole.BRIGADE: (Kind.BRIGADE, Kind.SCHOOL),
    CounsellorRole.SQUADRON: (Kind.SQUADRON,),
}


class AppointmentQuerySet(ScopedQuerySet):
    def current(self, on: date | None = None):
        on = on or today()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on), started_on__lte=on)


class Appointment(models.Model):
    """A role a member holds in an organisation, from a date, until a date or still."""

    started_on = models.DateField("任职日期", validators=[validate_date])
    ended_on = models.DateField("离任日期", null=True, blank=True, validators=[validate_date])
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        abstract = True

    def is_current(self, on: date | None = None) -> bool:
        on = on or today()
        return self.started_on <= on and (self.ended_on is None or self.ended_on >= on)

    def clean(self):
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "离任日期不能早于任职日期。"})


class CadreAppointment(Appointment):
    """团干部: a post in a league organisation, full-time, part-time or seconded."""

    member = models.ForeignKey(
        "members.Member", verbose_name="成员", on_delete=models.CASCADE, related_name="cadre_appointments"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="任职组织", on_delete=models.PROTECT, related_name="cadre_appointments"
    )
    kind = models.CharField("任职方式", max_length=16, choices=CadreKind.choices)
    position = models.CharField("职务", max_length=40, help_text="如：书记、副书记、组织委员。")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "团干部任职"
        verbose_name_plural = "团干部任职"
        ordering = ["organisation__path", "started_on"]
        indexes = [models.Index(fields=["organisation", "ended_on"], name="cadre_org_ended")]

    def __str__(self) -> str:
        return f"{self.organisation} {self.position}（{self.get_kind_display()}）"

    def clean(self):
        super().clean()
        if self.organisation_id and self.organisation.kind in (Kind.BRIGADE, Kind.SQUADRON):
            raise ValidationError({"organisation": "团干部应在团的组织任职；少先队组织请登记辅导员。"})


class CounsellorAppointment(Appointment):
    """少先队辅导员: a counsellor of a pioneer committee, brigade or squadron."""

    member = models.ForeignKey(
        "members.Member", verbose_name="成员", on_delete=models.CASCADE, related_name="counsellor_appointments"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="任职组织", on_delete=models.PROTECT, related_name="counsellor_appointments"
    )
    role = models.CharField("辅导员类别", max_length=16, choices=CounsellorRole.choices)
    full_time = models.BooleanField("专职", default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "少先队辅导员任职"
        verbose_name_plural = "少先队辅导员任职"
        ordering = ["organisation__path", "started_on"]
        indexes = [models.Index(fields=["organisation", "ended_on"], name="counsellor_org_ended")]

    def __str__(self) -> str:
        return f"{self.organisation} {self.get_role_display()}"

    def clean(self):
        super().clean()
        allowed = COUNSELLOR_KINDS.get(self.role, ())
        if self.organisation_id and self.role and self.organisation.kind not in allowed:
            labels = "、".join(Kind(kind).label for kind in allowed)
            raise ValidationError({"organisation": f"{self.get_role_display()}应在{labels}任职。"})
