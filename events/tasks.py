"""Celery tasks for events: thin, taking ids; the work is in services."""

from celery import shared_task

from . import services


# A large file can take minutes on a busy machine: a longer limit than the default for other tasks.
@shared_task(acks_late=True, time_limit=3600, soft_time_limit=3540)
def import_job_run(job_id: int) -> None:
    services.import_job_execute(job_id=job_id)


@shared_task
def import_files_purge() -> int:
    return services.import_files_purge()


@shared_task
def import_jobs_resend_stalled() -> int:
    return services.import_jobs_resend_stalled()
