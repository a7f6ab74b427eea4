"""Adding and editing organisations and people: duplicate warnings before
anything is saved, bad input re-shown with a message, who may edit."""

import pytest
from django.urls import reverse

from contacts.models import Organisation, Person

ADD_ORG = "/contacts/organisations/new/"
ADD_PERSON = "/contacts/people/new/"


def org_data(**overrides):
    return {"name": "", "name_native": "", "name_reading": "", "kind": "company", "country": "JP", "city": ""} | {
        "website": "",
        "notes": "",
        **overrides,
    }


def person_data(**overrides):
    return {
        "given_name": "",
        "family_name": "",
        "name_order": "given_first",
        "time_zone": "Asia/Tokyo",
        "consent": "unknown",
        **overrides,
    }


def warning_names(response):
    return [match.record.pk for match in response.context["duplicates"]]


def test_delegate_adds_an_organisation_with_who_and_history(as_user, world, directory):
    client = as_user(world.dave)
    sector = directory.takeda.sectors.get()
    response = client.post(ADD_ORG, org_data(name="Astellas Pharma", name_native="アステラス製薬", sectors=[sector.pk]))
    astellas = Organisation.objects.get(name="Astellas Pharma")
    assert response.status_code == 302 and response["Location"] == reverse(
        "contacts:organisation-detail", args=[astellas.pk]
    )
    assert astellas.created_by == world.dave and astellas.modified_by == world.dave
    assert list(astellas.sectors.all()) == [sector]
    assert {h.history_user for h in astellas.history.all()} == {world.dave}  # the row, then its sectors


@pytest.mark.parametrize("name", ["", "   "])
def test_blank_name_is_refused_and_the_input_kept(as_user, world, name):
    response = as_user(world.dave).post(ADD_ORG, org_data(name=name, name_native="名前なし", city="Osaka"))
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert 'value="Osaka"' in response.content.decode()
    assert not Organisation.objects.filter(city="Osaka").exists()


def test_bad_choices_and_urls_are_refused(as_user, world):
    response = as_user(world.dave).post(ADD_ORG, org_data(name="X Corp", kind="spaceship", website="not a url::"))
    html = response.content.decode()
    assert response.status_code == 200 and "Select a valid choice" in html and "Enter a valid URL" in html
    assert not Organisation.objects.filter(name="X Corp").exists()


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ({"name": "Takeda Pharmaceuticals"}, "similar name"),
        ({"name": "Takeda Pharma"}, "similar name"),
        ({"name": "武田薬品"}, "similar name"),  # Japanese typed in the Latin field
        ({"name": "TPC", "name_native": "武田薬品工業"}, "same name in native script"),
        ({"name": "TPC", "name_native": "武田 薬品工業"}, "same name in native script"),
        ({"name": "TPC Japan", "website": "http://takeda.com/jp/"}, "same website"),
    ],
)
def test_organisation_that_looks_like_an_existing_one_warns_first(as_user, world, directory, typed, reason):
    client = as_user(world.dave)
    before = Organisation.objects.count()
    response = client.post(ADD_ORG, org_data(**typed))
    assert response.status_code == 200
    assert warning_names(response) == [directory.takeda.pk]
    assert reason in response.context["duplicates"][0].reasons
    html = response.content.decode()
    assert "already in the directory" in html and "Create anyway" in html
    assert reverse("contacts:organisation-detail", args=[directory.takeda.pk]) in html
    assert Organisation.objects.count() == before
    # The user insists: it is a different organisation
    response = client.post(ADD_ORG, org_data(create_anyway="1", **typed))
    assert response.status_code == 302 and Organisation.objects.count() == before + 1


def test_different_organisation_is_created_without_a_warning(as_user, world, directory):
    response = as_user(world.dave).post(ADD_ORG, org_data(name="Kyowa Kirin", name_native="協和キリン"))
    assert response.status_code == 302


