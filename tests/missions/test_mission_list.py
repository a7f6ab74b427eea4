"""The mission list: who sees which missions, the filters, and a constant number of queries."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

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
    # session, user, the years for the filter, the number of missions (pagination), one page of missions with
    # their counts, their lead organisations; for a delegate, whether they organise anything (the "New mission"
    # button and the navigation)
    expected = 8 if persona == "dave" else 6
    _grow(world, 3)
    with django_assert_num_queries(expected):
        assert client.get(URL).status_code == 200
    _grow(world, 30)
    with django_assert_num_queries(expected):
        response = client.get(URL)
    assert len(titles(response)) == 25  # one page
    with django_assert_num_queries(expected):
        assert len(titles(client.get(URL, {"page": "2"}))) >= 8


def _mission(title, start, days=3, **kwargs):
    today = timezone.localdate()
    return MissionFactory(
        title=title, start_date=today + timedelta(days=start), end_date=today + timedelta(days=start + days), **kwargs
    )


def test_happening_now_and_upcoming_come_first_then_the_most_recent_past(as_user, world):
    world.mission_a.delete()
    world.mission_b.delete()
    _mission("Long ago", -400)
    _mission("Next year", 300)
    _mission("Now, ends later", -1, days=5)
    _mission("Last month", -40)
    _mission("Next week", 7)
    _mission("Now, ends tomorrow", -2, days=3)
    response = as_user(world.mary).get(URL)
    assert titles(response) == [
        "Now, ends tomorrow",
        "Now, ends later",
        "Next week",
        "Next year",
        "Last month",
        "Long ago",
    ]
    page = response.content.decode()
    assert page.index("Happening now") < page.index("Upcoming") < page.index("Past")


def test_a_manager_pages_through_300_missions(as_user, world):
    Mission.objects.bulk_create(
        Mission(
            title=f"Past mission {n:03d}",
            destination_country="JP",
            start_date=date(2020, 1, 1) + timedelta(days=n),
            end_date=date(2020, 1, 3) + timedelta(days=n),
        )
        for n in range(300)
    )
    _mission("Tokyo, this week", -1)
    _mission("Seoul, next month", 30)
    client = as_user(world.mary)
    first = client.get(reverse("home"), follow=True)
    # the landing page: what is on now, what is coming, then the most recent past missions; 25, not all 304
    assert titles(first)[:5] == [
        "Tokyo, this week",
        "Seoul, next month",
        world.mission_b.title,  # both ended last week
        world.mission_a.title,
        "Past mission 299",
    ]
    assert len(titles(first)) == 25
    body = first.content.decode()
    assert "304 missions" in body and "page 1 of 13" in body
    assert 'href="?page=2"' in body
    second = client.get(URL, {"page": "2"})
    assert titles(second)[0] == "Past mission 278"
    assert "Past mission 299" not in second.content.decode()
    assert titles(client.get(URL, {"page": "13"})) == [f"Past mission {n:03d}" for n in (3, 2, 1, 0)]


@pytest.mark.parametrize(
    ("page", "first_title"),
    # not a number: the first page; out of range: the last one
    [("abc", "Mission X"), ("1.5", "Mission X"), ("0", "Mission W"), ("-1", "Mission W"), ("999", "Mission W"),
     ("99999999999999999999999", "Mission W")],
)  # fmt: skip
def test_bad_page_numbers_give_a_page_not_an_error(as_user, world, page, first_title):
    world.mission_a.delete()
    world.mission_b.delete()
    for n in range(26):
        _mission("Mission X" if n == 0 else ("Mission W" if n == 25 else f"Mission {n:02d}"), -10 - n)
    response = as_user(world.mary).get(URL, {"page": page})
    assert response.status_code == 200
    assert titles(response)[0] == first_title


def test_filters_and_search_are_kept_across_pages(as_user, world):
    for n in range(30):
        _mission(f"Osaka trade week {n:02d}", -100 - n, status=Mission.Status.COMPLETED, destination_city="Osaka")
    for n in range(5):
        _mission(f"Boston {n}", -100 - n, status=Mission.Status.COMPLETED, destination_city="Boston")
    client = as_user(world.mary)
    first = client.get(URL, {"status": "completed", "q": "osaka"})
    assert len(titles(first)) == 25
    assert all(t.startswith("Osaka") for t in titles(first))
    body = first.content.decode()
    assert "30 missions match these filters, page 1 of 2" in body
    assert 'href="?status=completed&amp;q=osaka&amp;page=2"' in body
    assert 'value="osaka"' in body
    second = client.get(URL, {"status": "completed", "q": "osaka", "page": "2"})
    assert titles(second) == [f"Osaka trade week {n:02d}" for n in range(25, 30)]
    assert 'href="?status=completed&amp;q=osaka&amp;page=1"' in second.content.decode()
    # the search matches the city too, and is case-insensitive
    assert set(titles(client.get(URL, {"q": "BOSTON"}))) == {f"Boston {n}" for n in range(5)}
