"""Creating and editing missions: who may, what becomes of the creator, and bad input."""

import pytest
from django.urls import reverse

from contacts.models import Person, User
from events.models import Delegate, Mission

from ..factories import OrganisationFactory, UserFactory

CREATE = reverse("events:mission-create")


def mission_data(**overrides):
    data = {
        "title": "Life sciences mission to Osaka",
        "direction": "outbound",
        "status": "planning",
        "destination_country": "JP",
        "destination_city": "Osaka",
        "start_date": "2026-10-12",
        "end_date": "2026-10-16",
        "time_zone": "Asia/Tokyo",
        "programme": "",
        "reminder_offsets": "1, 7, 30",
    }
    data.update(overrides)
    return data


def test_organiser_creates_a_mission_and_becomes_its_organiser(as_user, world):
    lead, partner = OrganisationFactory(name="MedCity"), OrganisationFactory(name="LINK-J")
    response = as_user(world.alice).post(
        CREATE, mission_data(lead_organisations=[lead.pk], partner_organisations=[partner.pk])
    )
    mission = Mission.objects.get(title="Life sciences mission to Osaka")
    assert response.status_code == 302 and response.url == reverse("events:mission-detail", args=[mission.pk])
    assert list(mission.lead_organisations.all()) == [lead]
    assert list(mission.partner_organisations.all()) == [partner]
    assert mission.reminder_offsets == [1, 7, 30]
    assert mission.created_by == world.alice
    delegate = mission.delegates.get()
    assert delegate.person == world.alice.person and delegate.role == Delegate.Role.ORGANISER
    # and she can go on managing it
    assert as_user(world.alice).get(reverse("events:mission-edit", args=[mission.pk])).status_code == 200


def test_organiser_without_a_person_record_gets_one(as_user, db):
    olga = UserFactory(username="olga", first_name="Olga", last_name="Novak", role=User.Role.ORGANISER)
    assert not Person.objects.filter(user=olga).exists()
    as_user(olga).post(CREATE, mission_data())
    person = Person.objects.get(user=olga)
    assert (person.given_name, person.family_name, person.email) == ("Olga", "Novak", olga.email)
    assert Mission.objects.get().delegates.get().person == person


def test_organiser_with_an_unlinked_person_of_the_same_email_is_linked_not_duplicated(as_user, db):
    olga = UserFactory(username="olga", email="olga@example.org", role=User.Role.ORGANISER)
    known = Person.objects.create(family_name="Novak", email="Olga@Example.org")
    as_user(olga).post(CREATE, mission_data())
    known.refresh_from_db()
    assert known.user == olga
    assert Person.objects.filter(family_name="Novak").count() == 1


def test_manager_creates_a_mission_without_joining_it(as_user, world):
    as_user(world.mary).post(CREATE, mission_data())
    assert Mission.objects.get(title="Life sciences mission to Osaka").delegates.count() == 0


@pytest.mark.parametrize("persona", ["dave", "erin", "nobody"])
def test_delegates_cannot_create_missions(as_user, world, persona):
    client = as_user(getattr(world, persona))
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, mission_data()).status_code == 403
    assert not Mission.objects.filter(title="Life sciences mission to Osaka").exists()


@pytest.mark.parametrize(
    ("offsets", "message"),
    [
        ("1, -3, x", "“-3” is not a positive number of days; “x” is not a whole number of days"),
        ("0", "“0” is not a positive number of days"),
        ("7, 400", "“400” is more than a year"),
        ("1.5", "“1.5” is not a whole number of days"),
    ],
)
def test_bad_reminder_offsets_are_refused_and_the_input_kept(as_user, world, offsets, message):
    response = as_user(world.alice).post(CREATE, mission_data(reminder_offsets=offsets))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert f'value="{offsets}"' in page  # what they typed is still there
    assert "Life sciences mission to Osaka" in page
    assert not Mission.objects.filter(title="Life sciences mission to Osaka").exists()


@pytest.mark.parametrize(("typed", "stored"), [("30, 7, 1, 7", [1, 7, 30]), ("2;14", [2, 14]), ("", [])])
def test_reminder_offsets_are_tidied(as_user, world, typed, stored):
    as_user(world.alice).post(CREATE, mission_data(reminder_offsets=typed))
    assert Mission.objects.get(title="Life sciences mission to Osaka").reminder_offsets == stored


def test_end_before_start_is_refused(as_user, world):
    response = as_user(world.alice).post(CREATE, mission_data(start_date="2026-10-16", end_date="2026-10-12"))
    assert response.status_code == 200
    assert "The mission must end on or after its first day." in response.content.decode()


@pytest.mark.parametrize(
    "overrides",
    [
        {"lead_organisations": ["abc"]},
        {"lead_organisations": ["999999999"]},
        {"time_zone": "Mars/Olympus"},
        {"start_date": "2026-02-30"},
        {"destination_country": "XX"},
        {"title": ""},
    ],
)
def test_malformed_input_is_a_form_error_not_a_crash(as_user, world, overrides):
    response = as_user(world.alice).post(CREATE, mission_data(**overrides))
    assert response.status_code == 200
    assert "Please correct the highlighted fields." in response.content.decode()
    assert not Mission.objects.filter(title="Life sciences mission to Osaka").exists()


def test_lead_and_partner_cannot_be_the_same_organisation(as_user, world):
    org = OrganisationFactory(name="MedCity")
    response = as_user(world.alice).post(
        CREATE, mission_data(lead_organisations=[org.pk], partner_organisations=[org.pk])
    )
    assert "MedCity is already a lead organisation." in response.content.decode()


def test_edit_shows_offsets_as_text_and_saves(as_user, world):
    mission = world.mission_a
    url = reverse("events:mission-edit", args=[mission.pk])
    page = as_user(world.alice).get(url).content.decode()
    assert 'value="1, 7, 30"' in page
    response = as_user(world.alice).post(
        url,
        mission_data(
            title="UK delegation to BioJapan 2026",
            start_date=mission.start_date.isoformat(),
            end_date=mission.end_date.isoformat(),
            reminder_offsets="2, 10",
            time_zone="Europe/London",
        ),
    )
    assert response.status_code == 302
    mission.refresh_from_db()
    assert (mission.title, mission.reminder_offsets, mission.time_zone) == (
        "UK delegation to BioJapan 2026",
        [2, 10],
        "Europe/London",
    )
    assert mission.modified_by == world.alice
    assert mission.history.first().title == "UK delegation to BioJapan 2026"


@pytest.mark.parametrize(
    ("persona", "mission", "status"),
    [
        ("alice", "mission_a", 200),
        ("mary", "mission_b", 200),
        ("oliver", "mission_b", 200),
        ("dave", "mission_a", 403),  # sees it, may not change it
        ("alice", "mission_b", 404),  # may not even see it
        ("oliver", "mission_a", 404),
        ("erin", "mission_a", 404),
    ],
)
def test_who_may_edit(as_user, world, persona, mission, status):
    url = reverse("events:mission-edit", args=[getattr(world, mission).pk])
    client = as_user(getattr(world, persona))
    assert client.get(url).status_code == status
    title = getattr(world, mission).title
    assert client.post(url, mission_data(title="Hijacked")).status_code == (302 if status == 200 else status)
    assert Mission.objects.filter(title="Hijacked").exists() is (status == 200)
    assert Mission.objects.filter(title=title).exists() is (status != 200)
