from celery import shared_task
from django.utils.dateparse import parse_datetime

from . import services


@shared_task(name="obligations.reconcile_reminders", ignore_result=True, acks_late=True)
def reconcile_reminders(now: str | None = None) -> str:
    """Beat fires this daily. It recomputes what is due from the database, so running it twice,
    late, or redelivered after a lost worker sends nothing that already went out."""
    when = parse_datetime(now) if now else None
    return services.reminders_reconcile(now=when).summary
