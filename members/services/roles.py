"""Cadre and counsellor appointments."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from branches.models import Organisation

from ..choices import Status
from ..models import CadreAppointment, CounsellorAppointment, Member

Appointment = CadreAppointment | CounsellorAppointment


def _require_active(member: Member) -> None:
    if member.status != Status.ACTIVE:
        raise ValidationError("只能为在册成员登记任职。")


@transaction.atomic
def cadre_appoint(
    *,
    member: Member,
    organisation: Organisation,
    kind: str,
    position: str,
    started_on: date,
    ended_on: date | None = None,
    note: str = "",
) -> CadreAppointment:
    _require_active(member)
    appointment = CadreAppointment(
        member=member,
        organisation=organisation,
        kind=kind,
        position=position.strip(),
        started_on=started_on,
        ended_on=ended_on,
        note=note,
    )
    appointment.full_clean()
    appointment.save()
    return appointment


@transaction.atomic
def counsellor_appoint(
    *,
    member: Member,
    organisation: Organisation,
    role: str,
    started_on: date,
    full_time: bool = False,
    ended_on: date | None = None,
    note: str = "",
) -> CounsellorAppointment:
    _require_active(member)
    appointment = CounsellorAppointment(
        member=member,
        organisation=organisation,
        role=role,
        full_time=full_time,
        started_on=started_on,
        ended_on=ended_on,
        note=note,
    )
    appointment.full_clean()
    appointment.save()
    return appointment


@transaction.atomic
def appointment_end(*, appointment: Appointment, on: date) -> Appointment:
    appointment = type(appointment).objects.select_for_update().get(pk=appointment.pk)
    if appointment.ended_on is not None and appointment.ended_on < on:
        raise ValidationError("该任职已结束。")
    appointment.ended_on = on
    appointment.full_clean()
    appointment.save()
    return appointment
