"""Writes for missions, events, delegates, meetings and enquiries: each in a
transaction, recording who made the change (simple_history keeps the trail)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import F

from contacts.models import Organisation, Person, Sector

from .models import Delegate, Enquiry, Event, Mission, PartneringMeeting

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
