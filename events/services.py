"""Writes for missions and everything in them. Each function runs in one
transaction, records who acted (created_by / modified_by; django-simple-history
keeps the rest), and refuses with a ValidationError (shown on the form) rather
than leaving the database in a half-changed state."""

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import F, ProtectedError, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from simple_history.utils import bulk_create_with_history

from contacts import services as contacts_services
from contacts.history import one_entry
from contacts.identity.resolver import add_alias
from contacts.models import Organisation, OrganisationAlias, Person, Sector, User

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
    with one_entry(meeting, user):
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
    with one_entry(meeting, user):
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
    # Stored through the storage API so that whichever worker runs the import can read it;
    # a file whose job cannot be saved is deleted at once (the purge only finds files by job).
    job.file.save(f"{job.file_hash[:16]}.{table.file_format}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            job.save()
    except BaseException:
        job.file.delete(save=False)
        raise
    return job


def import_job_read_table(*, job: ImportJob) -> imports.Table:
    if not job.file:
        raise imports.ImportFileError("The uploaded file has been removed; upload it again.")
    with job.file.open("rb") as handle:
        data = handle.read()
    return imports.read_table(data, encoding=job.encoding or "auto")


def import_job_match_organisation(
    *, job: ImportJob, planned: "imports.Planned", organisation: Organisation, acting_user: User
) -> list[str]:
    """The user says a name the import would create is an organisation we have: its names in the
    file become aliases of that organisation, so this preview, and every later file, match it."""
    if job.status != ImportJob.Status.MAPPED:
        raise ImportRefused("This import has already run.")
    if organisation.merged_into_id:
        raise ImportRefused(f"{organisation} was merged into another record; pick that one.")
    names = dict.fromkeys(n for n in (planned.values.get("name", ""), planned.values.get("name_native", "")) if n)
    for name in names:
        add_alias(organisation, name, source=OrganisationAlias.Source.IMPORT, acting_user=acting_user)
    return list(names)


@transaction.atomic
def import_job_add_delegate(
    *, job: ImportJob, name: str, organisation: Organisation | None, acting_user: User
) -> Delegate:
    """An unknown delegate of a meeting list joins the mission: the person we already have under
    that name if there is exactly one, else a new person (with our side's organisation)."""
    if job.status != ImportJob.Status.MAPPED:
        raise ImportRefused("This import has already run.")
    values = imports.split_person_name(name)
    same_name = Person.objects.filter(merged_into__isnull=True)
    if values["name_native"]:
        same_name = same_name.filter(name_native=values["name_native"])
    else:
        same_name = same_name.filter(
            Q(given_name__iexact=values["given_name"], family_name__iexact=values["family_name"])
            | Q(given_name__iexact=values["family_name"], family_name__iexact=values["given_name"])
        )
    found = list(same_name.exclude(delegations__mission=job.mission)[:2])
    if len(found) == 1:
        return delegate_add(mission=job.mission, person=found[0], role=Delegate.Role.DELEGATE, added_by=acting_user)
    person = contacts_services.person_create(
        acting_user=acting_user,
        given_name=values["given_name"][:100],
        family_name=values["family_name"][:100],
        name_native=values["name_native"][:200],
        name_order=values.get("name_order") or Person.NameOrder.GIVEN_FIRST,
        honorific=values.get("honorific", "")[:40],
        organisation=organisation,
    )
    return delegate_add(mission=job.mission, person=person, role=Delegate.Role.DELEGATE, added_by=acting_user)


def import_job_set_mapping(
    *,
    job: ImportJob,
    mapping: dict,
    date_order: str = ImportJob.DateOrder.DAY_FIRST,
    our_side: str = ImportJob.OurSide.PER_ROW,
) -> ImportJob:
    if job.status not in (ImportJob.Status.UPLOADED, ImportJob.Status.MAPPED):
        raise ImportRefused("This import has already run.")
    job.mapping = {name: header for name, header in mapping.items() if header}
    job.date_order = date_order
    job.our_side = our_side
    job.status = ImportJob.Status.MAPPED
    job.save(update_fields=["mapping", "date_order", "our_side", "status"])
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
        status=ImportJob.Status.QUEUED, skip_bad_rows=skip_bad_rows, processed_rows=0, queued_at=timezone.now()
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


def import_jobs_resend_stalled() -> int:
    """Hand again to a worker the background imports whose task was lost: still waiting after
    IMPORT_RESEND_AFTER_MINUTES (a broker restarted without its queue, a message dropped), or left
    running by a worker that died. import_job_execute claims a job before running it, so a task
    delivered twice still imports once. Returns how many were sent."""
    now = timezone.now()
    waiting = Q(
        status=ImportJob.Status.QUEUED, queued_at__lt=now - timedelta(minutes=settings.IMPORT_RESEND_AFTER_MINUTES)
    )
    abandoned = Q(status=ImportJob.Status.RUNNING, started_at__lt=now - IMPORT_RUNNING_STALE)
    stalled = list(ImportJob.objects.filter(waiting | abandoned).values_list("pk", flat=True))
    # The clock restarts, so a job behind a long queue is sent again at most once per interval.
    ImportJob.objects.filter(pk__in=stalled).update(queued_at=now)
    for job_id in stalled:
        logger.warning("Import job %s was stalled: sending it to a worker again", job_id)
        _import_job_enqueue(job_id)
    return len(stalled)


class _Progress:
    """Writes the progress count on its own autocommit connection, so the page polling it sees the
    count grow while the import's own transaction stays open (and all-or-nothing). Only for
    background imports: a small file is imported while the user waits for the page."""

    EVERY = 25

    def __init__(self, job_id: int, *, enabled: bool = True):
        self.job_id = job_id
        self.enabled = enabled
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
            cursor.execute(f"UPDATE {table} SET processed_rows = %s WHERE id = %s", [processed, self.job_id])  # noqa: S608  # nosec B608: the table name comes from the model, values are parameters

    def __exit__(self, *exc):
        if self.connection is not None:
            self.connection.close()


# Longer than import_job_run's time limit: a job running this long was left by a dead worker.
IMPORT_RUNNING_STALE = timedelta(hours=1, minutes=5)


def import_job_execute(*, job_id: int) -> ImportJob:
    """Run a confirmed import. Refuses unless the job is waiting (or was left running by a dead worker),
    so a task delivered twice does not import twice; natural-key matching makes a rerun harmless anyway."""
    stale = timezone.now() - IMPORT_RUNNING_STALE
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
    return removed + _orphan_import_files_purge(cutoff=now - timedelta(hours=1))


def _orphan_import_files_purge(*, cutoff) -> int:
    """Delete files under imports/ that no job refers to (a process killed between
    storing a file and saving its job), once they are older than ``cutoff``."""
    kept = set(ImportJob.objects.exclude(file="").values_list("file", flat=True))
    removed = 0
    for name in _storage_files("imports"):
        if name not in kept and default_storage.get_modified_time(name) < cutoff:
            default_storage.delete(name)
            removed += 1
    return removed


def _storage_files(folder: str):
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _storage_files(f"{folder}/{sub}")


logger = logging.getLogger(__name__)

# Missions, events and rosters


def person_for_user(*, user: User) -> Person:
    """The person record behind a login, created from the account's name and email if there is none.

    An unlinked person with the same email is linked rather than duplicated."""
    try:
        return user.person
    except Person.DoesNotExist:
        pass
    if user.email:
        same_email = list(Person.objects.filter(email__iexact=user.email, user__isnull=True, merged_into__isnull=True))
        if len(same_email) == 1:
            return contacts_services.person_set(person=same_email[0], acting_user=user, user=user)
    return Person.objects.create(
        given_name=user.first_name,
        family_name=user.last_name or user.username,
        email=user.email,
        time_zone=user.time_zone,
        user=user,
        created_by=user,
        modified_by=user,
    )


def _set_mission_relations(mission: Mission, *, lead_organisations, partner_organisations, sectors) -> None:
    mission.lead_organisations.set(lead_organisations)
    mission.partner_organisations.set(partner_organisations)
    mission.sectors.set(sectors)


@transaction.atomic
def mission_create(
    *,
    created_by: User,
    title: str,
    start_date: date,
    end_date: date,
    destination_country: str,
    destination_city: str = "",
    direction: str = Mission.Direction.OUTBOUND,
    time_zone: str = "Asia/Tokyo",
    status: str = Mission.Status.PLANNING,
    programme: str = "",
    reminder_offsets: list[int] | None = None,
    lead_organisations: list[Organisation] = (),
    partner_organisations: list[Organisation] = (),
    sectors: list[Sector] = (),
) -> Mission:
    """A new mission. A non-manager who creates one becomes its organiser, so they can go on managing it."""
    mission = Mission(
        title=title,
        start_date=start_date,
        end_date=end_date,
        destination_country=destination_country,
        destination_city=destination_city,
        direction=direction,
        time_zone=time_zone,
        status=status,
        programme=programme,
        reminder_offsets=list(reminder_offsets) if reminder_offsets is not None else [1, 7, 30],
        created_by=created_by,
        modified_by=created_by,
    )
    with one_entry(mission, created_by):
        mission.save(force_insert=True)
        _set_mission_relations(
            mission, lead_organisations=lead_organisations, partner_organisations=partner_organisations, sectors=sectors
        )
    if not created_by.is_manager:
        Delegate.objects.create(
            mission=mission,
            person=person_for_user(user=created_by),
            role=Delegate.Role.ORGANISER,
            created_by=created_by,
            modified_by=created_by,
        )
    mission_changed.send(sender=Mission, mission=mission)  # reminder emails (followups listens)
    return mission


@transaction.atomic
def mission_update(
    *,
    mission: Mission,
    modified_by: User,
    lead_organisations: list[Organisation],
    partner_organisations: list[Organisation],
    sectors: list[Sector],
    **fields,
) -> Mission:
    editable = {
        "title",
        "direction",
        "destination_country",
        "destination_city",
        "start_date",
        "end_date",
        "time_zone",
        "status",
        "programme",
        "reminder_offsets",
    }
    unknown = set(fields) - editable
    if unknown:
        raise TypeError(f"mission_update() got unexpected fields {sorted(unknown)}")
    for name, value in fields.items():
        setattr(mission, name, value)
    mission.modified_by = modified_by
    with one_entry(mission, modified_by):
        mission.save()
        _set_mission_relations(
            mission, lead_organisations=lead_organisations, partner_organisations=partner_organisations, sectors=sectors
        )
    # A moved end date, new offsets or a cancellation re-arm (or cancel) the reminder emails.
    mission_changed.send(sender=Mission, mission=mission)
    return mission


EVENT_FIELDS = {"kind", "title", "venue", "city", "starts_at", "ends_at", "time_zone", "description"}
EVENT_NUMBERS = {"capacity", "attendance"}


def _check_event_times(starts_at: datetime, ends_at: datetime) -> None:
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValueError("Event times must be aware datetimes.")
    if ends_at <= starts_at:
        raise ValidationError("The event must end after it starts.", code="ends_before_start")


@transaction.atomic
def event_create(
    *,
    mission: Mission,
    created_by: User,
    kind: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    time_zone: str,
    venue: str = "",
    city: str = "",
    description: str = "",
    capacity: int | None = None,
    attendance: int | None = None,
    co_hosts: list[Organisation] = (),
    sponsors: list[Organisation] = (),
    speakers: list[Person] = (),
) -> Event:
    _check_event_times(starts_at, ends_at)
    event = Event(
        mission=mission,
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        time_zone=time_zone,
        venue=venue,
        city=city,
        description=description,
        capacity=capacity,
        attendance=attendance,
        created_by=created_by,
        modified_by=created_by,
    )
    with one_entry(event, created_by):
        event.save(force_insert=True)
        event.co_hosts.set(co_hosts)
        event.sponsors.set(sponsors)
        event.speakers.set(speakers)
    return event


@transaction.atomic
def event_update(
    *,
    event: Event,
    modified_by: User,
    co_hosts: list[Organisation],
    sponsors: list[Organisation],
    speakers: list[Person],
    **fields,
) -> Event:
    unknown = set(fields) - EVENT_FIELDS - EVENT_NUMBERS
    if unknown:
        raise TypeError(f"event_update() got unexpected fields {sorted(unknown)}")
    for name, value in fields.items():
        setattr(event, name, value)
    _check_event_times(event.starts_at, event.ends_at)
    event.modified_by = modified_by
    with one_entry(event, modified_by):
        event.save()
        event.co_hosts.set(co_hosts)
        event.sponsors.set(sponsors)
        event.speakers.set(speakers)
    return event


def _already_on_mission(person: Person, mission: Mission) -> ValidationError:
    return ValidationError(
        "%(name)s is already on this mission.", code="duplicate_delegate", params={"name": person.full_name}
    )


@transaction.atomic
def delegate_add(*, mission: Mission, person: Person, role: str, added_by: User, notes: str = "") -> Delegate:
    """Put a person on a mission once; a second time is refused with a message, never an error page."""
    if mission.delegates.filter(person=person).exists():
        raise _already_on_mission(person, mission)
    try:
        # a savepoint, so that a concurrent add losing the race on the unique
        # constraint leaves the surrounding transaction usable
        with transaction.atomic():
            delegate = Delegate.objects.create(
                mission=mission, person=person, role=role, notes=notes, created_by=added_by, modified_by=added_by
            )
    except IntegrityError:
        raise _already_on_mission(person, mission) from None
    mission_changed.send(sender=Mission, mission=mission)
    return delegate


@transaction.atomic
def delegate_add_new_person(
    *,
    mission: Mission,
    added_by: User,
    given_name: str,
    family_name: str,
    role: str,
    email: str = "",
    organisation: Organisation | None = None,
    job_title: str = "",
) -> Delegate:
    """Create a person and put them on the mission. An email that already belongs to someone
    is refused, so the roster does not fill up with duplicates of people we already know."""
    if email:
        existing = Person.objects.filter(email__iexact=email, merged_into__isnull=True).first()
        if existing:
            raise ValidationError(
                "%(name)s already has the email %(email)s: choose them under “Someone we already know”.",
                code="person_exists",
                params={"name": existing.full_name, "email": email},
            )
    person = Person.objects.create(
        given_name=given_name,
        family_name=family_name,
        email=email,
        organisation=organisation,
        job_title=job_title,
        created_by=added_by,
        modified_by=added_by,
    )
    return delegate_add(mission=mission, person=person, role=role, added_by=added_by)


def _would_leave_no_organiser(delegate: Delegate) -> bool:
    """True when this delegate is the mission's only lead or organiser."""
    if not delegate.organises:
        return False
    return not (delegate.mission.delegates.filter(role__in=Delegate.ORGANISING_ROLES).exclude(pk=delegate.pk).exists())


@transaction.atomic
def delegate_change_role(*, delegate: Delegate, role: str, modified_by: User) -> Delegate:
    if role not in Delegate.Role.values:
        raise ValidationError("Choose one of the roles listed.", code="invalid_role")
    if role not in Delegate.ORGANISING_ROLES and _would_leave_no_organiser(delegate):
        raise ValidationError(
            "%(name)s is the mission's only organiser: make someone else an organiser first.",
            code="last_organiser",
            params={"name": delegate.person.full_name},
        )
    delegate.role = role
    delegate.modified_by = modified_by
    delegate.save(update_fields=["role", "modified_by", "modified_at"])
    mission_changed.send(sender=Mission, mission=delegate.mission)  # organisers get the summaries
    return delegate


def delegate_removal_blockers(delegate: Delegate) -> list[str]:
    """Why this delegate cannot be taken off the mission (empty if they can)."""
    reasons = []
    meetings = delegate.meetings.count()
    if meetings:
        reasons.append(f"{meetings} partnering meeting{'s' if meetings != 1 else ''}")
    followups = delegate.followups.count()  # reverse name only: events does not import followups
    if followups:
        reasons.append(f"{followups} follow-up{'s' if followups != 1 else ''}")
    return reasons


@transaction.atomic
def delegate_remove(*, delegate: Delegate, removed_by: User) -> None:
    """Take a person off a mission. Refused while meetings or follow-ups name them: those
    records would lose who did the work (follow-ups PROTECT their assignee)."""
    delegate = Delegate.objects.select_for_update(of=("self",)).select_related("mission", "person").get(pk=delegate.pk)
    blockers = delegate_removal_blockers(delegate)
    if blockers:
        raise ValidationError(
            "%(name)s cannot be removed: they are named in %(what)s. Reassign or delete those first.",
            code="delegate_in_use",
            params={"name": delegate.person.full_name, "what": " and ".join(blockers)},
        )
    if _would_leave_no_organiser(delegate):
        raise ValidationError(
            "%(name)s is the mission's only organiser: make someone else an organiser first.",
            code="last_organiser",
            params={"name": delegate.person.full_name},
        )
    try:
        with transaction.atomic():
            delegate.delete()
    except ProtectedError:
        # a follow-up assigned to them in the meantime: same answer as above
        raise ValidationError(
            "%(name)s cannot be removed: they were just assigned a follow-up. Reassign it first.",
            code="delegate_in_use",
            params={"name": delegate.person.full_name},
        ) from None
    mission_changed.send(sender=Mission, mission=delegate.mission)


@transaction.atomic
def delegate_link_user(*, delegate: Delegate, user: User, modified_by: User) -> Person:
    """Link the delegate's person to an existing login, which then sees this mission."""
    person = Person.objects.select_for_update().get(pk=delegate.person_id)
    if person.user_id == user.pk:
        return person
    if person.user_id is not None:
        raise ValidationError(
            "%(name)s already signs in as %(username)s.",
            code="person_has_user",
            params={"name": person.full_name, "username": person.user.username},
        )
    other = Person.objects.filter(user=user).first()
    if other:
        raise ValidationError(
            "The account %(username)s already belongs to %(name)s.",
            code="user_taken",
            params={"username": user.username, "name": other.full_name},
        )
    contacts_services.person_set(person=person, acting_user=modified_by, user=user)
    delegate.person = person
    return person


@dataclass
class Invitation:
    user: User
    created: bool  # a new account (False: the person's or their email's existing account)
    sent: bool  # False when the account already had a password: it was linked, nothing emailed
    link: str = ""


def free_username(email: str) -> str:
    base = re.sub(r"[^\w.@+-]", "", email.lower())[:140] or "delegate"
    username, n = base, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}-{n}"
    return username


