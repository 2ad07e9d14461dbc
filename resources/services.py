"""Writes to bases, coverage, partners and donations: staff anywhere, a secretary within their
subtree, leadership nothing. Every write keeps a history row naming who made it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from branches.scoping import Scope

from .models import Base, Coverage, Donation, Partner, same_line

EDITABLE = {
    Base: ("organisation", "name", "kind", "level", "recognised_on", "withdrawn_on", "address", "note"),
    Coverage: ("organisation", "title", "form", "outlet", "outlet_level", "published_on", "url", "activity", "note"),
    Partner: ("organisation", "name", "kind", "since", "until", "note"),
    Donation: (
        "organisation",
        "received_on",
        "donor",
        "partner",
        "activity",
        "purpose",
        "money",
        "goods_count",
        "goods_unit",
        "goods_kind",
        "goods_value",
        "qualifier",
        "note",
    ),
}


def _check_may_edit(user, organisation) -> None:
    if not (user.can_write and Scope.of(user).reaches(organisation)):
        raise PermissionDenied("不能修改该组织的记录。")


def _write(*, user, record: models.Model, fields: dict, activities=None) -> models.Model:
    unknown = set(fields) - set(EDITABLE[type(record)])
    if unknown:
        raise TypeError(f"Not editable here: {sorted(unknown)}")
    if record.pk is not None:
        # The record as it is, and whoever may edit where it is now.
        record = type(record).objects.select_for_update().select_related("organisation").get(pk=record.pk)
        _check_may_edit(user, record.organisation)
    for name, value in fields.items():
        setattr(record, name, value)
    if record.organisation_id is None:
        raise ValidationError({"organisation": "请选择所属组织。"})
    _check_may_edit(user, record.organisation)
    if record.pk is None:
        record.created_by = user
    record.full_clean()
    if activities is not None:
        stray = [a for a in activities if not same_line(record.organisation, a.organisation)]
        if stray:
            raise ValidationError({"activities": f"活动「{stray[0].title}」不属于本组织或其上下级组织。"})
    record._history_user = user
    record.save()
    if activities is not None:
        record.activities.set(activities)
    return record


def _delete(*, user, record: models.Model) -> None:
    record = type(record).objects.select_for_update().select_related("organisation").get(pk=record.pk)
    _check_may_edit(user, record.organisation)
    record._history_user = user
    record.delete()


@transaction.atomic
def base_create(*, user, **fields) -> Base:
    """Record a base (阵地) recognised at a level on a date."""
    return _write(user=user, record=Base(), fields=fields)


@transaction.atomic
def base_update(*, user, base: Base, **fields) -> Base:
    return _write(user=user, record=base, fields=fields)


@transaction.atomic
def base_delete(*, user, base: Base) -> None:
    _delete(user=user, record=base)


@transaction.atomic
def coverage_create(*, user, **fields) -> Coverage:
    """Record a piece picked up by an outlet."""
    return _write(user=user, record=Coverage(), fields=fields)


@transaction.atomic
def coverage_update(*, user, coverage: Coverage, **fields) -> Coverage:
    return _write(user=user, record=coverage, fields=fields)


@transaction.atomic
def coverage_delete(*, user, coverage: Coverage) -> None:
    _delete(user=user, record=coverage)


@transaction.atomic
def partner_create(*, user, activities=(), **fields) -> Partner:
    """Record a partner unit; ``activities`` held together with it must be of the same line."""
    return _write(user=user, record=Partner(), fields=fields, activities=list(activities))


@transaction.atomic
def partner_update(*, user, partner: Partner, activities=None, **fields) -> Partner:
    return _write(user=user, record=partner, fields=fields, activities=None if activities is None else list(activities))


@transaction.atomic
def partner_delete(*, user, partner: Partner) -> None:
    _delete(user=user, record=partner)


@transaction.atomic
def donation_create(*, user, **fields) -> Donation:
    """Record money and/or goods raised."""
    return _write(user=user, record=Donation(), fields=fields)


@transaction.atomic
def donation_update(*, user, donation: Donation, **fields) -> Donation:
    return _write(user=user, record=donation, fields=fields)


@transaction.atomic
def donation_delete(*, user, donation: Donation) -> None:
    _delete(user=user, record=donation)
