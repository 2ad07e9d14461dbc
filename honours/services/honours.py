"""Writes to single honours (those not in a commendation list)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from branches.models import Organisation
from core.review import services as review
from core.review.models import Status

from .. import rules
from ..models import Direction, Honour
from . import files

HONOUR_FIELDS = (
    "title",
    "grade",
    "level",
    "conferring_body",
    "edition",
    "awarded_on",
    "year_from",
    "year_to",
    "direction",
    "recipient_kind",
    "member",
    "recipient_organisation",
    "recipient_name",
    "certificate_number",
    "note",
)


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - set(HONOUR_FIELDS)
    if unknown:
        raise TypeError(f"Not settable here: {sorted(unknown)}")


def _resolve_recipient(honour: Honour, entered_for: Organisation | None) -> None:
    """Name the recipient after the registry entry and set the owning organisation."""
    if honour.member_id:
        honour.recipient_name = honour.member.name
    elif honour.recipient_organisation_id:
        honour.recipient_name = honour.recipient_organisation.name
    honour.recipient_name = (honour.recipient_name or "").strip()
    owner = honour.owner_organisation(entered_for)
    if owner is None:
        raise ValidationError({"organisation": "请选择这条表彰所属的组织。"})
    honour.organisation = owner


def _require_enter(user, honour: Honour) -> None:
    if not rules.can_enter(user, organisation=honour.organisation, direction=honour.direction):
        if honour.direction == Direction.CONFERRED and not user.is_committee_staff:
            raise PermissionDenied("本级授予的表彰由区团委工作人员录入。")
        raise PermissionDenied("不能为该组织录入表彰。")


COMMENT_MISSING = "退回时请填写审核意见，说明需要修改什么。"
CONFERRED_IS_FINAL = "本级授予的表彰由区团委直接定稿，无需提交审核；请选择“保存并审核通过（定稿）”。"


def _mark(honour: Honour, user, *, submit: bool, approve: bool) -> None:
    if submit and not approve and not rules.needs_review(honour):
        raise ValidationError(CONFERRED_IS_FINAL)
    if approve:
        if not user.is_committee_staff:
            raise PermissionDenied("只有区团委工作人员可以审核表彰。")
        review.stamp(honour, action=review.APPROVE, user=user)
    elif submit:
        review.stamp(honour, action=review.SUBMIT, user=user)


def _save(honour: Honour, user, *, certificate=None) -> None:
    honour._history_user = user
    with files.stored(honour.certificate, certificate):
        honour.save()


@transaction.atomic
def honour_create(
    *,
    user,
    organisation: Organisation | None = None,
    certificate=None,
    submit: bool = False,
    approve: bool = False,
    **fields,
) -> Honour:
    """Enter one honour as a draft (or submitted, or, for staff, approved at once).

    ``organisation`` is the organisation the honour is entered for; it owns the record
    when the recipient is a plain name. A linked member or organisation owns it otherwise.
    The certificate is checked before anything is written.
    """
    _check_fields(fields)
    checked = original = None
    if certificate is not None:
        checked, original = files.checked_certificate(certificate)
    honour = Honour(**fields, created_by=user, status=Status.DRAFT)
    _resolve_recipient(honour, organisation)
    _require_enter(user, honour)
    honour.full_clean(exclude=["certificate", "counted_on"])
    _mark(honour, user, submit=submit, approve=approve)
    if checked is not None:
        honour.certificate_name = original
    _save(honour, user, certificate=checked)
    return honour


@transaction.atomic
def honour_update(
    *,
    honour: Honour,
    user,
    organisation: Organisation | None = None,
    certificate=None,
    remove_certificate: bool = False,
    submit: bool = False,
    **fields,
) -> Honour:
    """Change an honour the user may edit; a new certificate replaces the old one after commit."""
    _check_fields(fields)
    honour = Honour.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=honour.pk)
    if not rules.can_edit(user, honour):
        raise PermissionDenied("该表彰已提交或已通过审核，不能再修改。")
    checked = original = None
    if certificate is not None:
        checked, original = files.checked_certificate(certificate)
    previous_file = honour.certificate.name
    for name, value in fields.items():
        setattr(honour, name, value)
    _resolve_recipient(honour, organisation or honour.organisation)
    _require_enter(user, honour)
    honour.full_clean(exclude=["certificate", "counted_on"])
    if submit:
        if not rules.needs_review(honour):
            raise ValidationError(CONFERRED_IS_FINAL)
        if not rules.honour_review.can_submit(user, honour):
            raise ValidationError("该表彰当前不能提交审核。")
        _mark(honour, user, submit=True, approve=False)
    if checked is not None:
        honour.certificate_name = original
    elif remove_certificate:
        honour.certificate = ""
        honour.certificate_name = ""
    _save(honour, user, certificate=checked)
    if previous_file and (checked is not None or remove_certificate):
        files.delete_after_commit(previous_file, honour.certificate.storage)
    return honour


@transaction.atomic
def honour_set_certificate(*, honour: Honour, user, certificate=None, remove: bool = False) -> Honour:
    """Attach, replace or remove the certificate of any honour the user may change (also list recipients)."""
    honour = Honour.objects.select_for_update(of=("self",)).select_related("organisation", "batch").get(pk=honour.pk)
    if not rules.can_manage_certificate(user, honour):
        raise PermissionDenied("不能修改这条表彰的证书。")
    previous_file = honour.certificate.name
    checked = None
    if certificate is not None:
        checked, honour.certificate_name = files.checked_certificate(certificate)
    elif remove:
        honour.certificate, honour.certificate_name = "", ""
    else:
        raise ValidationError({"certificate": "请选择证书文件。"})
    _save(honour, user, certificate=checked)
    if previous_file:
        files.delete_after_commit(previous_file, honour.certificate.storage)
    return honour


def _locked(honour: Honour) -> Honour:
    return Honour.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=honour.pk)


def conferred_is_final(message: str):
    """The refusal hook of honours and lists: staff learn why a conferred record is not submitted."""

    def refusal(action: str, record, user) -> str:
        final = action == review.SUBMIT and user.is_committee_staff and not rules.needs_review(record)
        return message if final else ""

    return refusal


REVIEW = review.Workflow(
    model=Honour,
    rules=rules.honour_review,
    noun="表彰",
    comment_missing=COMMENT_MISSING,
    refusal=conferred_is_final(CONFERRED_IS_FINAL),
)


@transaction.atomic
def honour_delete(*, honour: Honour, user) -> None:
    honour = _locked(honour)
    if not rules.can_delete(user, honour):
        raise PermissionDenied("已提交或已通过的表彰不能删除。")
    name, storage = honour.certificate.name, honour.certificate.storage
    honour._history_user = user
    honour.delete()
    files.delete_after_commit(name, storage)
