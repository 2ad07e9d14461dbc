from django.core.management.base import BaseCommand

from bench.reminders import reconcile_benchmark
from obligations.management.commands.send_reminders import _parse_now


class Command(BaseCommand):
    help = "Time one reminder run over the current database and count its queries; writes and sends nothing."

    def add_arguments(self, parser):
        parser.add_argument("--now", type=_parse_now, default=None, help="ISO 8601 time to run as (default: now).")

    def handle(self, *args, now=None, **options):
        self.stdout.write(reconcile_benchmark(now=now).row())
