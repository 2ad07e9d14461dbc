"""A tiny smoke run of the benchmark's reminder run (bench/; the figures never decide anything here)."""

from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from bench.management.commands.bench_reminders import Command as BenchReminders
from bench.reminders import reconcile_benchmark
from obligations.models import Message, Reminder

from .conftest import at
from .factories import ObligationFactory

pytestmark = pytest.mark.usefixtures("no_default_obligations")


def test_the_benchmark_runs_the_whole_reconcile_and_keeps_nothing(district, secretary_a, secretary_b):
    ObligationFactory(active_from=date(2026, 11, 1))
    bench = reconcile_benchmark(now=at("2026-11-25 08:30"))
    assert (bench.due, bench.sent, bench.organisations, bench.obligations) == (2, 2, 5, 1)
    assert bench.queries > 0 and bench.seconds > 0
    assert not Reminder.objects.exists() and not Message.objects.exists() and not mail.outbox
    out = StringIO()
    call_command(BenchReminders(), "--now", "2026-11-25T08:30+08:00", stdout=out)
    assert "5 organisations × 1 obligations" in out.getvalue() and "2 sent of 2 due" in out.getvalue()
