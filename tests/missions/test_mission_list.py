"""The mission list: who sees which missions, the filters, and a constant number of queries."""

from datetime import date

import pytest
from django.urls import reverse

from events.models import Delegate, Mission

from ..factories import DelegateFactory, EventFactory, MeetingFactory, MissionFactory, OrganisationFactory

URL = reverse("events:mission-list")


def titles(response):
    return [m.title for m in response.context["missions"]]


def test_manager_sees_all_and_delegate_sees_theirs(as_user, world):
    assert set(titles(as_user(world.mary).get(URL))) == {world.mission_a.title, world.mission_b.title}
    assert titles(as_user(world.dave).get(URL)) == [world.mission_a.title]
    assert titles(as_user(world.erin).get(URL)) == [world.mission_b.title]
    assert titles(as_user(world.nobody).get(URL)) == []


@pytest.mark.parametrize(("persona", "shown"), [("mary", True), ("alice", True), ("oliver", True), ("dave", False)])
def test_new_mission_button_for_managers_and_organisers(as_user, world, persona, shown):
    page = as_user(getattr(world, persona)).get(URL).content.decode()
    assert (reverse("events:mission-create") in page) is shown


def test_filter_by_status_and_year(as_user, world):
    MissionFactory(title="Boston 2024", status=Mission.Status.COMPLETED, start_date=date(2024, 6, 3))
    MissionFactory(title="Osaka 2025", status=Mission.Status.PLANNING, start_date=date(2025, 4, 1))
    client = as_user(world.mary)
    assert titles(client.get(URL, {"year": "2024"})) == ["Boston 2024"]
    assert titles(client.get(URL, {"status": "completed"})) == ["Boston 2024"]
    assert titles(client.get(URL, {"status": "planning", "year": "2025"})) == ["Osaka 2025"]
    assert titles(client.get(URL, {"status": "completed", "year": "2025"})) == []
    page = client.get(URL, {"year": "2024"}).content.decode()
    assert '<option value="2024" selected>' in page


@pytest.mark.parametrize(
    "query", [{"year": "abc"}, {"status": "bogus"}, {"year": "99999999999999999999"}, {"year": "2024'--"}]
)
def test_bad_filters_are_ignored_with_a_message(as_user, world, query):
    response = as_user(world.mary).get(URL, query)
    assert response.status_code == 200
    assert "Some filters were not understood" in response.content.decode()
    assert len(titles(response)) == 2


def test_counts_shown_per_mission(as_user, world):
    EventFactory(mission=world.mission_a)
    MeetingFactory(mission=world.mission_a, status="held")
    MeetingFactory(mission=world.mission_a, status="cancelled")
    mission = next(m for m in as_user(world.alice).get(URL).context["missions"] if m.pk == world.mission_a.pk)
    assert (mission.delegate_count, mission.event_count, mission.meeting_count) == (2, 1, 1)
    assert mission.i_organise


def _grow(world, n):
    for _ in range(n):
        mission = MissionFactory()
        mission.lead_organisations.add(OrganisationFactory(), OrganisationFactory())
        DelegateFactory(mission=mission, person=world.alice.person, role=Delegate.Role.ORGANISER)
        DelegateFactory(mission=mission, person=world.dave.person)
        EventFactory(mission=mission)
        MeetingFactory(mission=mission)


@pytest.mark.parametrize("persona", ["mary", "alice", "dave"])
def test_query_count_is_constant_as_missions_grow(as_user, world, django_assert_num_queries, persona):
    client = as_user(getattr(world, persona))
    # session, user, the years for the filter, the missions with their counts, their lead organisations;
    # for a delegate, whether they organise anything (the "New mission" button and the navigation)
    expected = 7 if persona == "dave" else 5
    _grow(world, 3)
    with django_assert_num_queries(expected):
        assert client.get(URL).status_code == 200
    _grow(world, 10)
    with django_assert_num_queries(expected):
        response = client.get(URL)
    assert len(titles(response)) >= 13
