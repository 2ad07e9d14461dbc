"""Writes to the organisation tree."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history
from treebeard.exceptions import InvalidMoveToDescendant

from core.freshness import mark_changed

from .models import Organisation, Position, StaffingPost, StaffingRecord, TermRenewal, default_term_years
from .scoping import Scope

# How a committee's half-year summary is written (reports.compiler reads them).
REPORT_FIELDS = ("report_subject", "report_plan_span", "report_problem_threshold", "report_track_record_years")
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
    mark_changed()  # treebeard moves with UPDATEs, no post_save; the whole tree's figures change
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
    if changed:
        mark_changed()  # bulk_update sends no post_save
    return len(changed)


# --- Staffing (编制) and term renewals (换届) ---------------------------------------------


def _check_may_edit(user, organisation: Organisation) -> None:
    """Staff anywhere, a secretary within their subtree; leadership changes nothing."""
    if not (user.can_write and Scope.of(user).reaches(organisation)):
        raise PermissionDenied("不能修改该组织的记录。")


STAFFING_COUNTS = ("approved", "in_post", "seconded", "part_time", "contracted")


@transaction.atomic
def staffing_record_create(
    *,
    user,
    organisation: Organisation,
    recorded_on: date,
    posts: dict[str, dict[str, int]],
    report_place: str = StaffingRecord._meta.get_field("report_place").default,
    note: str = "",
) -> StaffingRecord:
    """Record a committee's establishment on a date. ``posts`` maps a position (Position) to its
    counts (STAFFING_COUNTS); positions with nothing recorded are left out."""
    _check_may_edit(user, organisation)
    record = StaffingRecord(organisation=organisation, recorded_on=recorded_on, report_place=report_place, note=note)
    return _staffing_write(user=user, record=record, posts=posts)


@transaction.atomic
def staffing_record_update(
    *, user, record: StaffingRecord, recorded_on: date, posts: dict[str, dict[str, int]], report_place: str, note: str
) -> StaffingRecord:
    """Correct a staffing record: its date, where the report writes it, and every position's counts."""
    record = StaffingRecord.objects.select_for_update().select_related("organisation").get(pk=record.pk)
    _check_may_edit(user, record.organisation)
    record.recorded_on, record.report_place, record.note = recorded_on, report_place, note
    return _staffing_write(user=user, record=record, posts=posts)


def _staffing_write(*, user, record: StaffingRecord, posts: dict[str, dict[str, int]]) -> StaffingRecord:
    unknown = set(posts) - set(Position.values)
    if unknown:
        raise ValidationError(f"未知职务：{'、'.join(sorted(unknown))}")
    rows = []
    for position in Position.values:
        counts = posts.get(position) or {}
        post = StaffingPost(position=position, **{name: counts.get(name) or 0 for name in STAFFING_COUNTS})
        if not post.is_empty:
            post.full_clean(exclude=["record"])
            rows.append(post)
    if not rows:
        raise ValidationError("请至少填写一个职务的编制或人员数。")
    record.full_clean()
    record._history_user = user
    record.save()
    existing = {post.position: post for post in record.posts.all()}
    for post in rows:
        current = existing.pop(post.position, None)
        if current is not None:
            if all(getattr(current, name) == getattr(post, name) for name in STAFFING_COUNTS):
                continue  # unchanged: no history row
            for name in STAFFING_COUNTS:
                setattr(current, name, getattr(post, name))
            post = current
        post.record = record
        post._history_user = user
        post.save()
    for gone in existing.values():
        gone._history_user = user
        gone.delete()
    record.__dict__.pop("rows", None)
    return record


@transaction.atomic
def staffing_record_delete(*, user, record: StaffingRecord) -> None:
    record = StaffingRecord.objects.select_for_update().select_related("organisation").get(pk=record.pk)
    _check_may_edit(user, record.organisation)
    for post in record.posts.all():
        post._history_user = user
        post.delete()
    record._history_user = user
    record.delete()


