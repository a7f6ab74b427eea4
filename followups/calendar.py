"""A user's private iCalendar feed (RFC 5545).

Choices, for the calendar applications people actually subscribe with:
- Times carry their zone (TZID=Asia/Tokyo) and the feed holds a VTIMEZONE for
  every zone it uses. Plain UTC would also be valid, but then Apple Calendar
  and Outlook show a Tokyo event only in the device's zone; with the TZID the
  event keeps "13:00 Tokyo" when the delegate travels and the apps that show
  an event's zone can do so. The VTIMEZONEs come from the zoneinfo database
  (icalendar's add_missing_timezones, covering the years the feed spans), so
  Outlook, which ignores TZIDs it has no definition for, still places events
  correctly.
- Follow-up due dates are all-day VEVENTs (DTSTART;VALUE=DATE), transparent
  so they do not block free/busy time. VTODO would be the textbook component,
  but Google Calendar and Outlook ignore VTODOs in subscribed feeds and Apple
  Calendar does not show them from a subscription either: a due date nobody
  sees is no reminder.
- UIDs are "<kind>-<id>@<site host>" and never change, so an edit updates the
  entry instead of duplicating it; DTSTAMP and LAST-MODIFIED come from the
  record's last change, so refetching an unchanged feed gives the same bytes.
- Text (titles, notes, places) is escaped by the icalendar library.
"""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent

from events.models import Event, Mission, PartneringMeeting

from .models import FollowUp
from .selectors import CalendarItems

PRODID = "-//Delegation CRM//Calendar feed//EN"


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "delegation-crm"


def _uid(kind: str, pk: int) -> str:
    return f"{kind}-{pk}@{_host()}"


def _stamp(component: VEvent, record) -> None:
    changed = (record.modified_at or record.created_at or datetime.now(UTC)).astimezone(UTC)
    component.add("dtstamp", changed)
    component.add("last-modified", changed)


def _url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _event_component(event: Event) -> VEvent:
    component = VEvent()
    component.add("uid", _uid("event", event.pk))
    component.add("summary", event.title)
    component.add("dtstart", event.starts_at.astimezone(event.tz))
    component.add("dtend", event.ends_at.astimezone(event.tz))
    place = ", ".join(p for p in (event.venue, event.city) if p)
    if place:
        component.add("location", place)
    description = [f"{event.get_kind_display()} · {event.mission.title}"]
    if event.description:
        description.append(event.description)
    component.add("description", "\n\n".join(description))
    component.add("url", _url(reverse("events:mission-detail", args=[event.mission_id])))
    component.add("categories", [event.get_kind_display()])
    if event.mission.status == Mission.Status.CANCELLED:
        component.add("status", "CANCELLED")
    _stamp(component, event)
    return component


def _counterparts(meeting: PartneringMeeting) -> str:
    return ", ".join(str(org) for org in meeting.counterpart_organisations.all())


def _meeting_component(meeting: PartneringMeeting) -> VEvent:
    tz = meeting.event.tz if meeting.event_id else meeting.mission.tz
    component = VEvent()
    component.add("uid", _uid("meeting", meeting.pk))
    counterparts = _counterparts(meeting)
    component.add("summary", f"Partnering meeting: {counterparts}" if counterparts else "Partnering meeting")
    starts = meeting.starts_at.astimezone(tz)
    component.add("dtstart", starts)
    component.add("dtend", starts + timedelta(minutes=meeting.duration_minutes))
    place = ", ".join(p for p in (meeting.location, meeting.event.venue if meeting.event_id else "") if p)
    if place:
        component.add("location", place)
    description = [meeting.mission.title]
    if meeting.topic:
        description.append(f"Topic: {meeting.topic}")
    people = ", ".join(str(p) for p in meeting.counterpart_people.all())
    if people:
        description.append(f"With: {people}")
    if meeting.next_steps:
        description.append(f"Next steps: {meeting.next_steps}")
    component.add("description", "\n".join(description))
    if meeting.status == PartneringMeeting.Status.REQUESTED:
        component.add("status", "TENTATIVE")
    else:
        component.add("status", "CONFIRMED")
    _stamp(component, meeting)
    return component


def _followup_component(followup: FollowUp) -> VEvent:
    component = VEvent()
    component.add("uid", _uid("followup", followup.pk))
    done = followup.status == FollowUp.Status.DONE
    component.add("summary", f"{'Done: ' if done else 'Follow-up due: '}{followup.title}")
    component.add("dtstart", followup.due_on)
    component.add("dtend", followup.due_on + timedelta(days=1))
    component.add("transp", "TRANSPARENT")
    description = [followup.mission.title]
    if followup.meeting_id:
        counterparts = _counterparts(followup.meeting)
        if counterparts:
            description.append(f"From the partnering meeting with {counterparts}")
    if followup.details:
        description.append(followup.details)
    component.add("description", "\n".join(description))
    component.add("url", _url(reverse("followups:followup-detail", args=[followup.pk])))
    component.add("categories", ["Follow-up"])
    _stamp(component, followup)
    return component


def build_calendar(*, user, items: CalendarItems) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Delegation CRM – {user.get_full_name() or user.username}")
    calendar.add("x-wr-caldesc", "Your missions' events, your partnering meetings and your follow-up due dates.")
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for event in items.events:
        calendar.add_component(_event_component(event))
    for meeting in items.meetings:
        calendar.add_component(_meeting_component(meeting))
    for followup in items.followups:
        calendar.add_component(_followup_component(followup))
    # Zone definitions only for the years the feed spans (the default, 1970-2038, is 10 kB per zone).
    days = [e.starts_at.date() for e in items.events] + [m.starts_at.date() for m in items.meetings]
    today = timezone.now().date()
    first = min([*days, today]) - timedelta(days=366)
    last = max([*days, today]) + timedelta(days=3 * 366)
    calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()
