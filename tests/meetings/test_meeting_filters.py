"""The meeting list's filters at any size: organisations, people and delegates are picked by
typeahead (only the picked record is in the page), events and delegates are listed for the
chosen mission only, ids in the query string are checked, and long lists count "about"."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from contacts.paging import EstimatingPaginator
from events.models import PartneringMeeting
from followups.views import meetings as meeting_views

from ..factories import DelegateFactory, EventFactory, OrganisationFactory, PersonFactory
from .conftest import meeting_on
from .test_meetings import LIST_QUERIES, signed_in

pytestmark = pytest.mark.django_db

LIST = reverse("meetings:list")


def topics(response):
    return [m.topic for m in response.context["page"].object_list]


@pytest.fixture
def two_meetings(world, takeda, sato):
    chugai = OrganisationFactory(name="Chugai Pharmaceutical", name_native="中外製薬")
    colleague = DelegateFactory(mission=world.mission_a)
    with_takeda = meeting_on(
        world.mission_a, organisations=[takeda], delegates=[world.dave_delegate], topic="Takeda meeting"
    )
    with_takeda.counterpart_people.set([sato])
    meeting_on(world.mission_a, organisations=[chugai], delegates=[colleague], topic="Chugai meeting")
    meeting_on(world.mission_b, organisations=[takeda], delegates=[world.erin_delegate], topic="Mission B meeting")
    return chugai, colleague


def test_each_picked_filter_filters(client, world, takeda, sato, two_meetings):
    chugai, colleague = two_meetings
    signed_in(client, "alice")
    assert sorted(topics(client.get(LIST))) == ["Chugai meeting", "Takeda meeting"]
    assert topics(client.get(LIST, {"counterpart": takeda.pk})) == ["Takeda meeting"]
    assert topics(client.get(LIST, {"counterpart": chugai.pk})) == ["Chugai meeting"]
    assert topics(client.get(LIST, {"person": sato.pk})) == ["Takeda meeting"]
    # "Our delegate" is a person: the same with or without a mission chosen.
    assert topics(client.get(LIST, {"delegate": colleague.person.pk})) == ["Chugai meeting"]
    both = {"delegate": world.dave_delegate.person.pk, "mission": world.mission_a.pk}
    assert topics(client.get(LIST, both)) == ["Takeda meeting"]


def test_the_picked_record_is_shown_by_name_not_a_list_of_every_record(client, world, takeda, two_meetings):
    signed_in(client, "alice")
    page = client.get(LIST, {"counterpart": takeda.pk}).content.decode()
    chips = re.search(r'data-testid="counterpart-chips">(.*?)</ul>', page, re.S).group(1)
    assert "Takeda Pharmaceutical (武田薬品工業)" in chips and f'value="{takeda.pk}"' in chips
    assert "Chugai" not in page.split('data-testid="meeting-list"')[0]  # no <option> per organisation


def test_with_a_mission_its_events_and_delegates_are_listed_and_no_other_missions(client, world, two_meetings):
    chugai, colleague = two_meetings
    EventFactory(mission=world.mission_a, title="BioJapan partnering")
    EventFactory(mission=world.mission_b, title="San Diego reception")
    signed_in(client, "mary")  # a manager sees both missions
    page = client.get(LIST, {"mission": world.mission_a.pk}).content.decode()
    filters = page.split('data-testid="meeting-list"')[0]
    assert "BioJapan partnering" in filters and colleague.person.full_name in filters
    assert "San Diego reception" not in filters and world.erin_delegate.person.full_name not in filters
    # Without a mission nothing is listed: the delegate box searches instead.
    filters = client.get(LIST).content.decode().split('data-testid="meeting-list"')[0]
    assert "BioJapan partnering" not in filters and colleague.person.full_name not in filters
    assert "choose a mission to list them" in filters


@pytest.mark.parametrize(
    "query",
    [
        {"counterpart": "999999"},
        {"counterpart": "abc"},
        {"counterpart": "99999999999999999999999"},
        {"person": "-1"},
        {"delegate": "999999"},
        {"event": "1x"},
        {"mission": "999999"},
        {"mission": "²"},  # a digit to str.isdigit(), not to int()
        {"event": "²"},
        {"counterpart": "٣"},
        {"person": "²"},
    ],
)
def test_bad_ids_give_a_message_not_an_error(client, world, two_meetings, query):
    signed_in(client, "dave")
    response = client.get(LIST, query)
    assert response.status_code == 200
    assert "Some filters could not be used" in response.content.decode()
    assert topics(response) == []


def test_another_missions_delegate_or_event_by_id_is_refused_without_showing_it(client, world, two_meetings):
    hidden_event = EventFactory(mission=world.mission_b, title="San Diego reception")
    signed_in(client, "dave")  # on mission A only
    for query, message in [
        ({"delegate": world.erin_delegate.person.pk}, "not a delegate on the missions you can see"),
        ({"event": hidden_event.pk}, "not one of the chosen mission"),
        ({"event": hidden_event.pk, "mission": world.mission_a.pk}, "not one of the chosen mission"),
    ]:
        response = client.get(LIST, query)
        page = response.content.decode()
        assert response.status_code == 200 and message in page, query
        assert world.erin_delegate.person.full_name not in page and "San Diego reception" not in page, query
        assert "Mission B meeting" not in page


def test_delegate_lookup_offers_only_delegates_of_the_users_missions(client, world, two_meetings):
    erin = world.erin_delegate.person
    lookup = reverse("events:delegate-lookup")
    signed_in(client, "dave")
    assert erin.full_name not in client.get(lookup, {"q": erin.family_name, "field": "delegate"}).content.decode()
    dave = world.dave_delegate.person
    assert dave.full_name in client.get(lookup, {"q": dave.family_name, "field": "delegate"}).content.decode()
    client.logout()
    signed_in(client, "mary")
    found = client.get(lookup, {"q": erin.family_name, "field": "delegate"}).content.decode()
    assert erin.full_name in found and "New person" not in found  # a filter never offers to create


def test_without_javascript_typed_text_lists_matches_to_pick(client, world, takeda, two_meetings):
    signed_in(client, "alice")
    response = client.get(LIST, {"counterpart_q": "Takeda"})
    page = response.content.decode()
    assert 'data-testid="counterpart-matches"' in page
    assert re.search(rf'type="radio" name="counterpart" value="{takeda.pk}"', page)
    assert "Chugai" not in page.split('data-testid="meeting-list"')[0]
    assert topics(client.get(LIST, {"counterpart": takeda.pk, "counterpart_q": ""})) == ["Takeda meeting"]


def test_a_long_list_says_about_how_many_and_still_pages(client, world, monkeypatch):
    monkeypatch.setattr(EstimatingPaginator, "cap", 3)
    monkeypatch.setattr(meeting_views, "PAGE_SIZE", 5)
    org = OrganisationFactory()
    for i in range(30):
        meeting_on(world.mission_a, organisations=[org], delegates=[world.dave_delegate], topic=f"Meeting {i}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE events_partneringmeeting")  # as autovacuum would: the estimate reads its statistics
    signed_in(client, "mary")
    page = client.get(LIST).content.decode()
    count = re.search(r'data-testid="meeting-count">([^<]*)<', page).group(1)
    assert count.startswith("About ") and "meetings" in count
    assert "Page 1 of about" in page
    second = client.get(LIST, {"page": 2})
    assert len(topics(second)) == 5
    # A short list is counted exactly.
    small = client.get(LIST, {"counterpart": OrganisationFactory().pk}).content.decode()
    assert re.search(r'data-testid="meeting-count">0 meetings<', small)


@pytest.mark.parametrize("rows", [2, 12])
def test_query_count_with_every_picker_set_is_constant(client, world, takeda, sato, rows, django_assert_num_queries):
    event = EventFactory(mission=world.mission_a)
    for i in range(rows):
        meeting = meeting_on(
            world.mission_a,
            organisations=[takeda, OrganisationFactory()],
            delegates=[world.dave_delegate, DelegateFactory(mission=world.mission_a)],
            topic=f"Meeting {i}",
            event=event,
        )
        meeting.counterpart_people.set([sato, PersonFactory()])
    signed_in(client, "alice")
    query = {"counterpart": takeda.pk, "person": sato.pk, "delegate": world.dave_delegate.person.pk}
    # Without a mission: no mission to check, no event or delegate list (-3); each picked record
    # read once to check it and once to show it by name (+6).
    with django_assert_num_queries(LIST_QUERIES + 3):
        response = client.get(LIST, query)
    assert len(topics(response)) == rows


def test_every_page_is_reachable_when_the_estimate_is_too_low(client, world, monkeypatch):
    """The planner's estimate is for display: paging follows the rows that are there."""
    monkeypatch.setattr(meeting_views, "PAGE_SIZE", 5)
    org = OrganisationFactory()
    for i in range(23):
        meeting_on(world.mission_a, organisations=[org], delegates=[world.dave_delegate], topic=f"Meeting {i}")
    monkeypatch.setattr(EstimatingPaginator, "count", 5)  # the planner guessed far too few
    monkeypatch.setattr(EstimatingPaginator, "estimated", True)
    signed_in(client, "mary")
    seen, number = [], 1
    while number < 20:
        response = client.get(LIST, {"page": number})
        seen += topics(response)
        if ">Next<" not in response.content.decode():
            break
        number += 1
    assert len(seen) == len(set(seen)) == PartneringMeeting.objects.count()
    assert number == -(-len(seen) // 5)  # the last page, past the estimate's single page


@pytest.mark.parametrize("number", ["0", "-3", "99999999999", "9" * 50])
def test_any_page_number_of_an_estimated_list_gives_a_page(client, world, monkeypatch, number):
    monkeypatch.setattr(EstimatingPaginator, "count", 5000)
    monkeypatch.setattr(EstimatingPaginator, "estimated", True)
    signed_in(client, "mary")
    assert client.get(LIST, {"page": number}).status_code == 200
