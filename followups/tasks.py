from celery import shared_task

# --- Mission report exports ---------------------------------------------------------------------
# Thin tasks: they take ids and call the services in followups/export_jobs.py.


@shared_task(acks_late=True, soft_time_limit=900, time_limit=960)
def build_report_export(export_id: int) -> None:
    from .export_jobs import report_export_build

    report_export_build(export_id=export_id)


@shared_task
def delete_expired_report_exports() -> int:
    from .export_jobs import report_exports_delete_expired

    return report_exports_delete_expired()


# --- End of mission report exports --------------------------------------------------------------
