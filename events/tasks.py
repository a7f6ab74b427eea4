"""Celery tasks for events: thin, taking ids; the work is in services."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def import_job_run(job_id: int) -> None:
    services.import_job_execute(job_id=job_id)


@shared_task
def import_files_purge() -> int:
    return services.import_files_purge()
