"""Writes for follow-ups, outcomes and calendar feeds. Each service runs in a
transaction, records who acted (created_by / modified_by and the history user)
and refuses to run from the wrong state, so a repeated request is harmless."""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from contacts.history import one_entry
from events import services as event_services
from events.access import can_organise, delegate_for_user
from events.models import Delegate, Enquiry, Mission, PartneringMeeting

from .models import FollowUp, FollowUpNote, Outcome
from .reminders import reminders_rearm_for_followup, reminders_rearm_once

# Follow-ups


class FollowUpActionRefused(Exception):
    """A follow-up action that its current state does not allow; the message is for the user."""


def _locked(followup: FollowUp) -> FollowUp:
    """The same row, locked for this transaction, so two clicks cannot interleave."""
    return FollowUp.objects.select_for_update().get(pk=followup.pk)


def _save(followup: FollowUp, acting_user, fields: list[str]) -> None:
    followup.modified_by = acting_user
    followup._history_user = acting_user  # simple_history records who did it, request or not
    followup.save(update_fields=[*fields, "modified_by", "modified_at"])
    # In the same transaction: the outbox follows every change of due date, assignee or state.
    reminders_rearm_for_followup(followup=followup)


def _wrong_state(followup: FollowUp, what: str) -> FollowUpActionRefused:
    return FollowUpActionRefused(f"“{followup.title}” is {followup.get_status_display().lower()}; {what}.")


def _copy_back(source: FollowUp, target: FollowUp) -> None:
    """Let the caller's instance reflect what was saved."""
    for name in ("status", "completed_at", "completion_note", "due_on", "assignee_id", "modified_by_id"):
        setattr(target, name, getattr(source, name))
    if "assignee" in source._state.fields_cache:
        target.assignee = source.assignee


@transaction.atomic
def followup_complete(*, followup: FollowUp, acting_user, note: str = "") -> bool:
    """Mark done with an outcome note. Completing a done one changes nothing (returns False)."""
    locked = _locked(followup)
    if locked.status == FollowUp.Status.DONE:
        return False
    if locked.status != FollowUp.Status.OPEN:
        raise _wrong_state(locked, "it cannot be marked done")
    locked.status = FollowUp.Status.DONE
    locked.completed_at = timezone.now()
    locked.completion_note = note.strip()
    _save(locked, acting_user, ["status", "completed_at", "completion_note"])
    _copy_back(locked, followup)
    return True


@transaction.atomic
def followup_reopen(*, followup: FollowUp, acting_user) -> bool:
    """Undo a *Mark done* (a mis-tap on a phone, or work that turned out unfinished): open again,
    with its due date. The history keeps when it was marked done and its note. Reopening an
    open one changes nothing (returns False)."""
    locked = _locked(followup)
    if locked.status == FollowUp.Status.OPEN:
        return False
    if locked.status != FollowUp.Status.DONE:
        raise _wrong_state(locked, "only a done follow-up can be reopened")
    locked.status = FollowUp.Status.OPEN
    locked.completed_at = None
    locked.completion_note = ""
    _save(locked, acting_user, ["status", "completed_at", "completion_note"])
    _copy_back(locked, followup)
    return True


@transaction.atomic
def followup_snooze(*, followup: FollowUp, acting_user, due_on: date, today: date | None = None) -> bool:
    """Move the due date of an open follow-up to today or later."""
    today = today or timezone.localdate()
    locked = _locked(followup)
    if locked.status != FollowUp.Status.OPEN:
        raise _wrong_state(locked, "only open follow-ups can be snoozed")
    if due_on < today:
        raise FollowUpActionRefused(f"The new due date {due_on:%d %b %Y} is in the past; pick today or later.")
    if locked.due_on == due_on:
        return False
    locked.due_on = due_on
    _save(locked, acting_user, ["due_on"])
    _copy_back(locked, followup)
    return True


@transaction.atomic
def followup_add_note(*, followup: FollowUp, acting_user, text: str) -> FollowUpNote:
    text = text.strip()
    if not text:
        raise FollowUpActionRefused("A note needs some text.")
    return FollowUpNote.objects.create(followup=followup, author=acting_user, text=text)


