"""Writes for missions, events, delegates, meetings and enquiries: each in a
transaction, recording who made the change (simple_history keeps the trail)."""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from contacts import services as contacts_services
from contacts.models import Organisation, Person, Sector

from . import imports
from .models import Delegate, Enquiry, Event, ImportJob, Mission, PartneringMeeting
from .signals import mission_changed

# Partnering meetings and enquiries


@dataclass
class MeetingDetails:
    """What the meeting form says about a meeting (everything but its follow-ups)."""

    event: Event | None
    starts_at: datetime
    duration_minutes: int
    location: str
    status: str
    topic: str
    notes: str
    interest: int | None
    next_steps: str
    delegates: list[Delegate] = field(default_factory=list)
    counterpart_organisations: list[Organisation] = field(default_factory=list)
    counterpart_people: list[Person] = field(default_factory=list)
    sectors: list[Sector] = field(default_factory=list)

    SCALARS = (
        "event",
        "starts_at",
        "duration_minutes",
        "location",
        "status",
        "topic",
        "notes",
        "interest",
        "next_steps",
    )


class MeetingEditConflict(Exception):
    """Someone saved the meeting after this edit began; nothing was written."""

    def __init__(self, meeting: PartneringMeeting, expected_version: int):
        super().__init__(
            f"Meeting {meeting.pk} is at version {meeting.version}, the edit started from {expected_version}"
        )
        self.meeting = meeting
        self.expected_version = expected_version


def _check_belongs(mission: Mission, details: MeetingDetails) -> None:
    # The forms restrict choices to the mission; this guards every other caller.
    if details.event is not None and details.event.mission_id != mission.pk:
        raise ValueError("The event belongs to another mission.")
    if any(d.mission_id != mission.pk for d in details.delegates):
        raise ValueError("Our delegates must be delegates of the meeting's mission.")
    if not details.counterpart_organisations:
        raise ValueError("A meeting needs at least one counterpart organisation.")


def _set_relations(meeting: PartneringMeeting, details: MeetingDetails) -> None:
    meeting.delegates.set(details.delegates)
    meeting.counterpart_organisations.set(details.counterpart_organisations)
    meeting.counterpart_people.set(details.counterpart_people)
    meeting.sectors.set(details.sectors)


@transaction.atomic
def meeting_create(*, mission: Mission, details: MeetingDetails, user) -> PartneringMeeting:
    _check_belongs(mission, details)
    meeting = PartneringMeeting(mission=mission, logged_by=user, created_by=user, modified_by=user)
    for name in MeetingDetails.SCALARS:
        setattr(meeting, name, getattr(details, name))
    meeting.save()
    _set_relations(meeting, details)
    return meeting


@transaction.atomic
def meeting_update(
    *, meeting: PartneringMeeting, expected_version: int, details: MeetingDetails, user
) -> PartneringMeeting:
    """Apply an edit that started from `expected_version`, or raise MeetingEditConflict.

    The version check and bump is one conditional UPDATE, so of two edits that
    started from the same version exactly one wins; the row stays locked until
    this transaction commits."""
    _check_belongs(meeting.mission, details)
    claimed = PartneringMeeting.objects.filter(pk=meeting.pk, version=expected_version).update(version=F("version") + 1)
    if claimed != 1:
        raise MeetingEditConflict(PartneringMeeting.objects.get(pk=meeting.pk), expected_version)
    for name in MeetingDetails.SCALARS:
        setattr(meeting, name, getattr(details, name))
    meeting.version = expected_version + 1
    meeting.modified_by = user
    meeting.save()
    _set_relations(meeting, details)
    return meeting


@dataclass
class EnquiryDetails:
    event: Event | None
    asked_at: datetime
    asker_name: str
    person: Person | None
    organisation: Organisation | None
    category: str
    question: str
    assigned_to: Delegate | None


@transaction.atomic
def enquiry_create(*, mission: Mission, details: EnquiryDetails, user) -> Enquiry:
    if details.event is not None and details.event.mission_id != mission.pk:
        raise ValueError("The event belongs to another mission.")
    if details.assigned_to is not None and details.assigned_to.mission_id != mission.pk:
        raise ValueError("Enquiries are assigned to a delegate of the same mission.")
    enquiry = Enquiry(mission=mission, created_by=user, modified_by=user, **details.__dict__)
    enquiry.full_clean()
    enquiry.save()
    return enquiry


logger = logging.getLogger(__name__)

# Imports


class ImportRefused(Exception):
    """The import cannot run as asked (bad rows without permission to skip them)."""


def import_job_create(
    *, kind: str, mission: Mission | None, data: bytes, filename: str, encoding: str, acting_user
) -> ImportJob:
    """Read the upload (raising ImportFileError if it cannot be read) and store it for the next steps."""
    table = imports.read_table(data, encoding=encoding)
    remembered = imports.remembered_mapping(kind=kind, mission=mission, user=acting_user)
    job = ImportJob(
        kind=kind,
        mission=mission,
        uploaded_by=acting_user,
        original_name=filename[:255],
        file_hash=imports.file_sha256(data),
        file_format=table.file_format,
        encoding=table.encoding,
        headers=table.headers,
        mapping=imports.guess_mapping(kind, table.headers, remembered),
        total_rows=len(table.rows),
    )
    # Stored through the storage API so that whichever worker runs the import can read it.
    job.file.save(f"{job.file_hash[:16]}.{table.file_format}", ContentFile(data), save=False)
    with transaction.atomic():
        job.save()
    return job


