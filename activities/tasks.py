from celery import shared_task

from .services import activity_pending_files_purge


@shared_task(name="activities.purge_pending_files", ignore_result=True)
def purge_pending_files() -> None:
    activity_pending_files_purge()
