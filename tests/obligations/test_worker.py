"""The reminder task on a real Celery worker (and beat), against the configured broker (Redis in CI)."""

import json
from datetime import date

import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from branches.models import Kind
from obligations.models import EmailStatus, Message, Reminder
from obligations.tasks import reconcile_reminders

from ..celery_processes import celery_processes, wait_for
from .conftest import at
from .factories import ObligationFactory

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("no_default_obligations"),
]

NOW = at("2026-11-25 08:30")


@pytest.fixture
def due_reminders(district, secretary_a, secretary_b, tmp_path, monkeypatch):
    for user in (secretary_a, secretary_b):
        user.email = f"{user.username}@league.example.cn"
        user.save()
    ObligationFactory(organisation_kinds=[Kind.BRANCH], active_from=date(2026, 11, 1))
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    # The worker is another process: it reads its mail settings from the environment.
    monkeypatch.setenv("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    monkeypatch.setenv("EMAIL_FILE_PATH", str(mail_dir))
    return mail_dir


def _logs(tmp_path) -> str:
    return "\n".join(p.read_text() for p in tmp_path.glob("*.log"))[-4000:]


def _delivered() -> int:
    return Reminder.objects.filter(email_status=EmailStatus.SENT).count()


def test_the_worker_runs_the_reconcile_task(due_reminders, tmp_path):
    with celery_processes(beat=False, log_dir=tmp_path):
        reconcile_reminders.delay(now=NOW.isoformat())
        ok = wait_for(lambda: _delivered() == 2, timeout=90)
    assert ok, _logs(tmp_path)
    assert Message.objects.count() == 2
    mails = "".join(p.read_text() for p in due_reminders.glob("*.log"))
    assert mails.count("secretary_a@league.example.cn") >= 1 and mails.count("secretary_b@league.example.cn") >= 1


def test_beat_firing_again_and_again_sends_each_reminder_once(due_reminders, tmp_path):
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="reminders (test, every second)",
        task="obligations.reconcile_reminders",
        interval=every_second,
        kwargs=json.dumps({"now": NOW.isoformat()}),
    )
    worker_log = tmp_path / "worker.log"

    def runs() -> int:
        text = worker_log.read_text() if worker_log.exists() else ""
        return text.count("obligations.reconcile_reminders") and text.count("] succeeded in")

    with celery_processes(beat=True, log_dir=tmp_path) as procs:
        ok = wait_for(lambda: _delivered() == 2 and runs() >= 4, timeout=120)
        for proc, _ in procs.values():
            assert proc.poll() is None, "a Celery process died"
    assert ok, _logs(tmp_path)
    assert Reminder.objects.count() == Message.objects.count() == 2
    assert "sent=0 already_sent=2 failed=0" in worker_log.read_text()
    mails = "".join(p.read_text() for p in due_reminders.glob("*.log"))
    assert mails.count("To: secretary_a@league.example.cn") == 1
    assert mails.count("To: secretary_b@league.example.cn") == 1
