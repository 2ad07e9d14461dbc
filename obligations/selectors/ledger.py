"""The reminder ledger and the inbox, as the pages, the export and the dashboards read them."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from branches.models import Organisation

from ..models import Message, Reminder


@dataclass
class ReminderFilters:
    kind: str = ""
    email_status: str = ""
    organisation: Organisation | None = None  # a subtree
    created_from: date | None = None  # dates in Asia/Shanghai, inclusive
    created_to: date | None = None


def reminders_for(*, user, filters: ReminderFilters | None = None) -> QuerySet:
    """The reminder ledger rows ``user`` reaches, filtered: the list, its export and the dashboards."""
    filters = filters or ReminderFilters()
    qs = Reminder.objects.visible_to(user)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.email_status:
        qs = qs.filter(email_status=filters.email_status)
    if filters.organisation is not None:
        qs = qs.filter(organisation__path__startswith=filters.organisation.path)
    if filters.created_from:
        qs = qs.filter(created_at__gte=_day_start(filters.created_from))
    if filters.created_to:
        qs = qs.filter(created_at__lt=_day_start(filters.created_to + timedelta(days=1)))
    return qs


def _day_start(day: date):
    return timezone.make_aware(datetime.combine(day, time.min))


# --- Inbox -----------------------------------------------------------------------------------


def unread_count(*, user) -> int:
    return Message.objects.filter(recipient=user, read_at__isnull=True).count()
