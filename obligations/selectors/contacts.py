"""Who receives reminders: an organisation's secretaries, else the nearest ancestor's."""

from collections import defaultdict
from dataclasses import dataclass

from accounts.models import Role, User
from branches.models import Organisation


@dataclass
class Contacts:
    """Who is told about an organisation: its secretaries, else the nearest ancestor's.

    * An organisation's own reminders go to the secretary accounts bound to it; without
      one, to the nearest ancestor's (a secretary acts for the whole subtree under them).
      With none up to the root, there is no recipient: the reminder is not sent and the
      compliance page marks the organisation as having no secretary account.
    * The root (the district committee) is run by committee staff: its reminders go to staff.
    * Overdue notices also go to the parent committee: the secretaries bound to the parent,
      or committee staff when the parent is the root.
    """

    by_path: dict[str, list[User]]
    staff: list[User]

    def own(self, organisation: Organisation) -> list[User]:
        steplen = Organisation.steplen
        for length in range(len(organisation.path), 0, -steplen):
            users = self.by_path.get(organisation.path[:length])
            if users:
                return users
        return self.staff if organisation.depth == 1 else []

    def parent(self, organisation: Organisation) -> list[User]:
        if organisation.depth <= 1:
            return []
        parent_path = organisation.path[: -Organisation.steplen]
        bound = self.by_path.get(parent_path, [])
        if organisation.depth == 2:
            return [*bound, *(u for u in self.staff if u not in bound)]
        return bound


def reminder_contacts() -> Contacts:
    """Secretary accounts by the path of their organisation, and committee staff (two queries)."""
    by_path: dict[str, list[User]] = defaultdict(list)
    secretaries = (
        User.objects.filter(role=Role.SECRETARY, is_active=True, is_superuser=False, organisation__isnull=False)
        .select_related("organisation")
        .only("id", "username", "email", "first_name", "last_name", "role", "organisation__path")
        .order_by("id")
    )
    for user in secretaries:
        by_path[user.organisation.path].append(user)
    staff = list(
        User.objects.filter(role=Role.STAFF, is_active=True)
        .only("id", "username", "email", "first_name", "last_name", "role")
        .order_by("id")
    )
    return Contacts(dict(by_path), staff)
