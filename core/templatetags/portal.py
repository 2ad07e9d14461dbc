"""The project's template tags and filters: review status badges, the one date style, and the
count of a filter form's active fields."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html

from core.dates import format_date, iso_day, iso_moment

register = template.Library()

# The review statuses activities, honours and honour lists share.
_BADGE_TONES = {"approved": "success", "submitted": "warning", "returned": "danger"}


@register.simple_tag
def status_badge(status: str, label: str) -> str:
    return format_html('<span class="badge text-bg-{}">{}</span>', _BADGE_TONES.get(status, "secondary"), label)


# The one date style (core.dates, docs/dates.md): values ISO, sentences in Chinese prose.
@register.filter(name="day")
def day_filter(value) -> str:
    return iso_day(value)


@register.filter(name="moment")
def moment_filter(value) -> str:
    return iso_moment(value)


@register.filter(name="prose_day")
def prose_day_filter(value) -> str:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return format_date(value)


@register.simple_tag
def active_filter_count(form) -> int:
    """How many of a bound filter form's fields are set: the count on a phone's 筛选 button."""
    data = getattr(form, "data", None) or {}
    hidden = {"page", "month", "sort"}
    return sum(
        1
        for name in form.fields
        if name not in hidden
        and any(str(v).strip() for v in (data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]) if v)
    )