RENEWAL_FIELDS = ("held_on", "term_years", "delegates_elected", "members_elected", "notes")


@transaction.atomic
def term_renewal_record(
    *,
    user,
    organisation: Organisation,
    held_on: date,
    term_years: int | None = None,
    delegates_elected: int = 0,
    members_elected: int = 0,
    notes: str = "",
) -> TermRenewal:
    """Record a renewal held. When it is the organisation's latest, its term now ends
    ``term_years`` after ``held_on`` (the default term of its kind unless given)."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    _check_may_edit(user, organisation)
    before = _renewal_chain(organisation)
    renewal = TermRenewal(
        organisation=organisation,
        held_on=held_on,
        term_years=term_years or default_term_years(organisation.kind),
        delegates_elected=delegates_elected or 0,
        members_elected=members_elected or 0,
        notes=notes,
    )
    renewal.full_clean()
    # Linked before the first save, so that its history starts with the term it replaced.
    earlier = TermRenewal.objects.filter(organisation=organisation, held_on__lt=held_on).order_by("-held_on").first()
    renewal.previous_term_ends_on = earlier.term_ends_on if earlier is not None else before[0]
    renewal._history_user = user
    renewal.save()
    _rechain(organisation, before, user)
    renewal.refresh_from_db()
    return renewal


@transaction.atomic
def term_renewal_update(*, user, renewal: TermRenewal, **fields) -> TermRenewal:
    """Correct a renewal; the terms chained after it and the organisation's term end follow."""
    unknown = set(fields) - set(RENEWAL_FIELDS)
    if unknown:
        raise TypeError(f"Not editable here: {sorted(unknown)}")
    organisation = Organisation.objects.select_for_update().get(pk=renewal.organisation_id)
    _check_may_edit(user, organisation)
    renewal = TermRenewal.objects.get(pk=renewal.pk)
    before = _renewal_chain(organisation)
    for name, value in fields.items():
        if name in ("delegates_elected", "members_elected"):
            value = value or 0
        setattr(renewal, name, value)
    renewal.full_clean()
    renewal._history_user = user
    renewal.save()
    _rechain(organisation, before, user)
    renewal.refresh_from_db()
    return renewal


@transaction.atomic
def term_renewal_delete(*, user, renewal: TermRenewal) -> None:
    """Remove a renewal entered by mistake; if it was the latest, the term end it set is undone."""
    organisation = Organisation.objects.select_for_update().get(pk=renewal.organisation_id)
    _check_may_edit(user, organisation)
    before = _renewal_chain(organisation)
    renewal = TermRenewal.objects.get(pk=renewal.pk)
    renewal._history_user = user
    renewal.delete()
    _rechain(organisation, before, user)


def _renewal_chain(organisation: Organisation) -> tuple[date | None, tuple | None]:
    """(the term end before the first recorded renewal, (latest renewal's id, its term end))."""
    renewals = list(TermRenewal.objects.filter(organisation=organisation).order_by("held_on", "pk"))
    if not renewals:
        return organisation.term_ends_on, None
    return renewals[0].previous_term_ends_on, (renewals[-1].pk, renewals[-1].term_ends_on)


def _rechain(organisation: Organisation, before: tuple, user) -> None:
    """Link every renewal to the term end it replaced, in date order, and move the organisation's
    term end when its latest renewal changed (an end set by hand since then is otherwise kept)."""
    base, latest_before = before
    previous, latest = base, None
    for renewal in TermRenewal.objects.filter(organisation=organisation).order_by("held_on", "pk"):
        if renewal.previous_term_ends_on != previous:
            renewal.previous_term_ends_on = previous
            renewal._history_user = user
            renewal.save(update_fields=["previous_term_ends_on", "updated_at"])
        previous, latest = renewal.term_ends_on, (renewal.pk, renewal.term_ends_on)
    if latest != latest_before and organisation.term_ends_on != previous:
        organisation.term_ends_on = previous
        organisation._history_user = user
        organisation.save(update_fields=["term_ends_on", "updated_at"])
