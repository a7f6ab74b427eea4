"""The organisation and people lists: filters, search in either script, paging,
merged records hidden, bad query strings, constant query counts."""

import pytest
from django.urls import reverse

from ..factories import OrganisationFactory, PersonFactory

ORGS = "/contacts/organisations/"
PEOPLE = "/contacts/people/"


def names(response, attr="name"):
    """The records listed, leaving out the personas' own employers ("Organisation 3")."""
    listed = [getattr(record, attr) for record in response.context["page"].object_list]
    return [name for name in listed if not name.startswith("Organisation ")]


@pytest.fixture
def alice_client(as_user, world, directory):
    return as_user(world.alice)


def test_urls_are_where_the_nav_points():
    assert reverse("contacts:organisation-list") == ORGS
    assert reverse("contacts:person-list") == PEOPLE


def test_every_signed_in_user_sees_the_directory_with_its_nav_link(as_user, world, directory):
    client = as_user(world.dave)
    response = client.get(ORGS)
    assert response.status_code == 200
    assert f'href="{ORGS}"' in response.content.decode()
    assert names(response) == ["Imperial College London", "Kyoto University", "Takeda Pharmaceutical"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "university"}, ["Imperial College London", "Kyoto University"]),
        ({"country": "JP"}, ["Kyoto University", "Takeda Pharmaceutical"]),
        ({"country": "JP", "kind": "university"}, ["Kyoto University"]),
        ({"q": "take"}, ["Takeda Pharmaceutical"]),
        ({"q": "武田"}, ["Takeda Pharmaceutical"]),
        ({"q": "yakuhin"}, ["Takeda Pharmaceutical"]),
        ({"q": "京都"}, ["Kyoto University"]),
        ({"q": "tokyo"}, ["Takeda Pharmaceutical"]),
        ({"q": "nothing like it"}, []),
    ],
)
def test_organisation_filters(alice_client, query, expected):
    assert names(alice_client.get(ORGS, query)) == expected


def test_organisation_sector_filter(alice_client, directory):
    oncology = directory.takeda.sectors.get()
    assert names(alice_client.get(ORGS, {"sector": oncology.pk})) == ["Takeda Pharmaceutical"]


def test_met_on_mission_filter_offers_only_the_viewers_missions(as_user, world, directory):
    client = as_user(world.dave)
    response = client.get(ORGS, {"mission": world.mission_a.pk})
    assert names(response) == ["Takeda Pharmaceutical"]
    choices = dict(response.context["filter"].form.fields["mission"].choices)
    assert str(world.mission_a.pk) in choices and str(world.mission_b.pk) not in choices
    # mission B is not dave's: the choice is refused and says so, nothing from B leaks
    response = client.get(ORGS, {"mission": world.mission_b.pk})
    assert response.status_code == 200
    assert "Met on mission" in response.content.decode() and "not one of the available choices" in (
        response.content.decode()
    )
    assert "Kyoto University" in names(response)  # the bad filter is ignored, not applied as "met on B"


def test_manager_filters_by_any_mission(as_user, world, directory):
    client = as_user(world.mary)
    assert names(client.get(ORGS, {"mission": world.mission_b.pk})) == ["Kyoto University", "Takeda Pharmaceutical"]
    people = client.get(PEOPLE, {"mission": world.mission_b.pk})
    assert names(people, "family_name") == ["Sato", "Tanaka"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "sato"}, ["Sato"]),
        ({"q": "Ken Sato"}, ["Sato"]),
        ({"q": "佐藤"}, ["Sato"]),
        ({"q": "佐藤健"}, ["Sato"]),  # typed without the space
        ({"q": "田中 浩"}, ["Tanaka"]),
        ({"q": "takeda.example"}, ["Sato"]),
        ({"q": "Kyoto"}, ["Tanaka"]),  # by organisation
        ({"kind": "university", "country": "JP"}, ["Tanaka"]),
    ],
)
def test_people_filters(alice_client, query, expected):
    found = [name for name in names(alice_client.get(PEOPLE, query), "family_name") if name in ("Sato", "Tanaka")]
    assert found == expected


def test_japanese_people_are_listed_family_name_first(alice_client):
    html = alice_client.get(PEOPLE, {"q": "sato"}).content.decode()
    assert "Sato Ken" in html and "佐藤 健" in html


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "spaceship"},
        {"country": "XX"},
        {"sector": "abc"},
        {"sector": "999999"},
        {"mission": "'; drop table"},
        {"page": "abc"},
        {"page": "99999"},
        {"q": "x" * 500},
        {"q": "%_\\"},
    ],
)
def test_bad_query_strings_get_a_page_not_an_error(alice_client, query):
    for url in (ORGS, PEOPLE):
        response = alice_client.get(url, query)
        assert response.status_code == 200, (url, query)
        if set(query) - {"page", "q"} or len(query.get("q", "")) > 200:
            assert "were not understood" in response.content.decode(), (url, query)


def test_merged_records_are_hidden_from_lists(alice_client, directory):
    twin = OrganisationFactory(name="Takeda Pharma KK", merged_into=directory.takeda)
    PersonFactory(family_name="Satoh", merged_into=directory.sato)
    assert twin.name not in names(alice_client.get(ORGS))
    assert "Satoh" not in names(alice_client.get(PEOPLE), "family_name")


def test_pages_keep_the_filters(alice_client):
    OrganisationFactory.create_batch(30, country="JP", name="Osaka company")
    response = alice_client.get(ORGS, {"country": "JP"})
    assert response.context["page"].paginator.num_pages == 2
    assert "?country=JP&amp;page=2" in response.content.decode()
    second = alice_client.get(ORGS, {"country": "JP", "page": 2})
    assert len(second.context["page"].object_list) == 7


def _count_queries(client, url, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200


# Session, user, nav role, filter choices (missions, countries, sectors), count, page rows, prefetched sectors.
ORGANISATION_LIST_QUERIES = 8
PERSON_LIST_QUERIES = 7


def test_organisation_list_query_count_is_constant(alice_client, django_assert_num_queries, directory):
    _count_queries(alice_client, ORGS, django_assert_num_queries, ORGANISATION_LIST_QUERIES)
    for _ in range(20):
        org = OrganisationFactory(country="JP")
        org.sectors.add(directory.takeda.sectors.get())
        PersonFactory.create_batch(2, organisation=org)
    _count_queries(alice_client, ORGS, django_assert_num_queries, ORGANISATION_LIST_QUERIES)


def test_person_list_query_count_is_constant(alice_client, django_assert_num_queries):
    _count_queries(alice_client, PEOPLE, django_assert_num_queries, PERSON_LIST_QUERIES)
    PersonFactory.create_batch(20)
    _count_queries(alice_client, PEOPLE, django_assert_num_queries, PERSON_LIST_QUERIES)