@transaction.atomic
def followup_reassign(*, followup: FollowUp, acting_user, assignee: Delegate) -> bool:
    """Give an open follow-up to another delegate of the same mission."""
    locked = _locked(followup)
    if assignee.mission_id != locked.mission_id:
        raise FollowUpActionRefused(
            f"{assignee.person.full_name} is not a delegate of {locked.mission.title}; "
            "a follow-up can only go to a delegate of its own mission."
        )
    if locked.status != FollowUp.Status.OPEN:
        raise _wrong_state(locked, "only open follow-ups can be reassigned")
    if locked.assignee_id == assignee.pk:
        return False
    locked.assignee = assignee
    _save(locked, acting_user, ["assignee"])
    _copy_back(locked, followup)
    return True


@dataclass
class BulkResult:
    """What a bulk action did, for the summary shown to the user."""

    action: str
    changed: list[FollowUp] = field(default_factory=list)
    unchanged: list[FollowUp] = field(default_factory=list)
    refused: list[tuple[FollowUp, str]] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.action}: {len(self.changed)} follow-up{'s' if len(self.changed) != 1 else ''}"]
        if self.unchanged:
            parts.append(f"{len(self.unchanged)} already so")
        if self.refused:
            parts.append(f"{len(self.refused)} refused")
        return ", ".join(parts) + "."


@transaction.atomic
@reminders_rearm_once()
def _bulk(action: str, followups: Iterable[FollowUp], apply) -> BulkResult:
    """Each follow-up in its own savepoint (a refused one leaves the others done); the
    missions' reminders are rearmed once, at the end."""
    result = BulkResult(action=action)
    for followup in followups:
        try:
            with transaction.atomic():
                changed = apply(followup)
        except FollowUpActionRefused as refusal:
            result.refused.append((followup, str(refusal)))
            continue
        (result.changed if changed else result.unchanged).append(followup)
    return result


def followup_bulk_complete(*, followups: Iterable[FollowUp], acting_user, note: str = "") -> BulkResult:
    return _bulk(
        "Marked done",
        followups,
        lambda f: followup_complete(followup=f, acting_user=acting_user, note=note),
    )


def followup_bulk_snooze(
    *, followups: Iterable[FollowUp], acting_user, days: int, today: date | None = None
) -> BulkResult:
    """Push each open follow-up's due date back by N days (from its due date, or from today if overdue)."""
    today = today or timezone.localdate()
    if days < 1:
        raise FollowUpActionRefused("Snooze by at least one day.")

    def snooze(followup):
        return followup_snooze(
            followup=followup,
            acting_user=acting_user,
            due_on=max(followup.due_on, today) + timedelta(days=days),
            today=today,
        )

    return _bulk(f"Snoozed by {days} day{'s' if days != 1 else ''}", followups, snooze)


def followup_bulk_reassign(*, followups: Iterable[FollowUp], acting_user, assignee: Delegate) -> BulkResult:
    return _bulk(
        f"Reassigned to {assignee.person.full_name}",
        followups,
        lambda f: followup_reassign(followup=f, acting_user=acting_user, assignee=assignee),
    )


# Outcomes


@transaction.atomic
def outcome_create(
    *,
    mission: Mission,
    acting_user,
    kind: str,
    title: str,
    achieved_on: date,
    description: str = "",
    organisations: Iterable = (),
    value: Decimal | None = None,
    currency: str = "",
    jobs: int | None = None,
    followup: FollowUp | None = None,
    meeting: PartneringMeeting | None = None,
) -> Outcome:
    if followup is not None and followup.mission_id != mission.pk:
        raise ValueError("The follow-up belongs to another mission.")
    if meeting is not None and meeting.mission_id != mission.pk:
        raise ValueError("The meeting belongs to another mission.")
    if meeting is None and followup is not None:
        meeting = followup.meeting
    outcome = Outcome(
        mission=mission,
        followup=followup,
        meeting=meeting,
        kind=kind,
        title=title.strip(),
        description=description.strip(),
        value=value,
        currency=currency.upper() if value is not None or currency else "",
        jobs=jobs,
        achieved_on=achieved_on,
        created_by=acting_user,
        modified_by=acting_user,
    )
    outcome._history_user = acting_user
    outcome.full_clean(exclude=["organisations"])
    with one_entry(outcome):
        outcome.save()
        outcome.organisations.set(list(organisations))
    return outcome


