"""The reminder ledger and the inbox, as the pages, the export and the dashboards read them."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from branches.models import Organisation

from ..models import Channel, DeliveryStatus, EmailStatus, Message, Reminder


@dataclass
class ReminderFilters:
    kind: str = ""
    email_status: str = ""
    organisation: Organisation | None = None  # a subtree
    created_from: date | None = None  # dates in Asia/Shanghai, inclusive
    created_to: date | None = None
    failed: str = ""  # "email" or a Channel: reminders whose delivery there failed


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
    if filters.failed == "email":
        qs = qs.filter(email_status=EmailStatus.FAILED, sent_at__isnull=True)
    elif filters.failed:
        qs = qs.filter(deliveries__channel=filters.failed, deliveries__status=DeliveryStatus.FAILED)
    if filters.created_from:
        qs = qs.filter(created_at__gte=_day_start(filters.created_from))
    if filters.created_to:
        qs = qs.filter(created_at__lt=_day_start(filters.created_to + timedelta(days=1)))
    return qs


FAILURE_CHANNELS = (("email", "邮件"), *Channel.choices)


def delivery_failures(*, user) -> list[tuple[str, str, int]]:
    """Reminders in ``user``'s reach whose delivery failed, per channel (e-mail first):
    the staff dashboard's figures and the ledger filtered by ``failed``."""
    return [
        (channel, label, reminders_for(user=user, filters=ReminderFilters(failed=channel)).count())
        for channel, label in FAILURE_CHANNELS
    ]


def _day_start(day: date):
    return timezone.make_aware(datetime.combine(day, time.min))


# --- Inbox -----------------------------------------------------------------------------------


def unread_count(*, user) -> int:
    return Message.objects.filter(recipient=user, read_at__isnull=True).count()
