"""Leases of background jobs: one rule for exports, report jobs and roster imports.

A worker takes a job with one conditional UPDATE that marks it running and sets its lease to
now + JOB_LEASE_SECONDS, and renews the lease as it works (at every progress step), so a
running job's lease lapses only when its worker has stopped: killed (SIGKILL, the OOM
killer), or its host lost. Then:

- a task delivered for the job takes it over. Celery redelivers the task of a pool process
  that died at once (acks_late, reject_on_worker_lost), while the dead process's lease still
  runs: such a task schedules itself again for when the lease lapses, instead of dropping the
  job (``check_again_when_lapsed``);
- staff may retry it from its page, as they retry a failed one.

A job under a live lease is its worker's alone. A whole worker killed (its main process too)
sends nothing back at once: the broker returns its unacknowledged message only after the
visibility timeout (README, "Background jobs"); the page offers the retry long before.
"""

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)


def job_lease() -> timedelta:
    return timedelta(seconds=settings.JOB_LEASE_SECONDS)


@dataclass(frozen=True)
class JobLease:
    """How one kind of job names its status and lease: the fields, the running and waiting values."""

    status_field: str
    running: str
    waiting: tuple[str, ...]  # statuses a worker may take the job from
    expires_field: str

    def _lapsed(self, now: datetime) -> Q:
        return Q(**{self.status_field: self.running}) & (
            Q(**{f"{self.expires_field}__lt": now}) | Q(**{f"{self.expires_field}__isnull": True})
        )

    def claim(self, jobs: QuerySet, *, now: datetime | None = None, **changes) -> bool:
        """Take the job in ``jobs`` (one row) if it waits or its worker's lease lapsed."""
        now = now or timezone.now()
        claimable = Q(**{f"{self.status_field}__in": self.waiting}) | self._lapsed(now)
        changes = {self.status_field: self.running, self.expires_field: now + job_lease(), **changes}
        return bool(jobs.filter(claimable).update(**changes))

    def renew(self, jobs: QuerySet, **changes) -> None:
        """Push the lease forward (with any progress in ``changes``) while the job runs."""
        changes[self.expires_field] = timezone.now() + job_lease()
        jobs.filter(**{self.status_field: self.running}).update(**changes)

    def lapsed(self, job: Model, now: datetime | None = None) -> bool:
        """Whether ``job`` is running under a lease its worker no longer renews."""
        if getattr(job, self.status_field) != self.running:
            return False
        expires = getattr(job, self.expires_field)
        return expires is None or expires < (now or timezone.now())

    def check_again_when_lapsed(self, jobs: QuerySet, *, task, args: tuple) -> int | None:
        """When the job runs under a live lease, send ``task`` again for the moment it lapses
        (after this transaction commits); returns the countdown in seconds, or None."""
        expires = jobs.filter(**{self.status_field: self.running}).values_list(self.expires_field, flat=True).first()
        now = timezone.now()
        if expires is None or expires < now:
            return None
        countdown = math.ceil((expires - now).total_seconds()) + 1
        logger.info("%s %s is held under a live lease: checking again in %s s", task.name, args, countdown)
        transaction.on_commit(lambda: task.apply_async(args, countdown=countdown))
        return countdown
