"""load_demo's organisational life: a real mix from real records, and reminders already in the inboxes."""

import pytest
from django.core.management import call_command

from activities.models import Activity
from core.review.models import Status
from obligations import selectors
from obligations.models import Message, Obligation, Reminder, ReminderKind


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo")


@pytest.mark.django_db
def test_the_demo_has_met_due_and_overdue_from_real_records(demo):
    assert Obligation.objects.filter(active=True).count() >= 10
    current = selectors.compliance(with_activities=True)
    statuses = {cell.status for cell in current.cells.values()}
    assert {selectors.MET, selectors.DUE} <= statuses
    assert any(cell.pending_would_meet for cell in current.cells.values())
    previous = selectors.compliance(offset=-1)
    assert {selectors.MET, selectors.OVERDUE} <= {cell.status for cell in previous.cells.values()}
    # Every met activity-based pair rests on approved records of its kinds, in its period.
    for cell in current.cells.values():
        if cell.met and not cell.obligation.uses_indicator:
            approved = [a for a in cell.activities if a.status == Status.APPROVED]
            assert len(approved) == cell.approved_count >= (cell.obligation.min_count or 0)


@pytest.mark.django_db
def test_the_demo_secretaries_have_reminders_sent_by_the_real_run_and_reset_cleanly(demo):
    for username in ("secretary_a", "secretary_b"):
        inbox = Message.objects.filter(recipient__username=username)
        assert inbox.exists()
        assert inbox.filter(read_at__isnull=True).exists()
        # Reminders from the ledger; the other messages are notices written once with their
        # event: records returned to them, and the summary flow's requests and returns.
        reminders = inbox.filter(reminder__isnull=False)
        assert reminders.exists() and all(m.reminder_id for m in reminders)
        assert all(m.subject.startswith(("【退回待修改】", "【工作总结")) for m in inbox.filter(reminder__isnull=True))
    assert Message.objects.filter(reminder__isnull=True, subject__startswith="【退回待修改】").exists()
    assert Reminder.objects.filter(kind=ReminderKind.OVERDUE).exists()
    # The ledger is complete: running again sends nothing new for the same moment.
    from django.utils import timezone

    from obligations.demo import _last_run
    from obligations.services import reminders_reconcile

    again = reminders_reconcile(now=_last_run(timezone.now()))
    assert again.sent == 0 and again.already_sent > 0

    Obligation.objects.create(
        name="临时要求",
        organisation_kinds=["branch"],
        activity_kinds=["other"],
        frequency="month",
        min_count=1,
        active_from="2026-01-01",
    )
    call_command("load_demo", "--reset")
    assert Message.objects.exists() and Activity.objects.exists()
    assert not Obligation.objects.filter(code__isnull=True).exists()
