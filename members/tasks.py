from celery import shared_task

from .services.import_jobs import member_import_run, member_imports_purge_stale


@shared_task(name="members.purge_stale_imports", ignore_result=True)
def purge_stale_imports() -> None:
    member_imports_purge_stale()


@shared_task(name="members.run_import", ignore_result=True, acks_late=True)
def run_import(import_id: int) -> None:
    """Check or write a large roster upload (members.services.import_jobs)."""
    member_import_run(import_id=import_id)
