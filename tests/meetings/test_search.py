"""The counterpart typeahead: Latin or Japanese script, misspellings, and an index
that serves two-character Japanese queries."""

import pytest
from django.db import connection
from django.urls import reverse

from contacts.models import Organisation, Person
from contacts.search import build_keys, organisations_matching, people_matching, search_organisations, search_people

from ..conftest import PASSWORD
from ..factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query", ["Take", "take", "武田", "Takda", "takeda pharma", "Ｔａｋｅｄａ", "薬品", "kogyo", "Kōgyō"]
)
def test_finds_takeda_by_latin_japanese_or_misspelling(takeda, query):
    assert takeda in search_organisations(query)


def test_finds_sato_by_two_kanji_and_by_romanised_name(sato):
    assert search_people("佐藤") == [sato]
    assert search_people("佐藤健") == [sato]  # typed without the space
    assert search_people("Sato") == [sato]
    assert search_people("Satou") == [sato]  # a common alternative spelling, as a typo


def test_does_not_find_what_does_not_match(takeda, sato):
    OrganisationFactory(name="Chugai Pharmaceutical", name_native="中外製薬")
    assert search_organisations("佐藤") == []
    assert [o.name for o in search_organisations("中外")] == ["Chugai Pharmaceutical"]
    assert search_organisations("Zebrafish") == []
    assert search_organisations("t") == []  # one Latin letter is too little to search on


def test_merged_records_are_not_offered(takeda):
    survivor = OrganisationFactory(name="Takeda Pharmaceutical Company")
    Organisation.objects.filter(pk=takeda.pk).update(merged_into=survivor)
    assert search_organisations("武田") == []


def test_keys_follow_renames_whatever_saves_the_record(takeda):
    takeda.name_native = "武田製薬"
    takeda.save(update_fields=["name_native"])
    assert search_organisations("製薬") == [takeda]
    assert search_organisations("薬品") == []


def test_search_key_drops_accents_but_never_kana_voicing():
    key, grams = build_keys("Kōgyō", "ガイド")
    assert key == "kogyo gaido"  # the kana's reading is a Latin word of the key too (not "kaito")
    assert " ガイ " in grams and " カイ " not in grams


