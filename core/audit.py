"""The audit log of exports, downloads, imports and full-ID reveals."""

from .idnumbers import ID_NUMBER_RE, mask_id_numbers  # noqa: F401 - re-exported
from .models import AuditAction, AuditEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    user,
    action: AuditAction | str,
    target: str = "",
    description: str = "",
    row_count: int | None = None,
    request=None,
) -> AuditEvent:
    """Append one audit row. ``target`` names the object (e.g. "团员 张三 #12" or an export's title)."""
    return AuditEvent.objects.create(
        user=user if getattr(user, "pk", None) else None,
        username=getattr(user, "username", "") or "",
        action=action,
        target=mask_id_numbers(target)[:200],
        description=mask_id_numbers(description),
        row_count=row_count,
        ip_address=client_ip(request),
    )
