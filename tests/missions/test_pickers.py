"""Pickers among every person or organisation (roster, event speakers and hosts, outcome
organisations): a typeahead that holds only what is picked, checks the submitted ids, and
without JavaScript lists the matches of the typed text to pick from."""

import re

import pytest
from django.urls import reverse

from events.models import Delegate, Event
from followups.models import Outcome

from ..factories import OrganisationFactory, PersonFactory
from .test_events import event_data

pytestmark = pytest.mark.django_db


def add_url(mission):
    return reverse("events:delegate-add", args=[mission.pk])


def chips(page, field):
    return re.search(rf'data-testid="{field}-chips">(.*?)</ul>', page, re.S).group(1)


@pytest.fixture
def crowd(db):
    """Directory records nobody picks: a page must not list them."""
    return [PersonFactory(family_name=f"Bystander{i}") for i in range(5)]


def test_roster_picker_lists_nobody_and_saves_the_picked_person(as_user, world, crowd):
    client = as_user(world.alice)
    page = client.get(add_url(world.mission_a)).content.decode()
    assert "Bystander" not in page and "<option" not in page.split('name="person_q"')[0].split("data-when")[1]
    person = PersonFactory(given_name="Ken", family_name="Sato", name_native="佐藤 健")
    response = client.post(add_url(world.mission_a), {"who": "existing", "person": person.pk, "role": "delegate"})
    assert response.status_code == 302
    assert world.mission_a.delegates.filter(person=person, role=Delegate.Role.DELEGATE).exists()


@pytest.mark.parametrize("bad", ["999999", "abc", "99999999999999999999999"])
def test_roster_picker_refuses_a_bad_id_with_a_message(as_user, world, bad):
    before = Delegate.objects.count()
    response = as_user(world.alice).post(
        add_url(world.mission_a), {"who": "existing", "person": bad, "role": "delegate"}
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert Delegate.objects.count() == before


def test_roster_picker_without_javascript_lists_matches_then_saves(as_user, world, crowd):
    person = PersonFactory(given_name="Ken", family_name="Sato", name_native="佐藤 健")
    client = as_user(world.alice)
    response = client.post(add_url(world.mission_a), {"who": "existing", "person_q": "佐藤", "role": "delegate"})
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="person-matches"' in page
    assert re.search(rf'type="radio" name="person" value="{person.pk}"', page) and "Bystander" not in page
    response = client.post(add_url(world.mission_a), {"who": "existing", "person": person.pk, "role": "delegate"})
    assert response.status_code == 302 and world.mission_a.delegates.filter(person=person).exists()


def test_new_persons_organisation_is_picked_by_id(as_user, world):
    org = OrganisationFactory(name="Imperial College London")
    OrganisationFactory(name="Decoy University")
    client = as_user(world.alice)
    assert "Decoy University" not in client.get(add_url(world.mission_a)).content.decode()
    data = {"who": "new", "given_name": "Aiko", "family_name": "Tanaka", "organisation": org.pk, "role": "delegate"}
    assert client.post(add_url(world.mission_a), data).status_code == 302
    assert world.mission_a.delegates.get(person__family_name="Tanaka").person.organisation == org


def test_event_speakers_and_hosts_are_picked_and_shown_by_name(as_user, world, crowd):
    day = world.mission_a.start_date
    speaker, host = PersonFactory(family_name="Ces"), OrganisationFactory(name="LINK-J")
    client = as_user(world.alice)
    page = client.get(reverse("events:event-create", args=[world.mission_a.pk])).content.decode()
    assert "Bystander" not in page and "LINK-J" not in page
    data = event_data(starts_local=f"{day}T13:00", ends_local=f"{day}T18:00", speakers=[speaker.pk], co_hosts=[host.pk])
    assert client.post(reverse("events:event-create", args=[world.mission_a.pk]), data).status_code == 302
    event = Event.objects.get(title=data["title"])
    assert list(event.speakers.all()) == [speaker] and list(event.co_hosts.all()) == [host]
    page = client.get(reverse("events:event-edit", args=[event.pk])).content.decode()
    assert speaker.full_name in chips(page, "speakers") and "LINK-J" in chips(page, "co_hosts")
    assert "Bystander" not in page
    data["speakers"] = [speaker.pk, 999999]
    response = client.post(reverse("events:event-edit", args=[event.pk]), data)
    assert response.status_code == 200 and "999999 is not one of the available choices" in response.content.decode()


def test_outcome_organisations_are_picked_saved_and_checked(as_user, world):
    takeda = OrganisationFactory(name="Takeda Pharmaceutical")
    OrganisationFactory(name="Decoy Holdings")
    client = as_user(world.alice)
    url = reverse("followups:outcome-create", args=[world.mission_a.pk])
    assert "Decoy Holdings" not in client.get(url).content.decode()
    data = {"kind": Outcome.Kind.DEAL, "title": "Research agreement", "achieved_on": world.mission_a.end_date}
    response = client.post(url, {**data, "organisations": ["999999"]})
    assert response.status_code == 200 and "is not one of the available choices" in response.content.decode()
    assert client.post(url, {**data, "organisations": [takeda.pk]}).status_code == 302
    outcome = Outcome.objects.get(title="Research agreement")
    assert list(outcome.organisations.all()) == [takeda]
    page = client.get(reverse("followups:outcome-edit", args=[outcome.pk])).content.decode()
    assert "Takeda Pharmaceutical" in chips(page, "organisations") and "Decoy Holdings" not in page
