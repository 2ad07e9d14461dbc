"""Periodic tasks that ship with an app, created by its data migration (django-celery-beat keeps
the schedule in the database, where staff may change it)."""

from django.db import migrations


def hourly_task(name: str, task: str) -> migrations.RunPython:
    """A migration operation that schedules ``task`` every hour under ``name`` (and removes it)."""

    def create(apps, schema_editor):
        IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
        every_hour, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
        defaults = {"task": task, "interval": every_hour, "enabled": True}
        PeriodicTask.objects.update_or_create(name=name, defaults=defaults)

    def remove(apps, schema_editor):
        apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=name).delete()

    return migrations.RunPython(create, remove)
