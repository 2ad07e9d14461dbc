"""Who may do what to an activity record, in one place.

Views use these to decide what to offer, services to refuse what is not allowed.
Scope (whether the user reaches the record's organisation at all) is checked too,
so a service called from anywhere cannot be talked into crossing a subtree.
"""

from branches.scoping import Scope

from .models import EDITABLE_BY_SECRETARY, Activity, Status


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


def can_submit(user, activity: Activity) -> bool:
    return user.can_write and reaches(user, activity.organisation) and activity.status in EDITABLE_BY_SECRETARY


def can_withdraw(user, activity: Activity) -> bool:
    """Take a submitted record back to draft before anyone reviewed it."""
    return user.can_write and reaches(user, activity.organisation) and activity.status == Status.SUBMITTED


def can_approve(user, activity: Activity) -> bool:
    return user.is_committee_staff and activity.status == Status.SUBMITTED


def can_return(user, activity: Activity) -> bool:
    # Staff may also send an approved record back when an error turns up later.
    return user.is_committee_staff and activity.status in (Status.SUBMITTED, Status.APPROVED)


def can_delete(user, activity: Activity) -> bool:
    return user.can_write and reaches(user, activity.organisation) and activity.status in EDITABLE_BY_SECRETARY


def can_manage_files(user, activity: Activity) -> bool:
    return can_edit(user, activity)


def permissions(user, activity: Activity) -> dict[str, bool]:
    return {
        "edit": can_edit(user, activity),
        "submit": can_submit(user, activity),
        "withdraw": can_withdraw(user, activity),
        "approve": can_approve(user, activity),
        "return": can_return(user, activity),
        "delete": can_delete(user, activity),
        "files": can_manage_files(user, activity),
    }
