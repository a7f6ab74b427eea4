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


def pks(response):
    return [record.pk for record in response.context["page"].object_list]


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
        ({"q": "Takda"}, ["Takeda Pharmaceutical"]),  # a typo, as in the typeahead
        ({"q": "武田薬品"}, ["Takeda Pharmaceutical"]),
        ({"q": "take", "kind": "university"}, []),  # combined with the other filters
        ({"q": "京都", "country": "JP", "kind": "university"}, ["Kyoto University"]),
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
        ({"q": "takeda.example"}, ["Sato"]),  # part of an email address
        ({"q": "KEN.SATO@"}, ["Sato"]),
        ({"q": "Satou"}, ["Sato"]),  # a common alternative spelling, as a typo
        ({"q": "Takeda"}, ["Sato"]),  # by organisation, in Latin script
        ({"q": "武田"}, ["Sato"]),  # by organisation, in Japanese
        ({"q": "佐藤", "country": "JP"}, ["Sato"]),
        ({"q": "佐藤", "country": "GB"}, []),
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
        {"q": "%"},
        {"q": "_"},
        {"q": "\\"},
        {"q": "t"},
        {"page": "9" * 5000},
        {"page": "-3"},
        {"page": "2.5"},
        {"q": "佐藤", "page": "abc"},
    ],
)
def test_bad_query_strings_get_a_page_not_an_error(alice_client, query):
    for url in (ORGS, PEOPLE):
        response = alice_client.get(url, query)
        assert response.status_code == 200, (url, query)
        if set(query) - {"page", "q"} or len(query.get("q", "")) > 200:
            assert "were not understood" in response.content.decode(), (url, query)


@pytest.mark.parametrize("query", [{"q": "sa\x00to"}, {"q": "\x00"}, {"page": "1\x00"}])
def test_a_nul_in_the_query_is_a_clear_400(alice_client, query):
    for url in (ORGS, PEOPLE):
        response = alice_client.get(url, query)
        assert response.status_code == 400, (url, query)
        assert "The address contains a character no page uses." in response.content.decode()


def test_search_characters_are_not_wildcards(alice_client):
    """% and _ are letters to search for, not LIKE wildcards that would list everyone."""
    for url in (ORGS, PEOPLE):
        for query in ("%", "_", "%%", "__", "\\\\"):
            response = alice_client.get(url, {"q": query})
            assert response.status_code == 200
            assert pks(response) == [], (url, query)


def test_search_lists_the_exact_name_first(alice_client):
    OrganisationFactory(name="Takeda Holdings Europe", name_native="武田ホールディングス")
    OrganisationFactory(name="Aotakeda Trading")
    assert names(alice_client.get(ORGS, {"q": "takeda pharmaceutical"}))[0] == "Takeda Pharmaceutical"
    assert names(alice_client.get(ORGS, {"q": "武田薬品工業"}))[0] == "Takeda Pharmaceutical"


def test_a_large_count_is_capped_and_paging_still_works(alice_client, monkeypatch):
    """Beyond the cap the page says "More than N" instead of counting everything, and
    Next / Previous still lead through every record."""
    monkeypatch.setattr("contacts.paging.COUNT_CAP", 10)
    OrganisationFactory.create_batch(30, country="JP", name="Osaka company")
    first = alice_client.get(ORGS, {"country": "JP"})
    html = first.content.decode()
    assert "More than 10 organisations match these filters." in html
    assert "Page 1<" in html and "Page 1 of" not in html
    assert "?country=JP&amp;page=2" in html
    listed, ids = names(first), pks(first)
    page = 2
    while True:
        response = alice_client.get(ORGS, {"country": "JP", "page": page})
        listed += names(response)
        ids += pks(response)
        if not response.context["page"].has_next():
            break
        page += 1
    assert page == 2 and sorted(set(listed)) == ["Kyoto University", "Osaka company", "Takeda Pharmaceutical"]
    assert listed.count("Osaka company") == 30
    assert len(set(ids)) == len(ids)  # no record on two pages
    assert "page=1" in response.content.decode() and "Next<" not in response.content.decode()


def test_a_capped_search_says_so_and_pages(alice_client, monkeypatch):
    monkeypatch.setattr("contacts.paging.COUNT_CAP", 10)
    PersonFactory.create_batch(30, family_name="Satou", name_native="佐藤 花子")
    first = alice_client.get(PEOPLE, {"q": "佐藤"})
    html = first.content.decode()
    assert "More than 10 people match these filters: the best matches first." in html
    assert "?q=%E4%BD%90%E8%97%A4&amp;page=2" in html
    second = alice_client.get(PEOPLE, {"q": "佐藤", "page": 2})
    assert len(second.context["page"].object_list) == 6  # 31 Satos: 25 + 6
    assert not set(pks(first)) & set(pks(second))
    assert names(first, "family_name")[0] == "Sato"  # all start with 佐藤: then in name order


def test_a_small_count_is_exact(alice_client):
    response = alice_client.get(PEOPLE, {"q": "佐藤"})
    assert response.context["page"].paginator.count == 1
    assert "1 person matches these filters" in response.content.decode()


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


# Session, user, nav role, filter choices (missions, countries, sectors), capped count, page ids,
# page rows, prefetched sectors.
ORGANISATION_LIST_QUERIES = 9
PERSON_LIST_QUERIES = 8
# A text search reads its (bounded) ranked candidate ids once: they give the count and the page.
SEARCH_QUERIES = -1


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


@pytest.mark.parametrize("query", ["sato", "佐藤", "Takda", "sa"])
def test_search_query_count_is_constant(alice_client, django_assert_num_queries, directory, query):
    url = f"{PEOPLE}?q={query}"
    _count_queries(alice_client, url, django_assert_num_queries, PERSON_LIST_QUERIES + SEARCH_QUERIES)
    for i in range(20):
        PersonFactory(given_name=f"Ken{i}", family_name="Sato", name_native=f"佐藤 {i}", organisation=directory.takeda)
    _count_queries(alice_client, url, django_assert_num_queries, PERSON_LIST_QUERIES + SEARCH_QUERIES)
    _count_queries(
        alice_client, f"{ORGS}?q=takeda", django_assert_num_queries, ORGANISATION_LIST_QUERIES + SEARCH_QUERIES
    )