def import_job_read_table(*, job: ImportJob) -> imports.Table:
    if not job.file:
        raise imports.ImportFileError("The uploaded file has been removed; upload it again.")
    with job.file.open("rb") as handle:
        data = handle.read()
    return imports.read_table(data, encoding=job.encoding or "auto")


def import_job_set_mapping(*, job: ImportJob, mapping: dict) -> ImportJob:
    if job.status not in (ImportJob.Status.UPLOADED, ImportJob.Status.MAPPED):
        raise ImportRefused("This import has already run.")
    job.mapping = {name: header for name, header in mapping.items() if header}
    job.status = ImportJob.Status.MAPPED
    job.save(update_fields=["mapping", "status"])
    return job


def import_job_confirm(*, job: ImportJob, skip_bad_rows: bool, error_rows: int) -> ImportJob:
    """Start the import: inline for small files, on a Celery worker for large ones."""
    if job.status != ImportJob.Status.MAPPED:
        raise ImportRefused("This import has already started.")
    if error_rows and not skip_bad_rows:
        raise ImportRefused(
            f"{error_rows} row(s) have errors. Fix the file and upload it again, or choose to skip the bad rows."
        )
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.MAPPED).update(
        status=ImportJob.Status.QUEUED, skip_bad_rows=skip_bad_rows, processed_rows=0
    )
    if updated != 1:
        raise ImportRefused("This import has already started.")
    job.refresh_from_db()
    if job.total_rows > settings.IMPORT_BACKGROUND_ROWS:
        transaction.on_commit(lambda: _import_job_enqueue(job.pk))
        return job
    return import_job_execute(job_id=job.pk)


def _import_job_enqueue(job_id: int) -> None:
    from .tasks import import_job_run

    try:
        import_job_run.delay(job_id)
    except Exception:  # the broker is down: say so on the job rather than leave it waiting forever
        logger.exception("Could not queue import job %s", job_id)
        ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
            status=ImportJob.Status.FAILED,
            failure="The background worker could not be reached, so nothing was imported. Upload the file again later.",
            finished_at=timezone.now(),
        )


class _Progress:
    """Writes the progress count on its own autocommit connection, so the page polling it sees the
    count grow while the import's own transaction stays open (and all-or-nothing). Only for
    background imports: a small file is imported while the user waits for the page."""

    EVERY = 25

    def __init__(self, job_id: int, *, enabled: bool = True):
        self.job_id = job_id
        # SQLite would block on the import's open write transaction; there the bar jumps at the end.
        self.enabled = enabled and connections[DEFAULT_DB_ALIAS].vendor != "sqlite"
        self.connection = None

    def __enter__(self):
        return self

    def tick(self, processed: int):
        if not self.enabled or processed % self.EVERY:
            return
        if self.connection is None:
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
        table = ImportJob._meta.db_table
        with self.connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET processed_rows = %s WHERE id = %s", [processed, self.job_id])  # noqa: S608

    def __exit__(self, *exc):
        if self.connection is not None:
            self.connection.close()


def import_job_execute(*, job_id: int) -> ImportJob:
    """Run a confirmed import. Refuses unless the job is waiting (or was left running by a dead worker),
    so a task delivered twice does not import twice; natural-key matching makes a rerun harmless anyway."""
    stale = timezone.now() - timedelta(hours=1, minutes=5)  # longer than import_job_run's time limit
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    ) or ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING, started_at__lt=stale).update(
        started_at=timezone.now()
    )
    job = ImportJob.objects.select_related("mission", "uploaded_by").get(pk=job_id)
    if not claimed:
        return job
    try:
        table = import_job_read_table(job=job)
        with transaction.atomic():
            plan = imports.plan_import(job=job, table=table)
            if plan.error_rows and not job.skip_bad_rows:
                raise ImportRefused(
                    f"{len(plan.error_rows)} row(s) have errors (did the data change since the preview?). "
                    "Nothing was imported."
                )
            created: dict[str, int] = {}
            writer = _ImportWriter(job)
            with _Progress(job.pk, enabled=job.total_rows > settings.IMPORT_BACKGROUND_ROWS) as progress:
                for done, row in enumerate(plan.rows, start=1):
                    if row.ok:
                        for planned in row.creates:
                            created[planned.kind] = created.get(planned.kind, 0) + 1
                        writer.row(row)
                    progress.tick(done)
                writer.flush()
            if job.mission_id is not None:
                # New delegates may be due reminder emails (followups listens; events cannot import it).
                mission_changed.send(sender=Mission, mission=job.mission)
    except (ImportRefused, imports.ImportFileError) as error:
        return _import_job_fail(job, str(error))
    except Exception:
        logger.exception("Import job %s failed", job_id)
        return _import_job_fail(job, "The import failed unexpectedly; nothing was imported. Try again or tell us.")
    counts = plan.counts()
    totals = plan.totals()
    job.status = ImportJob.Status.DONE
    job.processed_rows = job.total_rows = counts["rows"]
    job.created_count = counts["new"]
    job.existing_count = counts["existing"]
    job.skipped_count = counts["errors"]
    job.summary = {kind: {"new": created.get(kind, 0), "existing": t["existing"]} for kind, t in totals.items()}
    job.errors = [{"row": r.number, "messages": r.errors} for r in plan.error_rows[:500]]
    job.finished_at = timezone.now()
    job.failure = ""
    job.save()
    return job


