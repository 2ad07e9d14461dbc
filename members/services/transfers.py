"""组织关系转接: request by the sending side, accept or return by the receiving side."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from branches.models import Organisation

from ..ages import today
from ..choices import Status, TransferStatus
from ..models import CadreAppointment, CounsellorAppointment, Member, Transfer
from ..models.member import category_fits
from ..rules import can_act_for, require_act_for


@transaction.atomic
def transfer_request(
    *,
    member: Member,
    by: User,
    reason: str,
    to_organisation: Organisation | None = None,
    external_destination: str = "",
    note: str = "",
) -> Transfer:
    """Ask to move ``member`` to another organisation of the district, or out of it."""
    member = Member.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=member.pk)
    require_act_for(by, member.organisation)
    if member.status != Status.ACTIVE:
        raise ValidationError("只有在册成员才能办理组织关系转接。")
    if member.transfers.pending().exists():
        raise ValidationError("该成员已有待接收的组织关系转接。")
    if to_organisation is not None and not category_fits(member.category, to_organisation.kind):
        message = f"{member.get_category_display()}不能转入{to_organisation.get_kind_display()}。"
        raise ValidationError({"to_organisation": message})
    transfer = Transfer(
        member=member,
        from_organisation=member.organisation,
        to_organisation=to_organisation,
        external_destination=external_destination.strip(),
        reason=reason,
        note=note,
        requested_by=by,
    )
    transfer.full_clean(validate_constraints=False)
    transfer.save()
    return transfer


def _lock(transfer: Transfer) -> Transfer:
    locked = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("to_organisation", "from_organisation")
        .get(pk=transfer.pk)
    )
    if locked.status != TransferStatus.REQUESTED:
        raise ValidationError(f"该转接已{locked.get_status_display()}，不能重复办理。")
    return locked


def _may_receive(user: User, transfer: Transfer) -> bool:
    # A transfer out of the district has no receiving side in the portal: staff record it.
    if transfer.to_organisation is None:
        return user.is_committee_staff
    return can_act_for(user, transfer.to_organisation)


@transaction.atomic
def transfer_accept(*, transfer: Transfer, by: User, note: str = "") -> Transfer:
    """The receiving side (or staff) accepts: the member now belongs to the new organisation."""
    transfer = _lock(transfer)
    if not _may_receive(by, transfer):
        raise PermissionDenied
    member = Member.objects.select_for_update().get(pk=transfer.member_id)
    on = today()
    if transfer.to_organisation is not None:
        if not transfer.to_organisation.active:
            raise ValidationError("转入组织已停用，请退回后重新申请。")
        member.organisation = transfer.to_organisation
    else:
        member.status = Status.TRANSFERRED_OUT
        member.status_changed_on = on
        # Leaving the district ends the posts held in it.
        for model in (CadreAppointment, CounsellorAppointment):
            model.objects.filter(member=member).current(on).update(ended_on=on)
    member.full_clean(validate_unique=False, validate_constraints=False)
    member.save()
    transfer.status = TransferStatus.ACCEPTED
    transfer.decided_by = by
    transfer.decided_at = timezone.now()
    transfer.decision_note = note
    transfer.save()
    return transfer


@transaction.atomic
def transfer_reject(*, transfer: Transfer, by: User, note: str) -> Transfer:
    """The receiving side (or staff) returns the request; the member stays where they were."""
    transfer = _lock(transfer)
    if not _may_receive(by, transfer):
        raise PermissionDenied
    if not note.strip():
        raise ValidationError({"decision_note": "退回时请说明原因。"})
    transfer.status = TransferStatus.REJECTED
    transfer.decided_by = by
    transfer.decided_at = timezone.now()
    transfer.decision_note = note.strip()
    transfer.save()
    return transfer


@transaction.atomic
def transfer_cancel(*, transfer: Transfer, by: User) -> Transfer:
    """The sending side (or staff) withdraws a request that has not been accepted yet."""
    transfer = _lock(transfer)
    require_act_for(by, transfer.from_organisation)
    transfer.status = TransferStatus.CANCELLED
    transfer.decided_by = by
    transfer.decided_at = timezone.now()
    transfer.save()
    return transfer
