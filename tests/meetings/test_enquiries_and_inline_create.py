"""Stand enquiries (each assigned one becomes a follow-up) and creating counterparts inline."""

import json
from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from contacts.models import Organisation, Person
from events.models import Enquiry
from followups.models import FollowUp

from ..conftest import PASSWORD
from ..factories import TOKYO

pytestmark = pytest.mark.django_db


def signed_in(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


def enquiry_data(**extra):
    asked = datetime.now(TOKYO).replace(second=0, microsecond=0)
    data = {
        "asked_at": asked.strftime("%Y-%m-%dT%H:%M"),
        "asker_name": "Dr Yamada",
        "category": "setting_up",
        "question": "Where should a Japanese biotech set up in London?",
        "due_on": (asked.date() + timedelta(days=7)).isoformat(),
    }
    data.update(extra)
    return data


def new_enquiry_url(mission):
    return f"{reverse('meetings:enquiry-new')}?mission={mission.pk}"


def test_enquiry_assigned_to_a_delegate_makes_their_followup(client, world, takeda):
    signed_in(client, "alice")
    response = client.post(
        new_enquiry_url(world.mission_a),
        enquiry_data(organisation=str(takeda.pk), assigned_to=str(world.dave_delegate.pk)),
    )
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    followup = FollowUp.objects.get()
    assert enquiry.organisation == takeda and enquiry.assigned_to == world.dave_delegate
    assert followup.enquiry == enquiry and followup.assignee == world.dave_delegate
    assert followup.mission == world.mission_a and "Dr Yamada" in followup.title
    listing = client.get(response["Location"]).content.decode()
    assert "has a follow-up to answer it" in listing
    assert "Where should a Japanese biotech set up in London?" in listing and "武田薬品工業" in listing


def test_unassigned_enquiry_makes_no_followup(client, world):
    signed_in(client, "alice")
    assert client.post(new_enquiry_url(world.mission_a), enquiry_data()).status_code == 302
    assert Enquiry.objects.count() == 1 and FollowUp.objects.count() == 0


@pytest.mark.parametrize(
    "override, message",
    [
        ({"question": ""}, "This field is required"),
        ({"asker_name": ""}, "Say who asked"),
        ({"organisation": "abc"}, "could not be found"),
        ({"assigned_to": "999999"}, "Select a valid choice"),
        ({"due_on": "2000-01-01"}, "can&#x27;t be due before"),
        ({"category": "gossip"}, "Select a valid choice"),
    ],
)
def test_bad_enquiry_gets_a_message_keeps_input_writes_nothing(client, world, override, message):
    signed_in(client, "alice")
    response = client.post(new_enquiry_url(world.mission_a), enquiry_data(**override))
    html = response.content.decode()
    assert response.status_code == 200 and message in html
    if override.get("question") != "":
        assert "Where should a Japanese biotech set up in London?" in html
    assert Enquiry.objects.count() == 0 and FollowUp.objects.count() == 0


def test_delegate_assigns_enquiries_only_to_themselves(client, world):
    alice_delegate = world.mission_a.delegates.get(person__user=world.alice)
    signed_in(client, "dave")
    response = client.post(new_enquiry_url(world.mission_a), enquiry_data(assigned_to=str(alice_delegate.pk)))
    assert response.status_code == 200 and "assigned_to" in response.context["form"].errors
    assert (
        client.post(new_enquiry_url(world.mission_a), enquiry_data(assigned_to=str(world.dave_delegate.pk))).status_code
        == 302
    )
    assert FollowUp.objects.get().assignee == world.dave_delegate


def test_enquiries_of_another_mission_stay_hidden(client, world):
    signed_in(client, "alice")
    client.post(new_enquiry_url(world.mission_a), enquiry_data())
    signed_in(client, "erin")
    response = client.get(reverse("meetings:enquiry-list"), {"mission": world.mission_a.pk})
    assert response.status_code == 404
    assert client.post(new_enquiry_url(world.mission_a), enquiry_data()).status_code == 404
    assert Enquiry.objects.count() == 1


def test_enquiry_list_query_count_is_constant(client, world, django_assert_num_queries):
    signed_in(client, "alice")
    counts = []
    for _ in range(2):
        for _ in range(5):
            client.post(new_enquiry_url(world.mission_a), enquiry_data(assigned_to=str(world.dave_delegate.pk)))
        with django_assert_num_queries(7) as captured:
            client.get(reverse("meetings:enquiry-list"), {"mission": world.mission_a.pk})
        counts.append(len(captured))
    assert counts[0] == counts[1]


# Inline creation of counterparts (htmx)


def test_new_organisation_inline_prefills_japanese_and_announces_the_pick(client, world):
    signed_in(client, "dave")
    url = reverse("contacts:organisation-create-inline")
    form = client.get(url, {"q": "武田", "field": "counterpart_organisations"}, headers={"HX-Request": "true"})
    assert form.context["form"].initial["name_native"] == "武田"
    response = client.post(
        url,
        {
            "field": "counterpart_organisations",
            "neworg-name": "Takeda Pharmaceutical",
            "neworg-name_native": "武田薬品工業",
            "neworg-country": "JP",
            "neworg-kind": "company",
        },
        headers={"HX-Request": "true"},
    )
    org = Organisation.objects.get(name="Takeda Pharmaceutical")
    assert org.created_by == world.dave and org.search_grams  # indexed for the typeahead at once
    picked = json.loads(response["HX-Trigger"])["crm:picked"]
    assert picked == {
        "field": "counterpart_organisations",
        "id": org.pk,
        "label": "Takeda Pharmaceutical (武田薬品工業)",
    }


def test_new_organisation_inline_without_a_name_or_with_a_bad_kind_is_refused(client, world):
    signed_in(client, "dave")
    url = reverse("contacts:organisation-create-inline")
    response = client.post(url, {"neworg-name": " ", "neworg-kind": "company"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "HX-Trigger" not in response
    assert "Give the organisation&#x27;s name in Latin letters or in Japanese." in response.content.decode()
    response = client.post(
        url, {"neworg-name_native": "武田薬品工業", "neworg-kind": "spaceship"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "HX-Trigger" not in response
    assert "Select a valid choice" in response.content.decode()
    assert "武田薬品工業" in response.content.decode()
    assert not Organisation.objects.filter(name_native="武田薬品工業").exists()


def test_new_person_inline_joins_a_picked_organisation(client, world, takeda):
    signed_in(client, "dave")
    url = reverse("contacts:person-create-inline")
    form = client.get(url, {"q": "佐藤", "counterpart_organisations": [str(takeda.pk)]}, headers={"HX-Request": "true"})
    assert form.context["form"].initial == {
        "name_native": "佐藤",
        "name_order": Person.NameOrder.FAMILY_FIRST,
        "organisation": takeda.pk,
    }
    response = client.post(
        url,
        {
            "field": "counterpart_people",
            "picked_organisations": [str(takeda.pk)],
            "newperson-family_name": "Sato",
            "newperson-given_name": "Ken",
            "newperson-name_native": "佐藤 健",
            "newperson-name_order": "family_first",
            "newperson-organisation": str(takeda.pk),
            "newperson-email": "not-an-email",
        },
        headers={"HX-Request": "true"},
    )
    assert (
        "Enter a valid email address" in response.content.decode()
        and not Person.objects.filter(family_name="Sato").exists()
    )
    response = client.post(
        url,
        {
            "field": "counterpart_people",
            "picked_organisations": [str(takeda.pk)],
            "newperson-family_name": "Sato",
            "newperson-given_name": "Ken",
            "newperson-name_native": "佐藤 健",
            "newperson-name_order": "family_first",
            "newperson-organisation": str(takeda.pk),
        },
        headers={"HX-Request": "true"},
    )
    person = Person.objects.get(family_name="Sato")
    assert person.organisation == takeda
    assert json.loads(response["HX-Trigger"])["crm:picked"]["label"] == "Sato Ken (佐藤 健)"
