"""发展团员: applicant → activist → candidate → admitted, each stage dated."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from branches.models import Organisation

from ..choices import Category, Stage, Status
from ..models import Member, RecruitmentCase
from ..models.member import PIONEER_KINDS
from ..models.recruitment import STAGE_DATES


@transaction.atomic
def recruitment_start(*, member: Member, organisation: Organisation, applied_on: date) -> RecruitmentCase:
    """Record an application to join the League (入团申请)."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.status != Status.ACTIVE:
        raise ValidationError("只有在册人员才能登记入团申请。")
    if member.category == Category.LEAGUE_MEMBER:
        raise ValidationError("该成员已是团员。")
    if RecruitmentCase.objects.open().filter(member=member).exists():
        raise ValidationError("该成员已有进行中的发展程序。")
    case = RecruitmentCase(member=member, organisation=organisation, applied_on=applied_on, stage=Stage.APPLICANT)
    case.full_clean(validate_constraints=False)
    case.save()
    return case


@transaction.atomic
def recruitment_advance(*, case: RecruitmentCase, on: date, member_number: str = "") -> RecruitmentCase:
    """Move the case to its next stage on ``on``. Admission makes the person a league member:
    category, joining date and member number are set, and a young pioneer moves from
    their squadron to the branch that admitted them."""
    case = RecruitmentCase.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=case.pk)
    next_stage = case.next_stage
    if next_stage is None:
        raise ValidationError(f"该发展程序已{case.get_stage_display()}。")
    setattr(case, dict(STAGE_DATES)[next_stage], on)
    case.stage = next_stage
    case.full_clean(validate_constraints=False)
    case.save()
    if next_stage == Stage.ADMITTED:
        member = Member.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=case.member_id)
        if member.status != Status.ACTIVE:
            raise ValidationError("该成员已不在册，不能接收为团员。")
        member.category = Category.LEAGUE_MEMBER
        member.joined_league_on = on
        if member_number.strip():
            if Member.objects.filter(member_number=member_number.strip()).exclude(pk=member.pk).exists():
                raise ValidationError({"member_number": "该团员编号已被使用。"})
            member.member_number = member_number.strip()
        if member.organisation.kind in PIONEER_KINDS:
            member.organisation = case.organisation
        member.full_clean(validate_unique=False, validate_constraints=False)
        member.save()
    return case


@transaction.atomic
def recruitment_stop(*, case: RecruitmentCase, on: date, reason: str) -> RecruitmentCase:
    case = RecruitmentCase.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise ValidationError(f"该发展程序已{case.get_stage_display()}。")
    if not reason.strip():
        raise ValidationError({"stop_reason": "请填写终止原因。"})
    case.stage = Stage.STOPPED
    case.stopped_on = on
    case.stop_reason = reason.strip()
    case.full_clean(validate_constraints=False)
    case.save()
    return case
