from celery import shared_task
from django.utils.dateparse import parse_datetime

from . import services


@shared_task(name="obligations.reconcile_reminders", ignore_result=True, acks_late=True)
def reconcile_reminders(now: str | None = None) -> str:
    """Beat fires this daily. It recomputes what is due from the database, so running it twice,
    late, or redelivered after a lost worker sends nothing that already went out."""
    when = parse_datetime(now) if now else None
    return services.reminders_reconcile(now=when).summary


@shared_task(name="obligations.send_lapsed_reminders", ignore_result=True, acks_late=True)
def send_lapsed_reminders() -> str:
    """Queued by a run for the moment the lease on its rows lapses: e-mails what a dead run
    left unsent then, instead of at the next daily run."""
    return services.reminders_send_lapsed().summary
