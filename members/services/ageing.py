"""超龄离团: members who have reached 28 and hold no post leave the League."""

from datetime import date

from django.db import transaction
from simple_history.utils import bulk_update_with_history

from accounts.models import User
from core.freshness import mark_changed

from ..ages import today
from ..choices import Status
from ..models import Member
from ..selectors import members_due_to_age_out


@transaction.atomic
def members_age_out(*, member_ids: list[int], by: User, on: date | None = None) -> int:
    """Record the members among ``member_ids`` who are (still) due as aged out on ``on``.

    The rule is re-applied under a row lock, so a member who was listed but has since
    taken a post or been transferred is left alone. Returns how many were recorded.
    """
    on = on or today()
    due_ids = set(members_due_to_age_out(user=by, on=on).filter(pk__in=member_ids).values_list("pk", flat=True))
    members = list(Member.objects.select_for_update().filter(pk__in=due_ids, status=Status.ACTIVE))
    for member in members:
        member.status = Status.AGED_OUT
        member.status_changed_on = on
    bulk_update_with_history(
        members,
        Member,
        ["status", "status_changed_on"],
        batch_size=500,
        default_user=by,
        default_change_reason="超龄离团",
    )
    mark_changed({m.organisation_id for m in members})  # bulk_update sends no post_save
    return len(members)
