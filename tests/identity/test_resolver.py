"""The resolver answers the same for every page: the duplicate finder, the typeahead, merges."""

import pytest
from django.urls import reverse

from contacts import services
from contacts.duplicates import organisation_duplicates
from contacts.identity.resolver import add_alias, resolve_organisation
from contacts.models import OrganisationAlias

from ..conftest import PASSWORD
from ..factories import OrganisationFactory, PersonFactory


@pytest.fixture
def ajinomoto(db):
    return OrganisationFactory(name="Ajinomoto", name_native="味の素", country="JP")


@pytest.fixture
def takeda(db):
    return OrganisationFactory(name="Takeda Pharmaceutical", name_native="武田薬品工業", country="JP")


def test_a_name_resolves_with_the_reason_it_matched(ajinomoto, takeda):
    OrganisationFactory(name="Takeda Foods", name_native="武田食品")
    assert [(r.organisation, r.reason) for r in resolve_organisation("Ajinomoto Co., Inc.")] == [
        (ajinomoto, "same name")
    ]
    assert [(r.organisation, r.reason) for r in resolve_organisation("", "味の素株式会社")] == [
        (ajinomoto, "same name in Japanese")
    ]
    assert [r.organisation for r in resolve_organisation("Takeda Pharmaceutical Company Limited")] == [takeda]
    assert resolve_organisation("武田製薬") == []  # no record of that name: not Takeda, not Takeda Foods


def test_merged_records_resolve_to_the_survivor_by_alias(world, takeda):
    twin = OrganisationFactory(name="Takeda Pharma (Japan office)", name_native="タケダ日本")
    survivor = services.organisation_merge(survivor=takeda, other=twin, take_from_other=set(), acting_user=world.mary)
    assert [(r.organisation, r.reason) for r in resolve_organisation("Takeda Pharma (Japan office) Co., Ltd.")] == [
        (survivor, "also known as “Takeda Pharma (Japan office)”")
    ]
    assert [r.organisation for r in resolve_organisation("", "タケダ日本株式会社")] == [survivor]
    sources = set(survivor.aliases.values_list("source", flat=True))
    assert sources == {OrganisationAlias.Source.MERGE}
    # The survivor's own names are not repeated as aliases.
    assert not survivor.aliases.filter(name__in=["Takeda Pharmaceutical", "武田薬品工業"]).exists()


def test_an_alias_is_recorded_once_and_never_repeats_a_name(takeda):
    assert add_alias(takeda, "TAKEDA PHARMACEUTICAL CO., LTD.") is None  # already its name
    first = add_alias(takeda, "Takeda Yakuhin", source=OrganisationAlias.Source.FORMER)
    assert add_alias(takeda, "Takeda Yakuhin K.K.") == first
    assert takeda.aliases.count() == 1


def test_the_duplicate_finder_offers_the_record_the_resolver_finds(ajinomoto):
    matches = organisation_duplicates(name="", name_native="味の素株式会社")
    assert [m.record for m in matches] == [ajinomoto]
    assert "same name in Japanese" in matches[0].reasons
    kyowa = OrganisationFactory(name="Kyowa Kirin", name_native="協和キリン")
    matches = organisation_duplicates(name="", name_native="ｷｮｳﾜｷﾘﾝ株式会社")
    assert [m.record for m in matches][:1] == [kyowa] and "same reading" in matches[0].reasons


@pytest.mark.parametrize("query", ["タケダ", "たけだ", "ﾀｹﾀﾞ", "Takda"])
def test_the_typeahead_finds_by_reading_and_by_a_typo(client, world, takeda, query):
    OrganisationFactory(name="Takara Bio", name_native="タカラバイオ")
    client.login(username="dave", password=PASSWORD)
    response = client.get(reverse("contacts:organisation-lookup"), {"q": query, "field": "counterpart_organisations"})
    html = response.content.decode()
    assert f'data-id="{takeda.pk}"' in html, html[:2000]


def test_people_are_found_by_the_reading_of_their_japanese_name(client, world):
    sato = PersonFactory(given_name="", family_name="佐藤", name_native="佐藤 健")
    client.login(username="dave", password=PASSWORD)
    response = client.get(reverse("contacts:person-lookup"), {"q": "サトウ", "field": "counterpart_people"})
    assert f'data-id="{sato.pk}"' in response.content.decode()


def test_the_organisation_page_lists_its_other_names(client, world, takeda):
    add_alias(takeda, "Takeda Yakuhin", source=OrganisationAlias.Source.FORMER)
    client.login(username="dave", password=PASSWORD)
    html = client.get(reverse("contacts:organisation-detail", args=[takeda.pk])).content.decode()
    assert "Also known as" in html and '<span title="Former name">Takeda Yakuhin</span>' in html


@pytest.mark.parametrize("query", ["味の素株式会社", "Ajinomoto Co., Inc.", "AJINOMOTO HEALTHCARE"])
def test_the_directory_search_finds_what_the_resolver_names(client, world, ajinomoto, query):
    add_alias(ajinomoto, "Ajinomoto Healthcare", source=OrganisationAlias.Source.FORMER)
    OrganisationFactory(name="Ajinomoto Foods North America")  # not the same company: may be listed, never first
    client.login(username="dave", password=PASSWORD)
    response = client.get(reverse("contacts:organisation-list"), {"q": query})
    assert response.status_code == 200
    assert f'href="/contacts/organisations/{ajinomoto.pk}/"' in response.content.decode()
