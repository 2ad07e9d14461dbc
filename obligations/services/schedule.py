"""The time of day the reminder run fires: a django-celery-beat crontab in Asia/Shanghai."""

import logging
from dataclasses import dataclass
from datetime import datetime, time

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

logger = logging.getLogger(__name__)

REMINDER_TASK = "obligations.reconcile_reminders"
REMINDER_TASK_NAME = "履职提醒检查（每日）"
SCHEDULE_TIMEZONE = "Asia/Shanghai"
DEFAULT_TIME = time(8, 30)


@dataclass
class ReminderSchedule:
    at: time
    enabled: bool
    timezone: str
    last_run_at: datetime | None
    total_run_count: int


def _task() -> PeriodicTask | None:
    return PeriodicTask.objects.filter(task=REMINDER_TASK).select_related("crontab").order_by("id").first()


def reminder_schedule() -> ReminderSchedule:
    """When the daily run fires. Without a crontab (someone removed it in the admin) it reads as off."""
    task = _task()
    if task is None or task.crontab is None:
        return ReminderSchedule(DEFAULT_TIME, False, SCHEDULE_TIMEZONE, None, 0)
    crontab = task.crontab
    try:
        at = time(int(crontab.hour), int(crontab.minute))
    except ValueError:  # an expression such as */2 set in the admin
        at = DEFAULT_TIME
    return ReminderSchedule(at, task.enabled, str(crontab.timezone), task.last_run_at, task.total_run_count)


@transaction.atomic
def reminder_schedule_update(*, user, at: time, enabled: bool) -> ReminderSchedule:
    """Fire the daily run at ``at`` (Asia/Shanghai), or switch it off. Beat picks the change up."""
    if not user.is_committee_staff:
        raise PermissionDenied("只有区团委工作人员可以修改提醒时间。")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=str(at.minute),
        hour=str(at.hour),
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=SCHEDULE_TIMEZONE,
    )
    task = PeriodicTask.objects.select_for_update().filter(task=REMINDER_TASK).order_by("id").first()
    if task is None:
        task = PeriodicTask(name=REMINDER_TASK_NAME, task=REMINDER_TASK)
    task.crontab = crontab
    task.interval = None
    task.enabled = enabled
    task.save()  # also tells a running beat that its schedule changed
    logger.info("Reminder run set to %s %s by %s (enabled=%s)", at, SCHEDULE_TIMEZONE, user.username, enabled)
    return reminder_schedule()
