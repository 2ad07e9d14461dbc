"""The reminder run at scale, for ``make bench``: time and query count over the database as it is."""

import time
from dataclasses import dataclass
from datetime import datetime

from django.core.mail import get_connection
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from branches.models import Organisation
from obligations.models import Obligation
from obligations.services import reminders_reconcile


@dataclass
class ReconcileBench:
    organisations: int
    obligations: int
    seconds: float
    queries: int
    due: int
    sent: int
    no_recipient: int

    def row(self) -> str:
        return (
            f"reminders reconcile | {self.organisations} organisations × {self.obligations} obligations | "
            f"{self.seconds:.2f} s | {self.queries} queries | {self.sent} sent of {self.due} due, "
            f"{self.no_recipient} without a secretary account"
        )


class _Rollback(Exception):
    pass


def reconcile_benchmark(*, now: datetime | None = None) -> ReconcileBench:
    """One complete run (ledger claims, inbox messages, e-mails into an in-memory outbox), timed
    and its queries counted, then rolled back: the benchmark leaves nothing behind and mails nobody."""
    organisations = Organisation.objects.filter(active=True).count()
    obligations = Obligation.objects.enabled().count()
    outbox = get_connection("django.core.mail.backends.locmem.EmailBackend")
    try:
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = reminders_reconcile(now=now, connection=outbox)
            seconds = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    return ReconcileBench(
        organisations, obligations, seconds, len(queries), result.due, result.sent, result.no_recipient
    )
