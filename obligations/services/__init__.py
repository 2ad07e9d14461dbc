"""Writes of the obligations app: obligations, the reminder run, the inbox, the schedule."""

from .inbox import message_mark_all_read, message_mark_read
from .obligations import obligation_create, obligation_update
from .reminders import (
    ReconcileResult,
    reminder_candidates,
    reminder_retry,
    reminders_queue_run,
    reminders_reconcile,
    reminders_send_lapsed,
)
from .schedule import ReminderSchedule, reminder_schedule, reminder_schedule_update

__all__ = [
    "ReconcileResult",
    "ReminderSchedule",
    "message_mark_all_read",
    "message_mark_read",
    "obligation_create",
    "obligation_update",
    "reminder_candidates",
    "reminder_retry",
    "reminder_schedule",
    "reminder_schedule_update",
    "reminders_queue_run",
    "reminders_reconcile",
    "reminders_send_lapsed",
]
