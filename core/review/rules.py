"""The transition checks every reviewable record shares.

Each model brings its own rule for who handles a record (submits and withdraws it, scope
included); staff approve and return. Views ask these to decide what to offer, the services
ask again to refuse what is not allowed.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .models import EDITABLE_BY_SECRETARY, Status


def _always(record) -> bool:
    return True


@dataclass(frozen=True)
class ReviewRules:
    handles: Callable[..., bool]
    """``handles(user, record)``: may this user submit and withdraw the record."""
    approvable: tuple[str, ...] = (Status.SUBMITTED,)
    """The statuses staff approve from (honours: anything not yet approved, to finalise at once)."""
    applies: Callable[..., bool] = _always
    """``applies(record)``: whether the record is reviewed on its own (a list's honour is not)."""

    def can_submit(self, user, record) -> bool:
        return self.applies(record) and record.status in EDITABLE_BY_SECRETARY and self.handles(user, record)

    def can_withdraw(self, user, record) -> bool:
        """Take a submitted record back to draft before anyone reviewed it."""
        return self.applies(record) and record.status == Status.SUBMITTED and self.handles(user, record)

    def can_approve(self, user, record) -> bool:
        return self.applies(record) and user.is_committee_staff and record.status in self.approvable

    def can_return(self, user, record) -> bool:
        # Staff may also send an approved record back when an error turns up later.
        return self.applies(record) and user.is_committee_staff and record.status in (Status.SUBMITTED, Status.APPROVED)

    def allows(self, action: str, user, record) -> bool:
        return getattr(self, f"can_{action}")(user, record)

    def permissions(self, user, record) -> dict[str, bool]:
        return {action: self.allows(action, user, record) for action in ("submit", "withdraw", "approve", "return")}
