"""Each channel exactly once under two concurrent runs and a run killed mid-post (real processes)."""

import os
import subprocess
import sys
import threading

import pytest
from django.core import mail
from django.db import connections

from obligations.models import Channel, Delivery, Reminder
from obligations.services import reminders as reminders_module
from obligations.services import reminders_reconcile

from .. import celery_processes
from .channel_world import configure
from .conftest import at
from .test_reliability import _mail_recipients

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("no_default_obligations")]

NOW = at("2026-11-25 08:30")


def test_two_runs_at_once_post_once_per_group_and_text_each_secretary_once(
    district, three_branches, platforms, monkeypatch
):
    configure(district.sub_a, platforms)
    barrier = threading.Barrier(2, timeout=30)
    original_claim = reminders_module._claim

    def claim_together(*args, **kwargs):
        barrier.wait()
        return original_claim(*args, **kwargs)

    monkeypatch.setattr(reminders_module, "_claim", claim_together)
    results, errors = [], []

    def run():
        try:
            results.append(reminders_reconcile(now=NOW))
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
    assert sorted(r.claimed for r in results) == [0, 3]
    assert sum(r.channel_sent for r in results) == 9
    assert len(platforms.wecom.received) == len(platforms.dingtalk.received) == 1
    assert sorted(r.body["PhoneNumberSet"][0] for r in platforms.sms.received) == [
        f"+861380000000{i}" for i in range(3)
    ]
    assert Delivery.objects.count() == 9 and len(mail.outbox) == 3


# The run posts group by group in the order (channel, group): 钉钉, then the three SMS, then
# 企业微信. The platform kills the run when the n-th request of its channel arrives, before it
# takes the message.
KILLS = {Channel.DINGTALK: 1, Channel.SMS: 2, Channel.WECOM: 1}


@pytest.mark.worker
@pytest.mark.parametrize("channel", [Channel.DINGTALK, Channel.SMS, Channel.WECOM])
def test_a_run_killed_mid_post_is_finished_by_the_retry_it_queued_once_per_channel(
    district, three_branches, platforms, tmp_path, channel
):
    configure(district.sub_a, platforms)
    outbox = tmp_path / "mail"
    outbox.mkdir()
    env = {
        **os.environ,
        **platforms.env(),
        "DATABASE_URL": celery_processes.database_url_of_tests(),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
        "REMINDER_LEASE_SECONDS": "5",
    }
    command = [sys.executable, "manage.py", "send_reminders", "--now", NOW.isoformat()]
    proc = subprocess.Popen(
        command, cwd=celery_processes.ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    server = getattr(platforms, channel)
    server.kill = (proc.pid, KILLS[channel])
    output, _ = proc.communicate(timeout=120)
    assert proc.returncode == -9, output
    # Killed at that channel: its rows are unsent, the inbox whole, no e-mail yet (they come last).
    assert Reminder.objects.count() == 3 and not _mail_recipients(outbox)
    assert Delivery.objects.filter(channel=channel, sent_at__isnull=True).exists()
    server.kill = None

    with celery_processes.celery_processes(beat=False, log_dir=tmp_path, env=env):
        done = celery_processes.wait_for(
            lambda: (
                not Delivery.objects.filter(sent_at__isnull=True).exists()
                and not Reminder.objects.filter(sent_at__isnull=True).exists()
            ),
            timeout=120,
        )
    logs = "\n".join(p.read_text() for p in tmp_path.glob("*.log"))[-4000:]
    assert done, logs
    assert len(platforms.wecom.received) == len(platforms.dingtalk.received) == 1
    assert sorted(r.body["PhoneNumberSet"][0] for r in platforms.sms.received) == [
        f"+861380000000{i}" for i in range(3)
    ]
    assert sorted(_mail_recipients(outbox)) == sorted(u.email for u in three_branches)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
