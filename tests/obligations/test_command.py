"""python manage.py send_reminders [--now ISO8601] [--dry-run]"""

from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from obligations.models import Message, Reminder

from .conftest import at
from .factories import ObligationFactory

pytestmark = pytest.mark.usefixtures("no_default_obligations")


@pytest.fixture
def due(district, secretary_a, secretary_b):
    for user in (secretary_a, secretary_b):
        user.email = f"{user.username}@league.example.cn"
        user.save()
    ObligationFactory(name="支委会", active_from=date(2026, 11, 1))


def _run(*args) -> list[str]:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue().splitlines()


def test_the_command_sends_and_ends_with_the_counts(due):
    lines = _run("--now", "2026-11-25T08:30:00+08:00")
    assert lines[-1] == "sent=2 already_sent=0 failed=0"
    assert any("甲社区团支部" in line and "secretary_a" in line for line in lines)
    assert len(mail.outbox) == 2
    assert _run("--now", "2026-11-25T09:00")[-1] == "sent=0 already_sent=2 failed=0"


def test_a_time_without_an_offset_is_beijing_time(due):
    # 2026-11-22 23:59 UTC would be 23 November in Beijing: inside the lead time.
    assert _run("--now", "2026-11-22T23:59")[-1] == "sent=0 already_sent=0 failed=0"
    assert _run("--now", "2026-11-22T23:59:00+00:00")[-1] == "sent=2 already_sent=0 failed=0"


def test_without_now_the_command_uses_the_clock(due):
    with time_machine.travel(at("2026-11-20 08:30"), tick=False):
        assert _run()[-1] == "sent=0 already_sent=0 failed=0"
    with time_machine.travel(at("2026-11-24 08:30"), tick=False):
        assert _run()[-1] == "sent=2 already_sent=0 failed=0"


def test_dry_run_prints_and_writes_nothing(due):
    lines = _run("--now", "2026-11-25T08:30+08:00", "--dry-run")
    assert lines[-1] == "sent=0 already_sent=0 failed=0"
    assert "would_send=2" in lines[-2]
    assert sum("→" in line for line in lines) == 2
    assert not Reminder.objects.exists() and not Message.objects.exists() and not mail.outbox


def test_a_malformed_time_is_refused(due):
    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("send_reminders", "--now", "next tuesday")
    assert not Reminder.objects.exists()
