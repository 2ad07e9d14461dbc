"""Writes to conferring bodies (授予单位): committee staff keep them, with the short form the
report writes."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ..models import CommendationBatch, ConferringBody, Honour

BODY_FIELDS = ("name", "short_name", "level", "active")


def _check(user, fields: dict) -> None:
    if not user.is_committee_staff:
        raise PermissionDenied("只有区团委工作人员可以管理授予单位。")
    unknown = set(fields) - set(BODY_FIELDS)
    if unknown:
        raise TypeError(f"Not settable here: {sorted(unknown)}")


def _save(body: ConferringBody, user) -> ConferringBody:
    body.full_clean()
    body._history_user = user
    body.save()
    return body


@transaction.atomic
def body_create(*, user, **fields) -> ConferringBody:
    _check(user, fields)
    return _save(ConferringBody(**fields), user)


@transaction.atomic
def body_update(*, body: ConferringBody, user, **fields) -> ConferringBody:
    """Change a body. Its level is that of every honour it conferred: while honours use it,
    the level stays (they would no longer agree with it)."""
    _check(user, fields)
    body = ConferringBody.objects.select_for_update().get(pk=body.pk)
    old_level = body.level
    for name, value in fields.items():
        setattr(body, name, value)
    if body.level != old_level:
        used = (
            Honour.objects.filter(conferring_body=body).exclude(level=body.level).count()
            + CommendationBatch.objects.filter(conferring_body=body).exclude(level=body.level).count()
        )
        if used:
            raise ValidationError(
                {"level": f"已有 {used} 条表彰记录使用该单位且级别不同，不能修改级别；如确需修改，请先调整这些记录。"}
            )
    return _save(body, user)
