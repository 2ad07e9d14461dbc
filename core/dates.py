"""The portal's one date style (docs/dates.md).

A date shown as a value (a table cell, a card, a list line) is ISO: ``2026-12-05``, and with a
time ``2026-12-05 21:35``. A date inside a sentence (a message, a banner, the report) is
written as Chinese prose: ``2026年12月5日``, or ``12月31日`` when the year is plain from the
context (a deadline in the current year). Templates use the filters of ``core.templatetags.portal``
(``day``, ``moment``, ``prose_day``), which call these.
"""

from datetime import date, datetime

from django.utils import timezone


def format_date(day: date | None) -> str:
    """Prose: 2026年12月5日."""
    if day is None:
        return ""
    return f"{day.year}年{day.month}月{day.day}日"


def format_deadline(day: date, *, today: date | None = None) -> str:
    """Prose deadline: 12月31日, with the year when it is not this year's."""
    today = today or timezone.localdate()
    if day.year == today.year:
        return f"{day.month}月{day.day}日"
    return format_date(day)


def iso_day(value: date | datetime | None) -> str:
    """Value: 2026-12-05."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return value.isoformat()


def iso_moment(value: datetime | None) -> str:
    """Value: 2026-12-05 21:35 (local time)."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d %H:%M")
