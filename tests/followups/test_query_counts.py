"""List pages run a constant number of queries however many rows they show."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from followups import services
from followups.models import FollowUp

from ..factories import FollowUpFactory, MeetingFactory, OrganisationFactory, PersonFactory

# My follow-ups: 14 = the 12 it had + the ids and due dates of the open ones (to fill each bucket and count it
# before loading only the rows shown) + the number done (the Done list shows the most recent only).
MY_FOLLOWUPS_QUERIES = 14
# A mission's follow-ups: 11 = the page's ids, read before the rows in full (deep pages stay fast), and the
# rows with their notes counted in the same query (the notes themselves are not shown, so not prefetched).
MISSION_FOLLOWUPS_QUERIES = 11
CALENDAR_FEED_QUERIES = 7


def add_followups(world, count):
    """Follow-ups in every bucket, each from a meeting with counterparts, and with a note."""
    today = timezone.localdate()
    for i in range(count):
        org = OrganisationFactory(name_native=f"会社{i}")
        meeting = MeetingFactory(mission=world.mission_a)
        meeting.delegates.add(world.dave_delegate)
        meeting.counterpart_organisations.add(org)
        meeting.counterpart_people.add(PersonFactory(organisation=org, name_native=f"人{i}"))
        followup = FollowUpFactory(
            assignee=world.dave_delegate, meeting=meeting, due_on=today + timedelta(days=(i % 4) * 6 - 3)
        )
        services.followup_add_note(followup=followup, acting_user=world.dave, text=f"Note {i}")
        if i % 4 == 3:
            services.followup_complete(followup=followup, acting_user=world.dave, note="Done")


@pytest.mark.parametrize("rows", [4, 20])
def test_my_followups_query_count_is_constant(world, as_user, django_assert_num_queries, rows):
    add_followups(world, rows)
    client = as_user(world.dave)
    with django_assert_num_queries(MY_FOLLOWUPS_QUERIES):
        response = client.get(reverse("followups:my-followups"))
    assert response.status_code == 200
    buckets = response.context["buckets"]
    assert len(buckets.overdue + buckets.this_week + buckets.later + buckets.done) == rows


@pytest.mark.parametrize("rows", [4, 20])
def test_mission_followups_query_count_is_constant(world, as_user, django_assert_num_queries, rows):
    add_followups(world, rows)
    client = as_user(world.alice)
    with django_assert_num_queries(MISSION_FOLLOWUPS_QUERIES):
        response = client.get(reverse("followups:mission-followups", args=[world.mission_a.pk]), {"status": "open"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == FollowUp.objects.filter(status="open").count()


@pytest.mark.parametrize("rows", [4, 20])
def test_calendar_feed_query_count_is_constant(world, client, django_assert_num_queries, rows):
    add_followups(world, rows)
    with django_assert_num_queries(CALENDAR_FEED_QUERIES):
        response = client.get(reverse("followups:calendar-feed", args=[world.dave.calendar_token]))
    assert response.content.count(b"BEGIN:VEVENT") == rows * 2  # each meeting and each follow-up


def test_mission_followups_second_page_in_order_with_the_same_queries(
    world, as_user, django_assert_num_queries, django_assert_max_num_queries
):
    today = timezone.localdate()
    FollowUp.objects.bulk_create(
        FollowUp(
            mission=world.mission_a,
            assignee=world.dave_delegate,
            title=f"Open {i:03d}",
            due_on=today + timedelta(days=i),
        )
        for i in range(103)
    )
    done = FollowUpFactory(assignee=world.dave_delegate, title="Done one", due_on=today - timedelta(days=400))
    services.followup_complete(followup=done, acting_user=world.dave, note="")
    client = as_user(world.alice)
    url = reverse("followups:mission-followups", args=[world.mission_a.pk])

    def titles(response):
        return [f.title for f in response.context["page"].object_list]

    with django_assert_max_num_queries(MISSION_FOLLOWUPS_QUERIES) as queries:  # no meetings: no counterparts to load
        first = client.get(url)
    assert titles(first) == [f"Open {i:03d}" for i in range(50)]
    with django_assert_num_queries(len(queries.captured_queries)):
        last = client.get(url, {"page": "3"})
    assert titles(last) == ["Open 100", "Open 101", "Open 102", "Done one"]  # open first, soonest due; then done
    assert "104 follow-ups, page 3 of 3" in last.content.decode()
    assert titles(client.get(url, {"page": "abc"}))[0] == "Open 000"
    assert titles(client.get(url, {"page": "999"}))[-1] == "Done one"
