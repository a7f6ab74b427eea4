"""The mission page: agenda in the event's zone, roster summary, actions only for organisers."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from events.models import Delegate

from ..factories import DelegateFactory, EventFactory, OrganisationFactory


def url(mission):
    return reverse("events:mission-detail", args=[mission.pk])


@pytest.mark.parametrize(("persona", "actions"), [("alice", True), ("mary", True), ("dave", False)])
def test_actions_only_for_those_who_may_use_them(as_user, world, persona, actions):
    page = as_user(getattr(world, persona)).get(url(world.mission_a)).content.decode()
    for name in ("events:mission-edit", "events:event-create", "events:delegate-list"):
        assert (reverse(name, args=[world.mission_a.pk]) in page) is actions


def test_agenda_links_events_and_shows_their_zone_and_the_viewers_time(as_user, world):
    event = EventFactory(
        mission=world.mission_a,
        title="UK Life Sciences Symposium",
        time_zone="Asia/Tokyo",
        starts_at=datetime(2026, 10, 12, 13, 0, tzinfo=ZoneInfo("Asia/Tokyo")),
        ends_at=datetime(2026, 10, 12, 18, 0, tzinfo=ZoneInfo("Asia/Tokyo")),
    )
    page = as_user(world.dave).get(url(world.mission_a)).content.decode()
    assert reverse("events:event-detail", args=[event.pk]) in page
    assert '13:00–18:00</span> <span class="tz-note">Asia/Tokyo</span>' in page
    assert "your time: Mon 12 Oct 05:00 (Europe/London)" in page
    assert "Monday 12 October 2026" in page


def test_viewer_in_the_events_zone_sees_no_second_time(as_user, world):
    world.dave.time_zone = "Asia/Tokyo"
    world.dave.save()
    EventFactory(mission=world.mission_a)
    assert "your time" not in as_user(world.dave).get(url(world.mission_a)).content.decode()


def test_roster_summary_counts_roles(as_user, world):
    DelegateFactory(mission=world.mission_a, role=Delegate.Role.SPEAKER)
    DelegateFactory(mission=world.mission_a, role=Delegate.Role.SPEAKER)
    response = as_user(world.dave).get(url(world.mission_a))
    assert response.context["role_summary"] == [("organiser", 1), ("delegate", 1), ("speakers", 2)]
    assert "Delegates (4)" in response.content.decode()


def _grow(mission, n):
    for _ in range(n):
        event = EventFactory(mission=mission)
        event.co_hosts.add(OrganisationFactory())
        event.sponsors.add(OrganisationFactory())
        DelegateFactory(mission=mission)
    mission.lead_organisations.add(OrganisationFactory())
    mission.partner_organisations.add(OrganisationFactory())


@pytest.mark.parametrize("persona", ["alice", "mary", "dave"])
def test_query_count_is_constant_as_the_mission_grows(as_user, world, django_assert_num_queries, persona):
    client = as_user(getattr(world, persona))
    # session, user, mission, delegates, events, their co-hosts, their sponsors, may organise,
    # lead and partner organisations; the navigation asks once more whether a delegate organises anything
    expected = 11 if persona == "dave" else 10
    _grow(world.mission_a, 2)
    with django_assert_num_queries(expected):
        assert client.get(url(world.mission_a)).status_code == 200
    _grow(world.mission_a, 8)
    with django_assert_num_queries(expected):
        assert client.get(url(world.mission_a)).status_code == 200


@pytest.mark.parametrize("bad", ["/missions/abc/", "/missions/-1/", "/missions/99999999999999999999/"])
def test_malformed_ids_are_404(as_user, world, bad):
    assert as_user(world.mary).get(bad).status_code == 404
