"""Writes for follow-ups and outcomes: each in a transaction, recording who made the change."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from events import services as event_services
from events.models import Delegate, Enquiry, Mission, PartneringMeeting

from .models import FollowUp

# Logging meetings
#
# A partnering meeting and the follow-ups agreed in it are saved together: one
# form, one transaction, so a meeting never exists without the tasks that were
# typed with it (nor the tasks without it).


@dataclass
class FollowUpDetails:
    title: str
    assignee: Delegate
    due_on: date


def meeting_day(meeting_or_details, mission: Mission) -> date:
    """The meeting's calendar day where it happens (the mission's time zone)."""
    return meeting_or_details.starts_at.astimezone(mission.tz).date()


def _create_followups(*, mission, meeting=None, enquiry=None, followups: list[FollowUpDetails], earliest, user):
    created = []
    for item in followups:
        if item.assignee.mission_id != mission.pk:
            raise ValueError("Follow-ups are assigned to delegates of the same mission.")
        if earliest is not None and item.due_on < earliest:
            raise ValidationError(
                f"“{item.title}” would be due on {item.due_on:%d %b %Y}, before the meeting ({earliest:%d %b %Y})."
            )
        followup = FollowUp(
            mission=mission,
            meeting=meeting,
            enquiry=enquiry,
            title=item.title.strip(),
            assignee=item.assignee,
            due_on=item.due_on,
            created_by=user,
            modified_by=user,
        )
        followup.full_clean()
        followup.save()
        created.append(followup)
    return created


@transaction.atomic
def meeting_log(
    *, mission: Mission, details: event_services.MeetingDetails, followups: list[FollowUpDetails], user
) -> tuple[PartneringMeeting, list[FollowUp]]:
    meeting = event_services.meeting_create(mission=mission, details=details, user=user)
    created = _create_followups(
        mission=mission, meeting=meeting, followups=followups, earliest=meeting_day(meeting, mission), user=user
    )
    return meeting, created


@transaction.atomic
def meeting_edit(
    *,
    meeting: PartneringMeeting,
    expected_version: int,
    details: event_services.MeetingDetails,
    new_followups: list[FollowUpDetails],
    user,
) -> tuple[PartneringMeeting, list[FollowUp]]:
    """Raises events.services.MeetingEditConflict when someone saved in between."""
    meeting = event_services.meeting_update(
        meeting=meeting, expected_version=expected_version, details=details, user=user
    )
    created = _create_followups(
        mission=meeting.mission,
        meeting=meeting,
        followups=new_followups,
        earliest=meeting_day(meeting, meeting.mission),
        user=user,
    )
    return meeting, created


@transaction.atomic
def enquiry_capture(
    *, mission: Mission, details: event_services.EnquiryDetails, due_on: date, user
) -> tuple[Enquiry, FollowUp | None]:
    """A stand enquiry and, when it is assigned, the assignee's follow-up to answer it."""
    enquiry = event_services.enquiry_create(mission=mission, details=details, user=user)
    followup = None
    if details.assigned_to is not None:
        who = details.asker_name or (details.organisation.name if details.organisation else "a visitor")
        title = f"Answer stand enquiry from {who}: {details.question}"
        if len(title) > 300:
            title = title[:299] + "…"
        (followup,) = _create_followups(
            mission=mission,
            enquiry=enquiry,
            followups=[FollowUpDetails(title=title, assignee=details.assigned_to, due_on=due_on)],
            earliest=None,
            user=user,
        )
    return enquiry, followup
