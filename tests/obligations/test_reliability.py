"""Exactly once under concurrency and crashes: real processes, real connections, real kills."""

import os
import subprocess
import sys
import threading
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.core.mail import get_connection
from django.db import connections
from django.utils import timezone

from branches.models import Kind
from obligations.models import EmailStatus, Message, Reminder
from obligations.services import reminders as reminders_module
from obligations.services import reminders_reconcile
from obligations.services.reminders import EMAIL_LEASE

from .. import celery_processes
from ..factories import OrganisationFactory, UserFactory
from .conftest import at
from .factories import ObligationFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("no_default_obligations")]

NOW = at("2026-11-25 08:30")


@pytest.fixture
def five_secretaries(district):
    """Five branches under sub_a, each with its own secretary; one monthly obligation unmet by all."""
    from datetime import date

    ObligationFactory(organisation_kinds=[Kind.BRANCH], active_from=date(2026, 11, 1))
    district.branch_b.active = False
    district.branch_b.save()
    district.branch_a.active = False
    district.branch_a.save()
    users = []
    for i in range(5):
        branch = OrganisationFactory(name=f"戊{i}社区团支部", kind=Kind.BRANCH, parent=district.sub_a)
        users.append(UserFactory(username=f"sec{i}", organisation=branch, email=f"sec{i}@league.example.cn"))
    return users


def test_two_runs_at_once_send_each_reminder_once(five_secretaries, monkeypatch):
    # Both runs compute what is due, then meet at the barrier and claim at the same moment:
    # on PostgreSQL the second INSERT waits on the first's rows and skips them.
    barrier = threading.Barrier(2, timeout=30)
    original_claim = reminders_module._claim

    def claim_together(*args, **kwargs):
        barrier.wait()
        return original_claim(*args, **kwargs)

    monkeypatch.setattr(reminders_module, "_claim", claim_together)
    results, errors = [], []

    def run():
        try:
            results.append(
                reminders_reconcile(now=NOW, connection=get_connection("django.core.mail.backends.locmem.EmailBackend"))
            )
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sorted(r.claimed for r in results) == [0, 5]
    assert sorted(r.already_sent for r in results) == [0, 5]
    assert sum(r.sent for r in results) == 5
    assert Reminder.objects.count() == Message.objects.count() == 5
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in five_secretaries)


def _mail_recipients(directory: Path) -> list[str]:
    recipients = []
    for path in directory.glob("*.log"):
        for chunk in path.read_bytes().split(b"-" * 79):
            if chunk.strip():
                recipients.append(str(make_header(decode_header(message_from_bytes(chunk.strip())["To"]))))
    return recipients


def test_a_run_killed_while_e_mailing_leaves_no_half_sent_reminder(five_secretaries, tmp_path):
    outbox = tmp_path / "mail"
    outbox.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": celery_processes.database_url_of_tests(),
        "EMAIL_BACKEND": "tests.obligations.kill_email_backend.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
        "KILL_AT": "3",  # dies while sending the third e-mail
    }
    command = [sys.executable, "manage.py", "send_reminders", "--now", NOW.isoformat()]
    proc = subprocess.run(command, cwd=celery_processes.ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == -9, proc.stdout + proc.stderr + str(list(outbox.iterdir()))

    # The claim committed whole: every inbox message is there, once; two e-mails went out.
    first = _mail_recipients(outbox)
    assert len(first) == 2
    assert Message.objects.count() == Reminder.objects.count() == 5
    assert set(Reminder.objects.filter(sent_at__isnull=False).values_list("email_to", flat=True)) == set(first)
    unsent = Reminder.objects.filter(sent_at__isnull=True)
    assert unsent.count() == 3 and all(r.email_status == EmailStatus.PENDING for r in unsent)

    # The next run, once the dead run's lease has run out, sends the rest and nothing twice.
    with time_machine.travel(timezone.now() + EMAIL_LEASE + timedelta(minutes=1), tick=False):
        result = reminders_reconcile(now=NOW + timedelta(days=1))
    assert result.summary == "sent=3 already_sent=5 failed=0"
    second = [m.to[0] for m in mail.outbox]
    assert sorted(first + second) == sorted(u.email for u in five_secretaries)
    assert Message.objects.count() == 5
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()


def _killed_run(outbox: Path, *, kill_when: str, lease_seconds: int) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": celery_processes.database_url_of_tests(),
        "EMAIL_BACKEND": "tests.obligations.kill_email_backend.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
        "KILL_AT": "3",
        "KILL_WHEN": kill_when,
        "REMINDER_LEASE_SECONDS": str(lease_seconds),
    }
    command = [sys.executable, "manage.py", "send_reminders", "--now", NOW.isoformat()]
    proc = subprocess.run(command, cwd=celery_processes.ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == -9, proc.stdout + proc.stderr


@pytest.mark.worker
@pytest.mark.parametrize("kill_when", ["before", "after"])
def test_a_killed_run_s_rows_are_sent_by_the_retry_it_queued_not_the_next_day(
    five_secretaries, tmp_path, monkeypatch, kill_when
):
    """The run queued a retry for when its lease lapses (5 s here) before it died; a worker runs
    it and sends the rest. Killed before handing over its third e-mail, nothing goes twice;
    killed just after the server took it (not yet marked sent), that one e-mail goes twice,
    the one-message window README owns up to, and no other."""
    outbox = tmp_path / "mail"
    outbox.mkdir()
    _killed_run(outbox, kill_when=kill_when, lease_seconds=5)
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 3

    monkeypatch.setenv("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    monkeypatch.setenv("EMAIL_FILE_PATH", str(outbox))
    monkeypatch.setenv("REMINDER_LEASE_SECONDS", "5")
    with celery_processes.celery_processes(beat=False, log_dir=tmp_path):
        done = celery_processes.wait_for(
            lambda: not Reminder.objects.filter(sent_at__isnull=True).exists(), timeout=120
        )
    logs = "\n".join(p.read_text() for p in tmp_path.glob("*.log"))[-4000:]
    assert done, logs
    recipients = _mail_recipients(outbox)
    expected = sorted(u.email for u in five_secretaries)
    if kill_when == "before":
        assert sorted(recipients) == expected
    else:
        # The run's three sends (the third accepted, then the kill), then the retry's three.
        assert len(recipients) == 6 and sorted(set(recipients)) == expected
        assert max(recipients.count(address) for address in expected) == 2
        assert sum(recipients.count(address) == 2 for address in expected) == 1
    assert Message.objects.count() == 5
