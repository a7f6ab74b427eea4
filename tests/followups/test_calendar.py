"""The private calendar feed, parsed back with the icalendar library."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from events.models import PartneringMeeting

from ..factories import DelegateFactory, EventFactory, FollowUpFactory, MeetingFactory

TOKYO = ZoneInfo("Asia/Tokyo")
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def agenda(world, takeda):
    a = world.mission_a
    day = a.start_date
    symposium = EventFactory(
        mission=a, title="UK Life Sciences Symposium; Tokyo, \\ drinks\nafter",
        starts_at=datetime.combine(day, time(13), TOKYO), ends_at=datetime.combine(day, time(18), TOKYO),
        time_zone="Asia/Tokyo", venue="Nihonbashi Life Science Building", city="Tokyo",
    )  # fmt: skip
    london = EventFactory(
        mission=a, title="Visit to London", time_zone="Europe/London",
        starts_at=datetime.combine(day + timedelta(days=20), time(14), LONDON),
        ends_at=datetime.combine(day + timedelta(days=20), time(19), LONDON),
    )  # fmt: skip
    other_mission_event = EventFactory(mission=world.mission_b, title="San Diego site visit")
    with_dave = MeetingFactory(mission=a, event=symposium, starts_at=datetime.combine(day, time(11), TOKYO))
    with_dave.delegates.add(world.dave_delegate)
    with_dave.counterpart_organisations.add(takeda)
    without_dave = MeetingFactory(mission=a, topic="A meeting dave is not in")
    without_dave.delegates.add(DelegateFactory(mission=a))
    cancelled = MeetingFactory(mission=a, status=PartneringMeeting.Status.CANCELLED)
    cancelled.delegates.add(world.dave_delegate)
    daves = FollowUpFactory(assignee=world.dave_delegate, title="Send the pack, with notes; and \\ this")
    colleagues = FollowUpFactory(assignee=DelegateFactory(mission=a), title="A colleague's task")
    erins = FollowUpFactory(assignee=world.erin_delegate, title="Erin's task")
    return locals()


def fetch(client, user):
    response = client.get(reverse("followups:calendar-feed", args=[user.calendar_token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content, Calendar.from_ical(response.content)


def events_by_uid(calendar):
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_feed_has_the_users_events_in_their_zones(client, world, agenda):
    raw, calendar = fetch(client, world.dave)  # no session: the token is enough
    events = events_by_uid(calendar)
    symposium = next(e for e in events.values() if str(e["SUMMARY"]).startswith("UK Life Sciences Symposium"))
    start = symposium.decoded("DTSTART")
    assert start == datetime.combine(world.mission_a.start_date, time(13), TOKYO)
    assert str(start.tzinfo) == "Asia/Tokyo" and start.hour == 13
    assert symposium["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert b"DTSTART;TZID=Asia/Tokyo:" in raw
    london = next(e for e in events.values() if str(e["SUMMARY"]) == "Visit to London")
    assert london["DTSTART"].params["TZID"] == "Europe/London" and london.decoded("DTSTART").hour == 14
    # every zone used has its VTIMEZONE
    zones = {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}
    assert {"Asia/Tokyo", "Europe/London"} <= zones
    for event in events.values():
        assert "DTSTAMP" in event and event["UID"]
    # user text is escaped on the wire and comes back intact
    assert str(symposium["SUMMARY"]) == "UK Life Sciences Symposium; Tokyo, \\ drinks\nafter"
    assert b"Symposium\\; Tokyo\\, \\\\ drinks\\nafter" in raw
    assert calendar["VERSION"] == "2.0" and "PRODID" in calendar


def test_feed_has_the_users_meetings_only(client, world, agenda):
    _, calendar = fetch(client, world.dave)
    summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    meeting = next(e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("meeting-"))
    assert str(meeting["SUMMARY"]) == "Partnering meeting: Takeda Pharmaceutical (武田薬品工業)"
    assert meeting.decoded("DTSTART") == datetime.combine(world.mission_a.start_date, time(11), TOKYO)
    assert meeting.decoded("DTEND") - meeting.decoded("DTSTART") == timedelta(minutes=30)
    assert len([s for s in summaries if s.startswith("Partnering meeting")]) == 1  # not others', not cancelled
    assert "San Diego site visit" not in summaries


def test_followups_are_all_day_entries_of_that_user_only(client, world, agenda):
    _, calendar = fetch(client, world.dave)
    followups = [e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("followup-")]
    assert [str(e["SUMMARY"]) for e in followups] == ["Follow-up due: Send the pack, with notes; and \\ this"]
    due = followups[0].decoded("DTSTART")
    assert type(due) is date and due == agenda["daves"].due_on
    assert followups[0].decoded("DTEND") == due + timedelta(days=1)
    assert str(followups[0]["TRANSP"]) == "TRANSPARENT"
    _, erins = fetch(client, world.erin)
    titles = [str(e["SUMMARY"]) for e in erins.walk("VEVENT")]
    assert "Follow-up due: Erin's task" in titles
    assert not any("Send the pack" in t or "colleague" in t for t in titles)


def test_uids_are_stable_between_fetches(client, world, agenda):
    first, _ = fetch(client, world.dave)
    second, _ = fetch(client, world.dave)
    assert first == second


def test_unknown_or_revoked_token_is_a_404(client, world, as_user, agenda):
    assert client.get(reverse("followups:calendar-feed", args=["not-a-real-token"])).status_code == 404
    old_token = world.dave.calendar_token
    signed_in = as_user(world.dave)
    page = signed_in.get(reverse("followups:calendar-settings")).content.decode()
    assert old_token in page
    signed_in.post(reverse("followups:calendar-reset"))
    world.dave.refresh_from_db()
    assert world.dave.calendar_token != old_token
    signed_in.logout()
    assert client.get(reverse("followups:calendar-feed", args=[old_token])).status_code == 404
    assert client.get(reverse("followups:calendar-feed", args=[world.dave.calendar_token])).status_code == 200


def test_an_inactive_users_feed_is_gone(client, world, agenda):
    world.dave.is_active = False
    world.dave.save()
    assert client.get(reverse("followups:calendar-feed", args=[world.dave.calendar_token])).status_code == 404
