"""Who may do what to an activity record, in one place.

Views use these to decide what to offer, services to refuse what is not allowed.
Scope (whether the user reaches the record's organisation at all) is checked too,
so a service called from anywhere cannot be talked into crossing a subtree.
"""

from branches.scoping import Scope
from core.review.models import EDITABLE_BY_SECRETARY
from core.review.rules import ReviewRules

from .models import Activity


def reaches(user, organisation) -> bool:
    return Scope.of(user).reaches(organisation)


def can_create_for(user, organisation) -> bool:
    return user.can_write and organisation.active and reaches(user, organisation)


def can_edit(user, activity: Activity) -> bool:
    """Staff correct any record (an approved one stays approved); a secretary only
    their own draft or returned ones: submitted and approved records are locked."""
    if not reaches(user, activity.organisation):
        return False
    if user.is_committee_staff:
        return True
    return user.is_secretary and activity.status in EDITABLE_BY_SECRETARY


def _handles(user, activity: Activity) -> bool:
    """Who submits and withdraws a record: anyone who writes for its organisation."""
    return user.can_write and reaches(user, activity.organisation)


review = ReviewRules(handles=_handles)


def can_delete(user, activity: Activity) -> bool:
    return user.can_write and reaches(user, activity.organisation) and activity.status in EDITABLE_BY_SECRETARY


def can_manage_files(user, activity: Activity) -> bool:
    return can_edit(user, activity)


def permissions(user, activity: Activity) -> dict[str, bool]:
    return {
        "edit": can_edit(user, activity),
        **review.permissions(user, activity),
        "delete": can_delete(user, activity),
        "files": can_manage_files(user, activity),
    }
