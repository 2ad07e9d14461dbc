"""Recording an organisation's official counts (智慧团建 or the yearly return)."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction

from branches.models import Organisation
from core.audit import audit_record
from core.models import AuditAction

from ..models import RecordedCount


@transaction.atomic
def recorded_count_create(
    *,
    user,
    organisation: Organisation,
    as_of: date,
    source: str,
    league_members: int | None = None,
    young_pioneers: int | None = None,
    branches: int | None = None,
    note: str = "",
    request=None,
) -> RecordedCount:
    """Record the counts of ``organisation``'s subtree as of ``as_of``; staff anywhere, a
    secretary inside their own subtree. Audited; the history keeps every version."""
    if not user.can_write or not Organisation.objects.visible_to(user).filter(pk=organisation.pk).exists():
        raise PermissionDenied
    count = RecordedCount(
        organisation=organisation,
        as_of=as_of,
        source=source,
        league_members=league_members,
        young_pioneers=young_pioneers,
        branches=branches,
        note=note,
        entered_by=user,
    )
    count.full_clean()
    count.save()
    figures = "，".join(
        f"{label}{value}"
        for label, value in (("团员", league_members), ("少先队员", young_pioneers), ("团支部", branches))
        if value is not None
    )
    audit_record(
        user=user,
        action=AuditAction.RECORD_COUNT,
        target=f"{organisation.name} 统计数（{as_of:%Y-%m-%d}）",
        description=f"{count.get_source_display()}：{figures}",
        request=request,
    )
    return count