def invitation_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("events:invite-accept", kwargs={"uidb64": uid, "token": token})


def delegate_invite(*, delegate: Delegate, invited_by: User, email: str = "") -> Invitation:
    """Give a delegate a login and email them a link to choose their password.

    Creates a delegate account linked to the person (or reuses the person's account, or
    an unlinked account with their email, as long as nobody has set its password yet).
    The link is Django's password-reset token, so it stops working once used, when the
    password changes, and after PASSWORD_RESET_TIMEOUT. The email goes out after the
    account is committed; if sending fails the account stays and the invite can be resent.
    """
    with transaction.atomic():
        person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=delegate.person_id)
        if person.do_not_contact:
            raise ValidationError(
                "%(name)s is marked “do not contact”: we never email them.",
                code="do_not_contact",
                params={"name": person.full_name},
            )
        if not person.email:
            if not email:
                raise ValidationError("Give an email address to send the invitation to.", code="no_email")
            if Person.objects.filter(email__iexact=email).exclude(pk=person.pk).exists():
                raise ValidationError(
                    "Another person already has the email %(email)s.", code="email_taken", params={"email": email}
                )
            contacts_services.person_set(person=person, acting_user=invited_by, email=email)
        user = person.user
        created = False
        if user is None:
            user = User.objects.filter(email__iexact=person.email).first()
            if user is not None and Person.objects.filter(user=user).exists():
                raise ValidationError(
                    "The account with the email %(email)s belongs to someone else.",
                    code="user_taken",
                    params={"email": person.email},
                )
        if user is None:
            user = User(
                username=free_username(person.email),
                email=person.email,
                first_name=person.given_name,
                last_name=person.family_name,
                role=User.Role.DELEGATE,
                time_zone=person.time_zone,
            )
            user.set_unusable_password()
            user.save()
            created = True
        if person.user_id != user.pk:
            contacts_services.person_set(person=person, acting_user=invited_by, user=user)
        if not created and user.has_usable_password():
            # They can already sign in: linking was all that was needed, and a
            # set-password email would only be a password reset nobody asked for.
            return Invitation(user=user, created=False, sent=False)
    link = invitation_link(user)
    context = {
        "person": person,
        "user": user,
        "mission": delegate.mission,
        "role": delegate.get_role_display(),
        "invited_by": invited_by,
        "link": link,
        "site_url": settings.SITE_URL,
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    subject = render_to_string("events/email/invite_subject.txt", context).strip()
    body = render_to_string("events/email/invite_body.txt", context)
    send_mail(subject, body, None, [person.email])
    logger.info("Invited user %s to mission %s", user.pk, delegate.mission_id)
    return Invitation(user=user, created=created, sent=True, link=link)


def users_linkable_to(person: Person):
    """Accounts that may be linked to this person: those not linked to anyone else."""
    return User.objects.filter(Q(person__isnull=True) | Q(person=person), is_active=True).order_by("username")