def test_lookup_endpoint_lists_matches_to_pick_from(client, world, takeda):
    client.login(username="erin", password=PASSWORD)
    response = client.get(reverse("contacts:organisation-lookup"), {"q": "武田", "field": "counterpart_organisations"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="option"' in html and f'data-id="{takeda.pk}"' in html
    assert "武田薬品工業" in html
    assert "New organisation “武田”" in html


@pytest.mark.parametrize("query", ["", "%", "'; drop table x; --", "\x00", "a" * 5000, "武" * 300])
def test_lookup_endpoint_survives_odd_queries(client, world, takeda, query):
    client.login(username="dave", password=PASSWORD)
    for name in ("contacts:organisation-lookup", "contacts:person-lookup"):
        response = client.get(reverse(name), {"q": query, "field": "<script>"})
        assert response.status_code == (400 if "\x00" in query else 200)  # a NUL: the 400 page
        assert "<script>" not in response.content.decode()


def test_lookup_requires_sign_in(client):
    response = client.get(reverse("contacts:organisation-lookup"), {"q": "武田"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def many_contacts(db):
    """20,000 organisations and 20,000 people with realistic notes and job titles,
    so that reading a whole table costs PostgreSQL more than an index lookup."""
    filler = "Met at BioJapan; interested in regenerative medicine and UK partners. " * 6
    organisations, people = [], []
    for i in range(20_000):
        org = Organisation(name=f"Company {i:05d} Holdings", name_native=f"会社{i:05d}", kind="company", notes=filler)
        org.search_key, org.search_grams = build_keys(org.name, org.name_native)
        organisations.append(org)
        person = Person(
            given_name=f"Given{i}",
            family_name=f"Family{i}",
            name_native=f"山本{i:05d}",
            job_title=filler[:190],
            languages=filler[:190],
        )
        person.search_key, person.search_grams = build_keys(person.given_name, person.family_name, person.name_native)
        people.append(person)
    Organisation.objects.bulk_create(organisations, batch_size=5000)
    Person.objects.bulk_create(people, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE contacts_organisation")
        cursor.execute("ANALYZE contacts_person")


def test_indexes_serve_two_kanji_latin_and_misspelt_queries(many_contacts, takeda, sato):
    """One big fixture, three proofs.

    1. With the planner free to choose (sequential scans allowed), 「武田」 and 「佐藤」
       are answered through the GIN indexes on the bigram arrays, not by reading the table.
    2. For "Take" and the typo "Takda" PostgreSQL's estimates for the trigram GIN scan
       and a sequential scan are close at this size (either may win), so this only
       proves, with sequential scans priced out, that the trigram index serves the
       word-similarity condition (on its own: with ``merged_into IS NULL`` beside it the
       planner may as well start from that column's index, and it did, now and then).
    """
    plan = _plan(organisations_matching("武田"))
    assert "contacts_org_search_grams_gin" in plan, plan
    assert list(organisations_matching("武田")) == [takeda]
    plan = _plan(people_matching("佐藤"))
    assert "contacts_person_search_grams_gin" in plan, plan
    assert list(people_matching("佐藤")) == [sato]

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    for query in ("Take", "Takda"):
        plan = _plan(Organisation.objects.filter(search_key__trigram_word_similar=query.lower()))
        assert "contacts_org_search_key_trgm" in plan, plan
    assert takeda in organisations_matching("Takda")


def test_exact_name_comes_first_among_many_matches(takeda):
    """More matches than the typeahead lists: the exact name is still first, then the names
    that start with the query, then the rest."""
    for i in range(40):
        OrganisationFactory(name=f"Takeda Trading {i:02d}", name_native=f"武田商事{i:02d}")
        OrganisationFactory(name=f"Nishi Takeda {i:02d}", name_native=f"西武田{i:02d}")
    exact = OrganisationFactory(name="Takeda", name_native="武田")
    assert search_organisations("takeda")[0] == exact
    assert search_organisations("武田")[0] == exact
    assert all(o.name.startswith("Takeda") for o in search_organisations("takeda"))
    assert all(o.name_native.startswith("武田") for o in search_organisations("武田"))
    assert len(search_organisations("西武田")) == 10


def test_typos_are_found_when_nothing_starts_with_the_query(takeda, sato):
    assert search_organisations("Takda")[0] == takeda
    assert search_people("Satou") == [sato]
    assert search_people("Ken Sato") == [sato]


LOOKUP_MAX_QUERIES = 3 + 1 + 2 * 3  # session, user, nav role; prefix; two ranked steps


@pytest.mark.parametrize("query", ["Take", "武田", "Takda", "sa", "佐藤"])
def test_lookup_query_count_does_not_grow_with_matches(
    client, world, takeda, sato, django_assert_max_num_queries, query
):
    """Session, user and nav role, then at most: the prefix step, and for each of the two ranked steps the
    step between setting and resetting enable_seqscan (the reset is only needed inside an outer
    transaction, as in this test). Each step reads a bounded number of rows."""
    client.login(username="dave", password=PASSWORD)
    for name in ("contacts:organisation-lookup", "contacts:person-lookup"):
        with django_assert_max_num_queries(LOOKUP_MAX_QUERIES):
            client.get(reverse(name), {"q": query})
    for i in range(30):
        OrganisationFactory(name=f"Takeda Unit {i}", name_native=f"武田部門{i}")
        Person.objects.create(given_name=f"Kenji{i}", family_name="Sato", name_native=f"佐藤 健{i}")
    for name in ("contacts:organisation-lookup", "contacts:person-lookup"):
        with django_assert_max_num_queries(LOOKUP_MAX_QUERIES):
            response = client.get(reverse(name), {"q": query})
        assert response.content.decode().count('role="option"') <= 10 + 1  # and "New …"
