"""People carry their organisation's country (for the directory's country filter): it must follow
every way a person or an organisation changes."""

from django.urls import reverse

from contacts.models import Organisation, Person
from contacts.services import organisation_merge

from ..factories import OrganisationFactory, PersonFactory


def country_of(person) -> str:
    return Person.objects.values_list("organisation_country", flat=True).get(pk=person.pk)


def test_a_person_takes_the_country_of_their_organisation_and_follows_a_move(db):
    takeda = OrganisationFactory(name="Takeda", country="JP")
    oxford = OrganisationFactory(name="Oxford University", country="GB")
    ken = PersonFactory(organisation=takeda)
    assert country_of(ken) == "JP"

    ken = Person.objects.get(pk=ken.pk)  # as a form would load him
    ken.organisation_id = oxford.pk
    ken.save(update_fields=["organisation"])
    assert country_of(ken) == "GB"
    ken.organisation = None
    ken.save()
    assert country_of(ken) == ""


def test_an_organisation_moving_country_takes_its_people_along(db):
    org = OrganisationFactory(name="Chugai", country="GB")
    people = PersonFactory.create_batch(3, organisation=org)
    org = Organisation.objects.get(pk=org.pk)
    org.country = "JP"
    org.save()
    assert {country_of(p) for p in people} == {"JP"}


def test_people_of_a_merged_organisation_take_the_survivors_country(world):
    survivor = OrganisationFactory(name="Takeda Pharmaceutical", country="JP")
    duplicate = OrganisationFactory(name="Takeda Pharma UK", country="GB")
    moved = PersonFactory(organisation=duplicate)
    organisation_merge(survivor=survivor, other=duplicate, take_from_other=set(), acting_user=world.alice)
    assert country_of(moved) == "JP"


def test_the_directory_filters_people_by_their_organisations_country(client, world):
    sato = PersonFactory(family_name="Sato", organisation=OrganisationFactory(country="JP"))
    smith = PersonFactory(family_name="Smith", organisation=OrganisationFactory(country="GB"))
    client.force_login(world.alice)
    html = client.get(reverse("contacts:person-list"), {"country": "JP"}).content.decode()
    assert reverse("contacts:person-detail", args=[sato.pk]) in html
    assert reverse("contacts:person-detail", args=[smith.pk]) not in html


def test_deleting_an_organisation_clears_the_country_of_its_people(db):
    org = OrganisationFactory(name="Defunct KK", country="JP")
    person = PersonFactory(organisation=org)
    org.delete()
    assert country_of(person) == ""


def test_saving_other_fields_leaves_the_country_alone(db):
    takeda = OrganisationFactory(name="Takeda", country="JP")
    oxford = OrganisationFactory(name="Oxford", country="GB")
    ken = Person.objects.get(pk=PersonFactory(organisation=takeda).pk)
    ken.organisation = oxford  # changed in memory, but only the phone is saved
    ken.phone = "+81 3 0000 0000"
    ken.save(update_fields=["phone"])
    row = Person.objects.values("organisation_id", "organisation_country").get(pk=ken.pk)
    assert row == {"organisation_id": takeda.pk, "organisation_country": "JP"}
