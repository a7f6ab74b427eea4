"""A Tokyo mission ending Saturday 24 October 2026, delegates in London and Los Angeles:
reminders go out at 09:00 in each recipient's zone, on either side of both clock changes
(UK: Sunday 25 October; US: Sunday 1 November)."""

from zoneinfo import ZoneInfo

import pytest

from followups.models import ReminderEmail

from .conftest import dispatch, make_trip, recipients, utc


@pytest.fixture
def tz_trip(db):
    return make_trip(offsets=[0, 1, 7, 8])


def due(trip, person, offset):
    return ReminderEmail.objects.get(kind="digest", recipient=person, offset_days=offset).due_at


def test_digests_are_due_at_nine_local_on_both_sides_of_each_clock_change(tz_trip):
    trip = tz_trip
    assert due(trip, trip.oscar, 0) == utc("2026-10-24T08:00")  # 09:00 BST
    assert due(trip, trip.oscar, 1) == utc("2026-10-25T09:00")  # 09:00 GMT, the morning the clocks went back
    assert due(trip, trip.lena, 7) == utc("2026-10-31T16:00")  # 09:00 PDT
    assert due(trip, trip.lena, 8) == utc("2026-11-01T17:00")  # 09:00 PST, the morning the clocks went back
    nudge = ReminderEmail.objects.get(kind="nudge", followup=trip.osaka)
    assert nudge.due_at == utc("2026-10-28T16:00")  # the morning after 27 Oct, 09:00 PDT


def test_the_end_date_is_the_missions_own_calendar_day(tz_trip):
    """The mission ends on 24 October in Tokyo; the day-0 reminder is 24 October's morning in London,
    not the UTC date of the Tokyo evening."""
    summary = ReminderEmail.objects.get(kind="summary", recipient=tz_trip.hannah, offset_days=0)
    assert summary.due_at == utc("2026-10-24T08:00")


def test_nothing_goes_out_before_nine_local(tz_trip):
    trip = tz_trip
    assert recipients(dispatch(utc("2026-10-24T07:59"))) == []
    assert recipients(dispatch(utc("2026-10-24T08:00"))) == [
        (trip.hannah.email, "summary"),
        (trip.oscar.email, "digest"),
    ]
    assert recipients(dispatch(utc("2026-10-24T15:59"))) == []
    assert recipients(dispatch(utc("2026-10-24T16:00"))) == [(trip.lena.email, "digest")]  # 09:00 PDT
    assert recipients(dispatch(utc("2026-10-25T08:59"))) == []  # 08:59 GMT: the clocks went back at 01:00 UTC
    assert recipients(dispatch(utc("2026-10-25T09:00"))) == [
        (trip.hannah.email, "summary"),
        (trip.oscar.email, "digest"),
    ]
    dispatch(utc("2026-10-31T23:00"))
    assert recipients(dispatch(utc("2026-11-01T09:00"))) == [
        (trip.hannah.email, "summary"),
        (trip.oscar.email, "digest"),
    ]
    assert recipients(dispatch(utc("2026-11-01T16:59"))) == []  # 08:59 PST
    assert recipients(dispatch(utc("2026-11-01T17:00"))) == [(trip.lena.email, "digest")]


def test_a_delegate_who_changes_zone_is_rescheduled(tz_trip):
    from followups import reminders

    trip = tz_trip
    user = trip.lena.user
    user.time_zone = "Asia/Tokyo"
    user.save(update_fields=["time_zone"])
    reminders.reminders_rearm_for_person(person=trip.lena, now=utc("2026-10-20T00:00"))
    assert due(trip, trip.lena, 7) == utc("2026-10-31T00:00")  # 09:00 JST


def test_a_manager_changing_an_accounts_zone_reschedules_its_reminders(tz_trip, client):
    from django.urls import reverse

    from contacts.models import User

    from ..factories import UserFactory

    trip = tz_trip
    manager = UserFactory(role=User.Role.MANAGER)
    client.force_login(manager)
    lena = trip.lena.user
    before = due(trip, trip.lena, 8)
    data = {"first_name": lena.first_name, "last_name": lena.last_name or "Lena", "email": lena.email,
            "role": lena.role, "time_zone": "Asia/Tokyo", "is_active": "on"}  # fmt: skip
    assert client.post(reverse("users:detail", args=[lena.pk]), data).status_code == 302
    after = due(trip, trip.lena, 8)
    assert after != before and after.astimezone(ZoneInfo("Asia/Tokyo")).hour == 9
