"""Writes to the organisation tree."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history
from treebeard.exceptions import InvalidMoveToDescendant

from .models import Organisation

# How a committee's half-year summary is written (reports.compiler reads them).
REPORT_FIELDS = ("report_subject", "report_plan_span", "report_problem_threshold")
EDITABLE_FIELDS = ("name", "short_name", "kind", "directly_managed", "established_on", "term_ends_on", *REPORT_FIELDS)


@transaction.atomic
def organisation_create(
    *,
    parent: Organisation | None,
    name: str,
    kind: str,
    short_name: str = "",
    directly_managed: bool = False,
    established_on: date | None = None,
    term_ends_on: date | None = None,
) -> Organisation:
    """Create an organisation as the last child of ``parent`` (or as a root)."""
    org = Organisation(
        name=name,
        short_name=short_name,
        kind=kind,
        directly_managed=directly_managed,
        established_on=established_on,
        term_ends_on=term_ends_on,
    )
    org.clean_parent(parent)
    org.full_clean(exclude=["path", "depth", "numchild"])
    if parent is None:
        return Organisation.objects.add_root(instance=org)
    parent = Organisation.objects.select_for_update().get(pk=parent.pk)
    if not parent.active:
        raise ValidationError("不能在已停用的组织下新建组织。")
    return Organisation.objects.add_child(parent, instance=org)


@transaction.atomic
def organisation_update(*, organisation: Organisation, **fields) -> Organisation:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable here: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(organisation, name, value)
    if "kind" in fields:
        organisation.clean_parent(Organisation.objects.get_parent(organisation, update=True))
        child_kinds = set(Organisation.objects.get_children(organisation).values_list("kind", flat=True))
        for child_kind in child_kinds:
            Organisation(kind=child_kind).clean_parent(organisation)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def organisation_move(*, organisation: Organisation, new_parent: Organisation) -> Organisation:
    """Move ``organisation`` and its subtree under ``new_parent``."""
    if new_parent.pk == organisation.pk or new_parent.path.startswith(organisation.path):
        raise ValidationError("不能把组织移到它自己或它的下级组织之下。")
    if not new_parent.active:
        raise ValidationError("不能移到已停用的组织之下。")
    organisation.clean_parent(new_parent)
    try:
        Organisation.objects.move(organisation, new_parent, pos="last-child")
    except InvalidMoveToDescendant as exc:  # the check above should have caught it
        raise ValidationError("不能把组织移到它自己或它的下级组织之下。") from exc
    organisation.refresh_from_db()
    return organisation


@transaction.atomic
def organisation_set_active(*, organisation: Organisation, active: bool) -> int:
    """Deactivate an organisation with its whole subtree, or reactivate it alone.

    A committee that stops existing takes its branches with it; reactivation is
    deliberate, one organisation at a time, and needs an active parent.
    Returns the number of organisations changed.
    """
    if active:
        parent = Organisation.objects.get_parent(organisation, update=True)
        if parent is not None and not parent.active:
            raise ValidationError("上级组织已停用，请先恢复上级组织。")
        targets = [organisation]
    else:
        targets = list(Organisation.objects.subtree_of(organisation).filter(active=True))
    changed = [org for org in targets if org.active != active]
    now = timezone.now()
    for org in changed:
        org.active = active
        org.updated_at = now
    bulk_update_with_history(changed, Organisation, ["active", "updated_at"], batch_size=500)
    return len(changed)
