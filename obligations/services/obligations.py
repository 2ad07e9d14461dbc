from django.core.exceptions import PermissionDenied
from django.db import transaction

from ..models import Obligation

OBLIGATION_FIELDS = (
    "name",
    "description",
    "target",
    "organisation_kinds",
    "directly_managed",
    "all_organisations",
    "cadre_kinds",
    "activity_kinds",
    "indicator",
    "frequency",
    "min_count",
    "min_hours",
    "indicator_min",
    "lead_days",
    "active_from",
    "active_until",
    "active",
    "remind",
    "position",
)


def _check(user, fields: dict) -> None:
    if not user.is_committee_staff:
        raise PermissionDenied("只有区团委工作人员可以维护履职要求。")
    unknown = set(fields) - set(OBLIGATION_FIELDS)
    if unknown:
        raise TypeError(f"Not settable here: {sorted(unknown)}")


@transaction.atomic
def obligation_create(*, user, **fields) -> Obligation:
    _check(user, fields)
    obligation = Obligation(**fields)
    obligation.full_clean()
    obligation._history_user = user
    obligation.save()
    return obligation


@transaction.atomic
def obligation_update(*, obligation: Obligation, user, **fields) -> Obligation:
    """Change an obligation. Reminders already sent stay in the ledger as they were."""
    _check(user, fields)
    obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
    for name, value in fields.items():
        setattr(obligation, name, value)
    obligation.full_clean()
    obligation._history_user = user
    obligation.save()
    return obligation
