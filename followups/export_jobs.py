"""Services for report exports: log every export, build large ones in a worker
into Django's storage (so any worker may build a file and any web process
serve it), and delete files once they expire."""

import logging
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from events.models import Mission

from .exports import WRITERS, export_filename
from .models import ReportExport
from .report import ReportFilters, mission_report

logger = logging.getLogger(__name__)


def export_lifetime() -> timedelta:
    return timedelta(hours=getattr(settings, "REPORT_EXPORT_LIFETIME_HOURS", 24))


@transaction.atomic
def report_export_log(*, mission: Mission, user, fmt: str, filters: ReportFilters, rows: int) -> ReportExport:
    """Record an export served straight to the browser."""
    now = timezone.now()
    return ReportExport.objects.create(
        mission=mission,
        requested_by=user,
        format=fmt,
        filters=filters.as_dict(),
        served_directly=True,
        status=ReportExport.Status.DONE,
        progress=100,
        rows=rows,
        started_at=now,
        finished_at=now,
    )


@transaction.atomic
def report_export_request(*, mission: Mission, user, fmt: str, filters: ReportFilters, rows: int) -> ReportExport:
    """Queue an export for a worker; the task starts once this transaction commits."""
    from .tasks import build_report_export

    export = ReportExport.objects.create(
        mission=mission, requested_by=user, format=fmt, filters=filters.as_dict(), rows=rows
    )
    transaction.on_commit(lambda: build_report_export.delay(export.pk))
    return export


def report_export_build(*, export_id: int) -> ReportExport | None:
    """Build the file of a queued export. Safe to run twice: a finished export is
    left alone, and a run cut short (worker killed) is simply redone."""
    claimed = ReportExport.objects.filter(
        pk=export_id, status__in=[ReportExport.Status.PENDING, ReportExport.Status.RUNNING]
    ).update(status=ReportExport.Status.RUNNING, started_at=timezone.now(), progress=1)
    if claimed != 1:
        logger.info("Report export %s is finished or gone; nothing to do.", export_id)
        return None
    export = ReportExport.objects.select_related("mission").get(pk=export_id)
    last = {"percent": 1}

    def progress(done: int, total: int) -> None:
        # Only write when the bar visibly moves; the cap leaves 100 for "saved".
        percent = min(99, max(1, int(99 * done / max(total, 1))))
        if percent >= last["percent"] + 2:
            last["percent"] = percent
            ReportExport.objects.filter(pk=export_id).update(progress=percent)

    try:
        report = mission_report(mission=export.mission, filters=ReportFilters.from_dict(export.mission, export.filters))
        with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as tmp:
            WRITERS[export.format](report, tmp, progress)
            size = tmp.tell()
            tmp.seek(0)
            name = default_storage.save(
                f"report-exports/{export.pk}/{export_filename(report, export.format)}", File(tmp)
            )
    except Exception as error:
        logger.exception("Report export %s failed", export_id)
        ReportExport.objects.filter(pk=export_id).update(
            status=ReportExport.Status.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    now = timezone.now()
    ReportExport.objects.filter(pk=export_id).update(
        status=ReportExport.Status.DONE,
        progress=100,
        file=name,
        size=size,
        finished_at=now,
        expires_at=now + export_lifetime(),
    )
    export.refresh_from_db()
    return export


def report_exports_delete_expired(*, now=None) -> int:
    """Delete the files of expired exports (the log rows stay). Returns how many."""
    now = now or timezone.now()
    deleted = 0
    for export in ReportExport.objects.filter(expires_at__lte=now).exclude(file="").only("pk", "file"):
        default_storage.delete(export.file.name)
        deleted += ReportExport.objects.filter(pk=export.pk, file=export.file.name).update(
            file="", status=ReportExport.Status.EXPIRED
        )
    return deleted