def test_merged_records_are_not_offered_as_duplicates(as_user, world, directory):
    directory.kyoto.merged_into = directory.takeda
    directory.kyoto.save()
    response = as_user(world.dave).post(ADD_ORG, org_data(name="Kyoto University"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ({"given_name": "Ken", "family_name": "Satou"}, "similar name"),
        ({"given_name": "Sato", "family_name": "Ken"}, "similar name"),  # typed in Japanese order
        ({"given_name": "K", "family_name": "S", "name_native": "佐藤健"}, "same name in native script"),
        ({"given_name": "Kenji", "family_name": "Suzuki", "email": "KEN.SATO@takeda.example"}, "same email"),
    ],
)
def test_person_that_looks_like_an_existing_one_warns_first(as_user, world, directory, typed, reason):
    client = as_user(world.dave)
    before = Person.objects.count()
    response = client.post(ADD_PERSON, person_data(**typed))
    assert response.status_code == 200
    assert directory.sato.pk in warning_names(response)
    match = next(m for m in response.context["duplicates"] if m.record.pk == directory.sato.pk)
    assert reason in match.reasons
    assert Person.objects.count() == before
    assert client.post(ADD_PERSON, person_data(create_anyway="1", **typed)).status_code == 302
    assert Person.objects.count() == before + 1


def test_blank_family_name_is_refused(as_user, world):
    response = as_user(world.dave).post(ADD_PERSON, person_data(given_name="Aiko", email="aiko@example.jp"))
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert 'value="aiko@example.jp"' in response.content.decode()
    assert not Person.objects.filter(email="aiko@example.jp").exists()


def test_person_form_starts_at_the_organisation(as_user, world, directory):
    response = as_user(world.dave).get(ADD_PERSON, {"organisation": directory.takeda.pk})
    assert response.context["form"].initial["organisation"] == str(directory.takeda.pk)
    assert as_user(world.dave).get(ADD_PERSON, {"organisation": "'x"}).status_code == 200


def test_delegates_may_not_edit_existing_records(as_user, world, directory):
    client = as_user(world.dave)
    url = reverse("contacts:organisation-update", args=[directory.takeda.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, org_data(name="Hacked")).status_code == 403
    assert (
        client.post(
            reverse("contacts:person-update", args=[directory.sato.pk]), person_data(family_name="X")
        ).status_code
        == 403
    )
    directory.takeda.refresh_from_db()
    assert directory.takeda.name == "Takeda Pharmaceutical"
    html = client.get(reverse("contacts:organisation-detail", args=[directory.takeda.pk])).content.decode()
    assert url not in html  # no Edit button for them


def test_organiser_edits_and_history_records_it(as_user, world, directory):
    client = as_user(world.alice)
    url = reverse("contacts:organisation-update", args=[directory.takeda.pk])
    response = client.post(
        url, org_data(name="Takeda Pharmaceutical Company", name_native="武田薬品工業", city="Osaka")
    )
    assert response.status_code == 302
    directory.takeda.refresh_from_db()
    assert directory.takeda.city == "Osaka" and directory.takeda.modified_by == world.alice
    assert directory.takeda.history.first().history_user == world.alice


def test_organisation_cannot_become_its_own_grandparent(as_user, world, directory):
    directory.kyoto.parent = directory.takeda
    directory.kyoto.save()
    url = reverse("contacts:organisation-update", args=[directory.takeda.pk])
    response = as_user(world.alice).post(url, org_data(name="Takeda Pharmaceutical", parent=directory.kyoto.pk))
    assert response.status_code == 200 and "its own parent" in response.content.decode()
    directory.takeda.refresh_from_db()
    assert directory.takeda.parent is None


def test_organiser_edits_a_person_keeping_name_order(as_user, world, directory):
    url = reverse("contacts:person-update", args=[directory.sato.pk])
    data = person_data(given_name="Ken", family_name="Sato", name_native="佐藤 健", name_order="family_first")
    response = as_user(world.alice).post(url, data | {"job_title": "Head of BD", "email": "ken.sato@takeda.example"})
    assert response.status_code == 302
    directory.sato.refresh_from_db()
    assert directory.sato.job_title == "Head of BD" and directory.sato.full_name == "Sato Ken"


def test_native_script_overlap_is_found_without_trigrams(world, directory):
    """Two-character names and partial native names match by plain containment, whatever the locale."""
    from contacts.duplicates import organisation_duplicates, person_duplicates

    matches = person_duplicates(family_name="X", name_native="佐藤")
    assert [m.record.pk for m in matches] == [directory.sato.pk]
    assert "similar name in native script" in matches[0].reasons
    matches = organisation_duplicates(name="Zzz", name_native="武田薬品工業株式会社")
    assert directory.takeda.pk in [m.record.pk for m in matches]
    assert organisation_duplicates(name="Zzz", name_native="武") == []
