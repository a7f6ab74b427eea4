"""Two edits started from the same version, really at the same time on two database
connections: exactly one is applied, the other is told about the conflict."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from events.models import PartneringMeeting
from events.services import MeetingDetails, MeetingEditConflict, meeting_update

from .conftest import meeting_on

pytestmark = pytest.mark.django_db(transaction=True)


def details_for(meeting, topic):
    return MeetingDetails(
        event=None,
        starts_at=meeting.starts_at,
        duration_minutes=30,
        location="",
        status="held",
        topic=topic,
        notes="",
        interest=None,
        next_steps="",
        delegates=list(meeting.delegates.all()),
        counterpart_organisations=list(meeting.counterpart_organisations.all()),
    )


def test_second_of_two_simultaneous_edits_is_a_conflict(world, takeda):
    meeting = meeting_on(world.mission_a, organisations=[takeda], delegates=[world.dave_delegate], topic="Original")
    first_updated = threading.Event()
    release_first = threading.Event()
    outcomes = {}

    def first():
        try:
            with transaction.atomic():
                meeting_update(
                    meeting=PartneringMeeting.objects.get(pk=meeting.pk),
                    expected_version=1,
                    details=details_for(meeting, "First"),
                    user=world.alice,
                )
                first_updated.set()
                release_first.wait(30)  # hold the row lock while the second edit arrives
            outcomes["first"] = "saved"
        finally:
            connections.close_all()

    def second():
        try:
            meeting_update(
                meeting=PartneringMeeting.objects.get(pk=meeting.pk),
                expected_version=1,
                details=details_for(meeting, "Second"),
                user=world.dave,
            )
            outcomes["second"] = "saved"
        except MeetingEditConflict as conflict:
            outcomes["second"] = f"conflict at version {conflict.meeting.version}"
        finally:
            connections.close_all()

    one = threading.Thread(target=first)
    one.start()
    assert first_updated.wait(30)
    two = threading.Thread(target=second)
    two.start()
    # Let the second edit reach the locked row before the first commits (best effort;
    # the outcome must be the same either way).
    for _ in range(100):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            if cursor.fetchone()[0]:
                break
        time.sleep(0.05)
    release_first.set()
    one.join(30)
    two.join(30)
    assert outcomes == {"first": "saved", "second": "conflict at version 2"}
    meeting.refresh_from_db()
    assert meeting.topic == "First" and meeting.version == 2
