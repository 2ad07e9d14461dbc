from celery import shared_task

from .services.imports import member_imports_purge_stale


@shared_task(name="members.purge_stale_imports", ignore_result=True)
def purge_stale_imports() -> None:
    member_imports_purge_stale()
