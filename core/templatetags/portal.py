"""``{% status_badge %}``: a record's review status as a badge."""

from django import template
from django.utils.html import format_html

register = template.Library()

# The review statuses activities, honours and honour lists share.
_BADGE_TONES = {"approved": "success", "submitted": "warning", "returned": "danger"}


@register.simple_tag
def status_badge(status: str, label: str) -> str:
    return format_html('<span class="badge text-bg-{}">{}</span>', _BADGE_TONES.get(status, "secondary"), label)
