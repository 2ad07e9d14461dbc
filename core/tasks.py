from celery import shared_task

from . import services


@shared_task(name="core.heartbeat", ignore_result=True)
def heartbeat() -> None:
    services.heartbeat_record()


@shared_task(name="core.run_export", ignore_result=True, acks_late=True)
def run_export(job_id: str) -> None:
    services.export_run(job_id=job_id)
