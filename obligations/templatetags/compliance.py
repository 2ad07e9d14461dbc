"""A compliance cell's status as badges: ``{% compliance_status cell %}``."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from ..selectors import DUE, MET, OVERDUE, STATUS_LABELS

register = template.Library()

_TONES = {MET: "success", DUE: "warning", OVERDUE: "danger"}
_PENDING = mark_safe(' <span class="badge text-bg-info" title="待审核记录通过后即可完成">待审核</span>')

# Three statuses, with or without the pending note: written once here, looked up per cell (a
# page of the compliance table has 550 of them).
_BADGES = {
    (status, pending): format_html(
        '<span class="badge text-bg-{}">{}</span>{}', tone, STATUS_LABELS[status], _PENDING if pending else ""
    )
    for status, tone in _TONES.items()
    for pending in (False, True)
}


@register.simple_tag
def compliance_status(cell) -> SafeString:
    """The status badge, and 待审核 when the records awaiting review would meet the obligation.
    A status other than met or overdue shows as due, as the template this replaced showed it."""
    status = cell.status if cell.status in _TONES else DUE
    return _BADGES[status, bool(cell.pending_would_meet)]
