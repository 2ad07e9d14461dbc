from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError

from obligations import services


def _parse_now(value: str) -> datetime:
    try:
        when = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            f"--now must be an ISO 8601 date-time, e.g. 2026-11-30T08:30+08:00 (got {value!r})."
        ) from exc
    if when.tzinfo is None:
        # A time without an offset is Beijing time, as every period in the portal is.
        when = when.replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    return when


class Command(BaseCommand):
    help = (
        "Send the reminders that are due (the same service Celery beat runs daily). "
        "Ends with a line: sent=N already_sent=M failed=F."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", type=_parse_now, default=None, help="ISO 8601 time to run as (default: now).")
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent; write and send nothing.")

    def handle(self, *args, now: datetime | None, dry_run: bool, **options):
        result = services.reminders_reconcile(now=now, dry_run=dry_run)
        for line in result.lines:
            self.stdout.write(line)
        if result.no_recipient:
            self.stdout.write(f"no_recipient={result.no_recipient} (organisations with no secretary account)")
        if dry_run:
            self.stdout.write(f"dry run: would_send={len(result.lines)}; nothing was written or sent")
        self.stdout.write(result.summary)
