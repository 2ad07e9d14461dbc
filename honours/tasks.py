from celery import shared_task

from .services.import_jobs import batch_import_run, batch_imports_purge_stale


@shared_task(name="honours.purge_stale_imports", ignore_result=True)
def purge_stale_imports() -> None:
    batch_imports_purge_stale()


@shared_task(name="honours.run_import", ignore_result=True, acks_late=True)
def run_import(import_id: int) -> None:
    """Check or write an uploaded commendation list (honours.services.import_jobs)."""
    batch_import_run(import_id=import_id)
