"""Who may act for which organisation: the one rule the services check."""

from django.core.exceptions import PermissionDenied

from branches.scoping import Scope


def can_act_for(user, organisation) -> bool:
    """Staff anywhere; a secretary within their subtree; leadership never."""
    return user is not None and user.can_write and Scope.of(user).reaches(organisation)


def require_act_for(user, organisation) -> None:
    if not can_act_for(user, organisation):
        raise PermissionDenied
