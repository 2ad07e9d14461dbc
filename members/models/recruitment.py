from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from branches.models import Kind, Organisation
from branches.scoping import ScopedQuerySet
from core.validators import validate_date

from ..ages import age_on, today
from ..choices import OPEN_STAGES, Stage

# Each stage of the pipeline and the date field that records reaching it, in order.
STAGE_DATES = (
    (Stage.APPLICANT, "applied_on"),
    (Stage.ACTIVIST, "activist_on"),
    (Stage.CANDIDATE, "candidate_on"),
    (Stage.ADMITTED, "admitted_on"),
)
NEXT_STAGE = {Stage.APPLICANT: Stage.ACTIVIST, Stage.ACTIVIST: Stage.CANDIDATE, Stage.CANDIDATE: Stage.ADMITTED}


class RecruitmentQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(stage__in=OPEN_STAGES)


class RecruitmentCase(models.Model):
    """发展团员: one person's way from application to admission, each stage dated."""

    member = models.ForeignKey(
        "members.Member", verbose_name="申请人", on_delete=models.CASCADE, related_name="recruitment_cases"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="发展组织", on_delete=models.PROTECT, related_name="recruitment_cases"
    )
    stage = models.CharField("阶段", max_length=16, choices=Stage.choices, default=Stage.APPLICANT)
    applied_on = models.DateField("递交入团申请日期", validators=[validate_date])
    activist_on = models.DateField("确定为入团积极分子日期", null=True, blank=True, validators=[validate_date])
    candidate_on = models.DateField("确定为发展对象日期", null=True, blank=True, validators=[validate_date])
    admitted_on = models.DateField("接收为团员日期", null=True, blank=True, validators=[validate_date])
    stopped_on = models.DateField("终止日期", null=True, blank=True, validators=[validate_date])
    stop_reason = models.CharField("终止原因", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()
    objects = RecruitmentQuerySet.as_manager()

    class Meta:
        verbose_name = "发展团员"
        verbose_name_plural = "发展团员"
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(stage__in=OPEN_STAGES), name="one_open_recruitment_per_member"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "stage"], name="recruit_org_stage"),
            models.Index(fields=["admitted_on"], name="recruit_admitted"),
        ]

    def __str__(self) -> str:
        return f"{self.member.name}：{self.get_stage_display()}"

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def next_stage(self) -> str | None:
        return NEXT_STAGE.get(self.stage)

    def clean(self):
        errors: dict[str, str] = {}
        now = today()
        previous: date | None = None
        reached = True
        for _stage, field in STAGE_DATES:
            value = getattr(self, field)
            if value is None:
                reached = False
                continue
            if not reached:
                errors[field] = "请先记录前一阶段的日期。"
            if value > now:
                errors[field] = "日期不能晚于今天。"
            elif previous is not None and value < previous:
                errors[field] = "日期不能早于前一阶段。"
            previous = value
        expected = {Stage.STOPPED: "stopped_on"}.get(self.stage) or dict(STAGE_DATES).get(self.stage)
        if expected and getattr(self, expected) is None:
            errors.setdefault(expected, "请填写该阶段的日期。")
        birth = self.member.birth_date if self.member_id else None
        if birth and self.applied_on and age_on(birth, self.applied_on) < 14:
            errors.setdefault("applied_on", "年满14周岁方可递交入团申请。")
        if birth and self.admitted_on and age_on(birth, self.admitted_on) >= 28:
            errors.setdefault("admitted_on", "年满28周岁者不能再接收为团员。")
        if self.stopped_on and self.applied_on and self.stopped_on < self.applied_on:
            errors.setdefault("stopped_on", "终止日期不能早于申请日期。")
        if self.organisation_id and self.organisation.kind in (Kind.BRIGADE, Kind.SQUADRON):
            errors.setdefault("organisation", "发展团员应由团的组织进行，不能是少先队组织。")
        if errors:
            raise ValidationError(errors)
