"""Celery tasks: thin, JSON arguments (ids and ISO datetimes), each calls a service.

The beat schedule (settings.CELERY_BEAT_SCHEDULE) runs `reminders_dispatch` every
minute; it enqueues one `reminders_send_batch` per REMINDERS_BATCH_SIZE due rows.
Future reminders are never parked in Redis as ETA/countdown tasks: the outbox
table is the schedule, so a lost queue (Redis restart) or a duplicate beat costs
nothing — the next dispatch finds the same rows, and the claim in
`reminders_send_batch` lets only one batch send each.
"""

from datetime import datetime

from celery import shared_task
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from . import reminders

SEND_MESSAGE_EXPIRES = 300  # seconds


def _moment(now: str | None) -> datetime | None:
    """`now` is injectable (ISO 8601, aware) so tests and demos can move time on without mocking the clock."""
    if now is None:
        return None
    moment = parse_datetime(now)
    if moment is None or moment.tzinfo is None:
        raise ValueError(f"now must be an aware ISO 8601 datetime, got {now!r}")
    return moment


@shared_task(name="followups.reminders_dispatch", ignore_result=True, soft_time_limit=50, time_limit=60)
def reminders_dispatch(now: str | None = None) -> int:
    moment = _moment(now) or timezone.now()
    reminders.reminders_recover_stale(now=moment)
    batches = reminders.reminders_batches_due(now=moment)
    for _ in range(batches):
        # Each task claims whatever is due when it runs, so a task that finds nothing (the rows
        # went with an earlier batch) costs one query. Expiring messages keep a queue that backed
        # up (workers down for an hour) from holding sixty dispatches' worth of tasks.
        reminders_send_batch.apply_async((now,), expires=SEND_MESSAGE_EXPIRES)
    return batches


# The hard limit stays well below REMINDERS_SENDING_LEASE_SECONDS: a batch that hangs is
# killed before its rows could be recovered and handed to a second worker. A batch starts
# no new message after REMINDERS_BATCH_SECONDS (30 s), well inside the soft limit.
@shared_task(name="followups.reminders_send_batch", ignore_result=True, soft_time_limit=60, time_limit=90)
def reminders_send_batch(now: str | None = None) -> dict:
    return dict(reminders.reminders_send_batch(now=_moment(now)))


@shared_task(name="followups.reminder_send", ignore_result=True, soft_time_limit=60, time_limit=90)
def reminder_send(reminder_id: int, now: str | None = None) -> str:
    """One reminder at once (the Resend button); the dispatch would send it within a minute anyway."""
    return reminders.reminder_send(reminder_id=int(reminder_id), now=_moment(now))


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
