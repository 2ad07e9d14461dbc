"""The audit log of exports, downloads, imports and full-ID reveals."""

import re

from .models import AuditAction, AuditEvent

# An 18-digit resident ID (17 digits and a digit or X), not part of a longer number.
ID_NUMBER_RE = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")


def mask_id_numbers(text: str) -> str:
    """Replace every 18-digit ID number in ``text`` by its masked form (450202********123X)."""
    return ID_NUMBER_RE.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)


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