OUTCOME_EDITABLE_FIELDS = ("kind", "title", "description", "value", "currency", "jobs", "achieved_on", "meeting")


@transaction.atomic
def outcome_update(*, outcome: Outcome, acting_user, organisations: Iterable | None = None, **changes) -> Outcome:
    unknown = set(changes) - set(OUTCOME_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    meeting = changes.get("meeting")
    if meeting is not None and meeting.mission_id != outcome.mission_id:
        raise ValueError("The meeting belongs to another mission.")
    for name, value in changes.items():
        setattr(outcome, name, value.strip() if isinstance(value, str) else value)
    outcome.currency = (outcome.currency or "").upper()
    outcome.modified_by = acting_user
    outcome._history_user = acting_user
    outcome.full_clean(exclude=["organisations"])
    with one_entry(outcome):
        outcome.save()
        if organisations is not None:
            outcome.organisations.set(list(organisations))
    return outcome


# Calendar feed


@transaction.atomic
def calendar_token_reset(*, user) -> str:
    """Issue a new private feed token; the old URL stops working at once."""
    user.calendar_token = secrets.token_urlsafe()
    user.save(update_fields=["calendar_token"])
    return user.calendar_token


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
        reminders_rearm_for_followup(followup=followup)
        created.append(followup)
    return created


def check_what_a_delegate_may_log(*, mission: Mission, user, delegates=None, assignees=()) -> None:
    """The rule for logging, in one place (the forms show the same messages):
    organisers and managers log for anyone on the mission; a delegate logs meetings
    they were in (themselves among our delegates, with any colleagues who were there
    too, as organisers expect from a shared table) and gives follow-ups and stand
    enquiries only to themselves."""
    if can_organise(user, mission):
        return
    own = delegate_for_user(user, mission)
    if own is None:
        raise ValidationError("Only delegates and organisers of this mission can log its meetings.")
    if delegates is not None and own not in delegates:
        raise ValidationError("You can log meetings you were in: tick yourself among our delegates.")
    if any(assignee != own for assignee in assignees):
        raise ValidationError("You can give follow-ups only to yourself; an organiser can give them to others.")


@transaction.atomic
@reminders_rearm_once()
def meeting_log(
    *, mission: Mission, details: event_services.MeetingDetails, followups: list[FollowUpDetails], user
) -> tuple[PartneringMeeting, list[FollowUp]]:
    check_what_a_delegate_may_log(
        mission=mission, user=user, delegates=details.delegates, assignees=[f.assignee for f in followups]
    )
    meeting = event_services.meeting_create(mission=mission, details=details, user=user)
    created = _create_followups(
        mission=mission, meeting=meeting, followups=followups, earliest=meeting_day(meeting, mission), user=user
    )
    return meeting, created


@transaction.atomic
@reminders_rearm_once()
def meeting_edit(
    *,
    meeting: PartneringMeeting,
    expected_version: int,
    details: event_services.MeetingDetails,
    new_followups: list[FollowUpDetails],
    user,
) -> tuple[PartneringMeeting, list[FollowUp]]:
    """Raises events.services.MeetingEditConflict when someone saved in between."""
    check_what_a_delegate_may_log(
        mission=meeting.mission,
        user=user,
        delegates=details.delegates,
        assignees=[f.assignee for f in new_followups],
    )
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
@reminders_rearm_once()
def enquiry_capture(
    *, mission: Mission, details: event_services.EnquiryDetails, due_on: date, user
) -> tuple[Enquiry, FollowUp | None]:
    """A stand enquiry and, when it is assigned, the assignee's follow-up to answer it."""
    check_what_a_delegate_may_log(
        mission=mission, user=user, assignees=[details.assigned_to] if details.assigned_to else []
    )
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
