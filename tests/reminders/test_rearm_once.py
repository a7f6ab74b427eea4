"""One user action rearms each mission's reminders once, in its own transaction:
logging a meeting with three follow-ups, or a bulk action on fifty, locks the
mission row once, and the outbox ends as it would after rearming every change."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.services import MeetingDetails
from followups import services
from followups.models import FollowUp, ReminderEmail
from followups.reminders import reminders_rearm_for_mission

from ..factories import FollowUpFactory, OrganisationFactory


def mission_locks(queries) -> int:
    return sum(
        1 for q in queries if 'FROM "events_mission"' in q["sql"] and "FOR UPDATE" in q["sql"] and "LIMIT" in q["sql"]
    )


def outbox(mission):
    return sorted(
        ReminderEmail.objects.filter(mission=mission).values_list(
            "kind", "recipient_id", "offset_days", "followup_id", "state", "due_at"
        )
    )


def test_logging_a_meeting_with_three_followups_rearms_once(world):
    mission = world.mission_a
    mission.start_date = timezone.localdate() - timedelta(days=2)
    mission.end_date = timezone.localdate() + timedelta(days=1)
    mission.save()
    details = MeetingDetails(
        event=None,
        starts_at=timezone.now() - timedelta(hours=1),
        duration_minutes=30,
        location="Table 3",
        status="held",
        topic="Licensing",
        notes="",
        interest=None,
        next_steps="",
        delegates=[world.dave_delegate],
        counterpart_organisations=[OrganisationFactory(name="Chugai")],
    )
    followups = [
        services.FollowUpDetails(f"Step {n}", world.dave_delegate, timezone.localdate() + timedelta(days=n))
        for n in (1, 2, 3)
    ]
    with CaptureQueriesContext(connection) as captured:
        services.meeting_log(mission=mission, details=details, followups=followups, user=world.alice)
    assert FollowUp.objects.filter(mission=mission).count() == 3
    assert mission_locks(captured.captured_queries) == 1
    armed = outbox(mission)
    assert any(row[3] is not None for row in armed)  # the nudges of the new follow-ups are there
    reminders_rearm_for_mission(mission=mission)
    assert outbox(mission) == armed  # the same rows as rearming after every change


def test_a_bulk_action_on_fifty_followups_rearms_once(world):
    mission = world.mission_a
    items = [
        FollowUpFactory(assignee=world.dave_delegate, due_on=timezone.localdate() + timedelta(days=1))
        for _ in range(50)
    ]
    reminders_rearm_for_mission(mission=mission)
    with CaptureQueriesContext(connection) as captured:
        result = services.followup_bulk_snooze(followups=items, acting_user=world.alice, days=3)
    assert len(result.changed) == 50
    assert mission_locks(captured.captured_queries) == 1
    armed = outbox(mission)
    reminders_rearm_for_mission(mission=mission)
    assert outbox(mission) == armed


def _mission_ending_today(world):
    mission = world.mission_a
    mission.start_date = timezone.localdate() - timedelta(days=3)
    mission.end_date = timezone.localdate()
    mission.save()
    return mission


def digests_to(person):
    return list(
        ReminderEmail.objects.filter(recipient=person, kind="digest", state="pending").values_list("due_at", flat=True)
    )


def test_an_invitation_that_gives_a_delegate_an_email_arms_their_reminders(world, mailoutbox):
    from events.services import delegate_invite

    from ..factories import DelegateFactory, PersonFactory

    mission = _mission_ending_today(world)
    delegate = DelegateFactory(mission=mission, person=PersonFactory(email="", family_name="Ces"))
    FollowUpFactory(assignee=delegate, due_on=timezone.localdate() + timedelta(days=10))
    reminders_rearm_for_mission(mission=mission)
    assert digests_to(delegate.person) == []  # no address, nothing to send
    delegate_invite(delegate=delegate, invited_by=world.alice, email="oscar@example.ac.uk")
    assert digests_to(delegate.person)  # armed by the write itself


def test_linking_an_account_in_another_zone_moves_their_reminders(world):
    from contacts.models import User
    from events.services import delegate_link_user

    from ..factories import DelegateFactory, PersonFactory, UserFactory

    mission = _mission_ending_today(world)
    person = PersonFactory(email="nikia@example.org", time_zone="Europe/London")
    delegate = DelegateFactory(mission=mission, person=person)
    FollowUpFactory(assignee=delegate, due_on=timezone.localdate() + timedelta(days=10))
    reminders_rearm_for_mission(mission=mission)
    before = digests_to(person)
    assert before
    account = UserFactory(username="nikia", email="nikia@example.org", time_zone="America/Los_Angeles")
    assert isinstance(account, User)
    delegate_link_user(delegate=delegate, user=account, modified_by=world.alice)
    after = digests_to(person)
    assert len(after) == len(before)
    assert all(
        later - earlier == timedelta(hours=8) for earlier, later in zip(sorted(before), sorted(after), strict=True)
    )
