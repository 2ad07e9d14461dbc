"""Who may do what to an honour or a commendation list, in one place.

Views use these to decide what to offer; services call them again to refuse what is not
allowed, so a service called from anywhere cannot be talked into crossing a subtree.

Secretaries enter honours received in their subtree and submit them; committee staff
enter anything (including the honours the committee confers), approve and return;
leadership read only. What the committee confers it also decides: such a record (or list)
is finalised by staff in one step, never submitted to the committee for its own review.
"""

from branches.models import Organisation
from branches.scoping import Scope
from core.review.models import EDITABLE_BY_SECRETARY, Status
from core.review.rules import ReviewRules

from .models import CommendationBatch, Direction, Honour


def reaches(user, organisation: Organisation | None) -> bool:
    return organisation is not None and Scope.of(user).reaches(organisation)


def can_enter(user, *, organisation: Organisation, direction: str = Direction.RECEIVED) -> bool:
    """Whether ``user`` may enter an honour (or a list) belonging to ``organisation``."""
    if not user.can_write or not organisation.active or not reaches(user, organisation):
        return False
    return user.is_committee_staff or direction == Direction.RECEIVED


def _handles(user, record) -> bool:
    """Staff handle any record; a secretary only the received ones (conferring is the committee's)."""
    return user.is_committee_staff or (user.is_secretary and record.direction == Direction.RECEIVED)


def _owns(user, record) -> bool:
    """Staff anywhere; a secretary while the record is theirs to change (draft or returned, and
    received: what the committee conferred is the committee's)."""
    if user.is_committee_staff:
        return True
    return _handles(user, record) and record.status in EDITABLE_BY_SECRETARY


# --- Single honours (not in a list) ---------------------------------------------------


def can_edit(user, honour: Honour) -> bool:
    """Staff correct any record (an approved one stays approved); a secretary only drafts and
    returned ones. Honours inside a list are changed through the list."""
    if honour.batch_id is not None or not reaches(user, honour.organisation):
        return False
    return _owns(user, honour)


def needs_review(record) -> bool:
    """Received honours go through review; what the committee confers is final when staff say so."""
    return record.direction != Direction.CONFERRED


def _submits(user, record) -> bool:
    """Who submits and withdraws a received honour or list: staff, or a secretary reaching it."""
    return needs_review(record) and _handles(user, record) and reaches(user, record.organisation)


# Staff may approve what they entered themselves without a separate submission.
NOT_APPROVED = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED)
# An honour inside a list is reviewed with its list.
honour_review = ReviewRules(handles=_submits, approvable=NOT_APPROVED, applies=lambda honour: honour.batch_id is None)
batch_review = ReviewRules(handles=_submits, approvable=NOT_APPROVED)


def can_delete(user, honour: Honour) -> bool:
    if honour.batch_id is not None or not reaches(user, honour.organisation):
        return False
    return _handles(user, honour) and honour.status in EDITABLE_BY_SECRETARY


def can_manage_certificate(user, honour: Honour) -> bool:
    """Certificates of list recipients are added through the list's owner, like any change."""
    if honour.batch_id is not None:
        return batch_can_edit(user, honour.batch) and reaches(user, honour.organisation)
    return can_edit(user, honour)


def honour_permissions(user, honour: Honour) -> dict[str, bool]:
    return {
        "edit": can_edit(user, honour),
        **honour_review.permissions(user, honour),
        "delete": can_delete(user, honour),
        "certificate": can_manage_certificate(user, honour),
    }


# --- Commendation lists ---------------------------------------------------------------


def batch_can_edit(user, batch: CommendationBatch) -> bool:
    """Change the header or the recipients: the owner's scope, and the record still open to them."""
    return reaches(user, batch.organisation) and _owns(user, batch)


def batch_can_delete(user, batch: CommendationBatch) -> bool:
    return _handles(user, batch) and reaches(user, batch.organisation) and batch.status in EDITABLE_BY_SECRETARY


def batch_permissions(user, batch: CommendationBatch) -> dict[str, bool]:
    return {
        "edit": batch_can_edit(user, batch),
        **batch_review.permissions(user, batch),
        "delete": batch_can_delete(user, batch),
    }
