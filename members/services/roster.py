from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from branches.models import Organisation

from ..ages import today
from ..choices import Ethnicity, Status
from ..models import Member

EDITABLE_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "phone",
    "organisation",
    "category",
    "joined_league_on",
    "member_number",
    "development_number",
    "education",
    "occupation",
    "status",
)
# Statuses set by a plain edit; the others come from their own procedures
# (transfers set "transferred out", the ageing-out confirmation sets "aged out").
EDITABLE_STATUSES = (Status.ACTIVE, Status.WITHDRAWN, Status.REMOVED)


def _check_unique(member: Member) -> None:
    clash = Member.objects.filter(id_number_hash=member.id_number_hash)
    if member.pk:
        clash = clash.exclude(pk=member.pk)
    if clash.exists():
        raise ValidationError({"id_number": "该身份证号码已登记在花名册中。"})
    for field_name, label in (("member_number", "团员编号"), ("development_number", "发展团员编号")):
        if value := getattr(member, field_name):
            clash = Member.objects.filter(**{field_name: value})
            if member.pk:
                clash = clash.exclude(pk=member.pk)
            if clash.exists():
                raise ValidationError({field_name: f"该{label}已被使用。"})


def _validate(member: Member) -> None:
    _check_unique(member)
    # Uniqueness is checked above with field names the forms know.
    member.full_clean(validate_unique=False, validate_constraints=False)


@sensitive_variables("id_number")
@transaction.atomic
def member_create(
    *,
    name: str,
    id_number: str,
    organisation: Organisation,
    category: str,
    gender: str = "",
    birth_date: date | None = None,
    ethnicity: str = Ethnicity.HAN,
    phone: str = "",
    joined_league_on: date | None = None,
    member_number: str = "",
    development_number: str = "",
    education: str = "",
    occupation: str = "",
) -> Member:
    """Put a person on the roster. Gender and birth date default to what the ID number says."""
    member = Member(
        name=name.strip(),
        organisation=organisation,
        category=category,
        ethnicity=ethnicity,
        phone=phone,
        joined_league_on=joined_league_on,
        member_number=member_number.strip(),
        development_number=development_number.strip(),
        education=education,
        occupation=occupation,
        status=Status.ACTIVE,
    )
    parsed = member.set_id_number(id_number)
    member.gender = gender or parsed.gender
    member.birth_date = birth_date or parsed.birth_date
    _validate(member)
    member.save()
    return member


@sensitive_variables("id_number")
@transaction.atomic
def member_update(*, member: Member, id_number: str = "", **fields) -> Member:
    """Change a member's details. ``id_number`` replaces the number when given.

    Moving to another organisation is refused while a transfer is pending: the
    transfer would otherwise move the member from an organisation they have left.
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable here: {sorted(unknown)}")
    member = Member.objects.select_for_update().get(pk=member.pk)
    old_status, old_org = member.status, member.organisation_id
    for name, value in fields.items():
        setattr(member, name, value)
    if id_number:
        member.set_id_number(id_number)
    if member.status != old_status:
        if member.status not in EDITABLE_STATUSES:
            raise ValidationError({"status": "该状态须通过组织关系转接或超龄离团办理。"})
        member.status_changed_on = today()
    if member.organisation_id != old_org and member.transfers.pending().exists():
        raise ValidationError({"organisation": "该成员有待接收的组织关系转接，请先办结或撤回。"})
    _validate(member)
    member.save()
    return member
