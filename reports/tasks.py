from celery import shared_task

from . import services


@shared_task(name="reports.run_report_job", ignore_result=True, acks_late=True)
def run_report_job(report_id: int) -> None:
    services.report_run_job(report_id=report_id)