def _import_job_fail(job: ImportJob, message: str) -> ImportJob:
    job.status = ImportJob.Status.FAILED
    job.failure = message
    job.processed_rows = 0
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "failure", "processed_rows", "finished_at"])
    return job


class _ImportWriter:
    """Writes the good rows of a plan. Organisations, people and delegates are created as rows need
    them (later rows refer to them); meetings and their links are collected and written in batches
    with their history, which keeps a large meeting list within a worker's time limit."""

    BATCH = 200

    def __init__(self, job: ImportJob):
        self.job = job
        self.user = job.uploaded_by
        self.meetings: list[PartneringMeeting] = []
        self.links: list[tuple[PartneringMeeting, list[Delegate], object, object]] = []

    @staticmethod
    def _ensure(planned, create):
        if planned is None:
            return None
        if planned.obj is None:
            planned.obj = planned.existing if planned.existing is not None else create(planned.values)
        return planned.obj

    def row(self, row: imports.RowPlan) -> None:
        user = self.user
        organisation = self._ensure(
            row.organisation,
            lambda v: contacts_services.organisation_create(
                name=v["name"],
                name_native=v.get("name_native", ""),
                kind=v.get("kind") or Organisation.Kind.COMPANY,
                country=v.get("country", ""),
                city=v.get("city", ""),
                website=v.get("website", ""),
                acting_user=user,
            ),
        )

        def create_person(v):
            org = v.get("organisation")
            return contacts_services.person_create(
                family_name=v["family_name"],
                given_name=v.get("given_name", ""),
                name_native=v.get("name_native", ""),
                name_order=v.get("name_order") or Person.NameOrder.GIVEN_FIRST,
                honorific=v.get("honorific", ""),
                job_title=v.get("job_title", ""),
                email=v.get("email", ""),
                phone=v.get("phone", ""),
                organisation=(org.obj or org.existing) if org is not None else organisation,
                acting_user=user,
            )

        person = self._ensure(row.person, create_person)
        self._ensure(
            row.delegate,
            lambda v: Delegate.objects.create(
                mission=self.job.mission, person=person, role=v["role"], created_by=user, modified_by=user
            ),
        )
        if row.meeting is not None and row.meeting.is_new and row.meeting.first_row == row.number:
            v = row.meeting.values
            meeting = PartneringMeeting(
                mission=self.job.mission,
                event=v["event"],
                starts_at=v["starts_at"],
                duration_minutes=v["duration_minutes"],
                location=v["location"],
                status=v["status"],
                topic=v["topic"],
                notes=v["notes"],
                logged_by=user,
                created_by=user,
                modified_by=user,
            )
            row.meeting.obj = meeting
            self.meetings.append(meeting)
            self.links.append((meeting, v["delegates"], organisation, person))
        if len(self.meetings) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.meetings:
            return
        created = bulk_create_with_history(self.meetings, PartneringMeeting, default_user=self.user)
        for meeting, saved in zip(self.meetings, created, strict=True):
            meeting.pk = saved.pk
        through = PartneringMeeting.delegates.through
        orgs = PartneringMeeting.counterpart_organisations.through
        people = PartneringMeeting.counterpart_people.through
        through.objects.bulk_create(
            [through(partneringmeeting_id=m.pk, delegate_id=d.pk) for m, ds, _, _ in self.links for d in ds]
        )
        orgs.objects.bulk_create(
            [orgs(partneringmeeting_id=m.pk, organisation_id=o.pk) for m, _, o, _ in self.links if o is not None]
        )
        people.objects.bulk_create(
            [people(partneringmeeting_id=m.pk, person_id=p.pk) for m, _, _, p in self.links if p is not None]
        )
        self.meetings, self.links = [], []


def import_files_purge(*, now=None) -> int:
    """Delete uploaded files older than the retention period from storage; the job rows stay."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS)
    removed = 0
    for job in ImportJob.objects.filter(created_at__lt=cutoff, file_removed_at__isnull=True).exclude(file=""):
        name = job.file.name
        if name and default_storage.exists(name):
            default_storage.delete(name)
        job.file = ""
        job.file_removed_at = now
        job.save(update_fields=["file", "file_removed_at"])
        removed += 1
    return removed
