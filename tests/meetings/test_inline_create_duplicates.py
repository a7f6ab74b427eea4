"""Creating a counterpart from the meeting form checks, like the directory's add page, whether we have it."""

import json

import pytest
from django.urls import reverse

from contacts.models import Organisation

from ..conftest import PASSWORD, login
from ..factories import OrganisationFactory

URL = reverse("contacts:organisation-create-inline")
HTMX = {"HX-Request": "true"}


@pytest.fixture
def ajinomoto(db):
    return OrganisationFactory(name="Ajinomoto", name_native="味の素", country="JP")


def post(client, **values):
    data = {"field": "counterpart_organisations", "neworg-kind": "company"}
    data.update({key if key in ("use", "create_anyway") else f"neworg-{key}": value for key, value in values.items()})
    return client.post(URL, data, headers=HTMX)


def test_a_company_we_have_is_offered_instead_of_created(client, world, ajinomoto):
    client.login(username="dave", password=PASSWORD)
    before = Organisation.objects.count()
    response = post(client, name_native="味の素株式会社")
    html = response.content.decode()
    assert "HX-Trigger" not in response and "We may already have this organisation" in html
    assert "Ajinomoto (味の素)" in html and "same name in Japanese" in html
    assert 'value="味の素株式会社"' in html  # what was typed stays in the form
    assert Organisation.objects.count() == before

    picked = post(client, name_native="味の素株式会社", use=str(ajinomoto.pk))
    assert json.loads(picked["HX-Trigger"])["crm:picked"]["id"] == ajinomoto.pk
    assert Organisation.objects.count() == before


def test_create_anyway_creates_and_a_japanese_name_alone_is_enough(client, world, ajinomoto):
    client.login(username="dave", password=PASSWORD)
    response = post(client, name_native="味の素株式会社", create_anyway="1")
    created = Organisation.objects.get(pk=json.loads(response["HX-Trigger"])["crm:picked"]["id"])
    assert (created.name, created.name_native) == ("味の素株式会社", "味の素株式会社")
    assert str(created) == "味の素株式会社"


@pytest.mark.parametrize("use", ["999999", "abc", "-1", "1" * 40])
def test_using_an_unknown_or_bad_id_creates_nothing_without_asking(client, world, ajinomoto, use):
    client.login(username="dave", password=PASSWORD)
    before = Organisation.objects.count()
    response = post(client, name_native="味の素", use=use)
    assert response.status_code == 200 and "HX-Trigger" not in response
    assert "We may already have this organisation" in response.content.decode()
    assert Organisation.objects.count() == before


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_inline_create_on_a_phone_warns_about_a_company_typed_in_japanese(phone_page, world, partnering):
    ajinomoto = OrganisationFactory(name="Ajinomoto", name_native="味の素", country="JP")
    page = phone_page
    login(page, "alice")
    page.goto(reverse("meetings:log"))
    orgs = page.locator('[data-typeahead][data-field="counterpart_organisations"]')
    orgs.get_by_role("combobox").fill("味の素株式会社")
    orgs.get_by_role("option", name="New organisation “味の素株式会社”").click()
    create = orgs.locator(".inline-create")
    create.get_by_role("button", name="Add organisation").click()
    warning = create.get_by_test_id("duplicate-warning")
    warning.wait_for()
    assert "Ajinomoto (味の素)" in warning.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    warning.get_by_role("button", name="Use this one").click()
    chip = orgs.get_by_test_id("counterpart_organisations-chips").locator(".chip")
    chip.wait_for()
    assert chip.inner_text() == "Ajinomoto (味の素)"
    assert Organisation.objects.filter(name_native__startswith="味の素").count() == 1
    assert ajinomoto.pk == int(orgs.locator('input[type="hidden"][name="counterpart_organisations"]').input_value())


PERSON_URL = reverse("contacts:person-create-inline")


def post_person(client, **values):
    data = {"field": "counterpart_people", "newperson-name_order": "given_first"}
    data.update(
        {key if key in ("use", "create_anyway") else f"newperson-{key}": value for key, value in values.items()}
    )
    return client.post(PERSON_URL, data, headers=HTMX)


def test_a_person_we_have_is_offered_and_a_japanese_name_alone_is_enough(client, world):
    from contacts.models import Person

    from ..factories import PersonFactory

    sato = PersonFactory(given_name="Ken", family_name="Sato", name_native="佐藤 健", email="k.sato@example.jp")
    client.login(username="dave", password=PASSWORD)
    before = Person.objects.count()
    html = post_person(client, name_native="佐藤健").content.decode()
    assert "We may already have this person" in html and "Ken Sato (佐藤 健)" in html
    assert Person.objects.count() == before
    picked = post_person(client, name_native="佐藤健", use=str(sato.pk))
    assert json.loads(picked["HX-Trigger"])["crm:picked"]["id"] == sato.pk

    created = post_person(client, name_native="田中 裕子")
    person = Person.objects.get(pk=json.loads(created["HX-Trigger"])["crm:picked"]["id"])
    assert (person.family_name, person.given_name, person.name_order) == ("田中", "裕子", "family_first")
    assert person.full_name == "田中 裕子"
    assert "Give the person&#x27;s family name" in post_person(client, given_name="Ken").content.decode()
