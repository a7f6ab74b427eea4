"""A mission in Tokyo that ends on Saturday 24 October 2026, just before the UK's clocks go
back (Sunday 25 October) and a week before California's (Sunday 1 November).

hannah (London) organises it; oscar (London) and lena (Los Angeles) are delegates with
open follow-ups. Every reminder service takes `now`, so the tests move time on instead
of mocking the clock."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail

from contacts.models import Person, User
from events.models import Delegate, Mission
from followups import reminders
from followups.models import FollowUp

from ..factories import FollowUpFactory, MissionFactory, delegate_with_login

END = date(2026, 10, 24)
BEFORE = datetime(2026, 10, 20, tzinfo=UTC)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def day_after_end(days: int, hour: int = 23) -> datetime:
    """A moment late on the n-th day after the end, UTC: past 09:00 everywhere from London to LA."""
    return datetime.combine(END + timedelta(days=days), datetime.min.time(), UTC) + timedelta(hours=hour)


@dataclass
class Trip:
    mission: Mission
    hannah: Person
    oscar: Person
    oscar_delegate: Delegate
    lena: Person
    lena_delegate: Delegate
    term_sheet: FollowUp  # oscar's, due END+5
    astellas: FollowUp  # oscar's, due END+20
    osaka: FollowUp  # lena's, due END+3
    hannah_user: User


def person_in(user, zone):
    person = user.person
    person.time_zone = user.time_zone = zone
    person.save(update_fields=["time_zone"])
    user.save(update_fields=["time_zone"])
    return person


def make_trip(offsets=(1, 7, 30), arm_at=BEFORE) -> Trip:
    mission = MissionFactory(
        title="UK life sciences to BioJapan",
        time_zone="Asia/Tokyo",
        start_date=END - timedelta(days=4),
        end_date=END,
        status=Mission.Status.CONFIRMED,
        reminder_offsets=list(offsets),
    )
    hannah_user, _ = delegate_with_login(
        mission, role=Delegate.Role.ORGANISER, account_role=User.Role.ORGANISER, username="hannah"
    )
    oscar_user, oscar_delegate = delegate_with_login(mission, username="oscar")
    lena_user, lena_delegate = delegate_with_login(mission, username="lena")
    hannah = person_in(hannah_user, "Europe/London")
    oscar = person_in(oscar_user, "Europe/London")
    lena = person_in(lena_user, "America/Los_Angeles")
    term_sheet = FollowUpFactory(
        assignee=oscar_delegate, title="Send Takeda the licensing term sheet", due_on=END + timedelta(days=5)
    )
    astellas = FollowUpFactory(
        assignee=oscar_delegate, title="Introduce Astellas to the catapult", due_on=END + timedelta(days=20)
    )
    osaka = FollowUpFactory(assignee=lena_delegate, title="Book the Osaka site visit", due_on=END + timedelta(days=3))
    reminders.reminders_rearm_for_mission(mission=mission, now=arm_at)
    return Trip(mission, hannah, oscar, oscar_delegate, lena, lena_delegate, term_sheet, astellas, osaka, hannah_user)


@pytest.fixture
def trip(db):
    return make_trip()


def dispatch(now: datetime) -> list:
    """What the beat's dispatch and the send batches it enqueues do, inline (no broker): returns the
    emails sent by this call."""
    before = len(mail.outbox)
    reminders.reminders_recover_stale(now=now)
    for _ in range(reminders.reminders_batches_due(now=now)):
        reminders.reminders_send_batch(now=now)
    return mail.outbox[before:]


def recipients(messages) -> list[tuple[str, str]]:
    """(email address, kind) of each message, sorted."""
    return sorted(
        (m.to[0].split("<")[-1].rstrip(">"), m.extra_headers["X-Delegation-CRM-Reminder"].split("/")[0])
        for m in messages
    )
