"""Every change is recorded (who, when, what from what to what) and shown as a history tab."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.history import history_entries, history_user_for
from events.models import Mission
from followups.models import FollowUp

from ..conftest import PASSWORD
from ..factories import OrganisationFactory, SectorFactory


def change_mission(mission, user, **fields):
    for name, value in fields.items():
        setattr(mission, name, value)
    history_user_for(mission, user)
    mission.save()


def test_entries_say_who_changed_what_from_what_to_what(world):
    mission = world.mission_a
    change_mission(mission, world.alice, status=Mission.Status.CONFIRMED, destination_city="Tokyo")
    entries = history_entries(mission)
    latest = entries[0]
    assert latest.action == "Changed"
    assert latest.who == str(world.alice)
    changes = {c.label: (c.old, c.new) for c in latest.changes}
    assert changes["Status"] == ("Planning", "Confirmed")  # choice labels, not codes
    assert changes["Destination city"] == ("Yokohama", "Tokyo")
    assert entries[-1].action == "Created"


def test_related_records_are_named_and_many_to_many_changes_listed(world):
    mission = world.mission_a
    medcity = OrganisationFactory(name="MedCity")
    bia = OrganisationFactory(name="BioIndustry Association")
    history_user_for(mission, world.alice)
    mission.lead_organisations.add(medcity, bia)
    history_user_for(mission, world.alice)
    mission.lead_organisations.remove(bia)
    entries = history_entries(mission)
    removed, added = entries[0].changes[0], entries[1].changes[0]
    assert added.label == "Lead organisations" and sorted(added.added) == ["BioIndustry Association", "MedCity"]
    assert removed.removed == ["BioIndustry Association"] and removed.added == []

    followup = world.followup
    followup.assignee = world.dave_delegate.__class__.objects.create(
        mission=world.mission_a, person=world.person, role="delegate"
    )
    history_user_for(followup, world.alice)
    followup.save()
    change = next(c for c in history_entries(followup)[0].changes if c.label == "Assignee")
    assert world.dave.last_name in change.old and "Sato" in change.new


def test_a_change_made_in_the_browser_records_the_signed_in_user(client, world):
    client.login(username="mary", password=PASSWORD)
    client.post(
        reverse("followups:privacy-consent", args=[world.person.pk]),
        {"consent": "given", "lawful_basis": "consent", "source": "registration form"},
    )
    entry = history_entries(world.person)[0]
    assert entry.who == str(world.mary)
    assert {c.label for c in entry.changes} >= {"Consent", "Lawful basis", "Consent source"}


def test_a_save_that_changes_nothing_is_not_listed(world):
    before = len(history_entries(world.mission_a))
    world.mission_a.save()
    assert len(history_entries(world.mission_a)) == before


def test_the_history_tab_shows_the_changes(client, world):
    change_mission(world.mission_a, world.alice, programme="Symposium in Tokyo, then BioJapan in Yokohama.")
    client.login(username="dave", password=PASSWORD)
    html = client.get(reverse("events:mission-history", args=[world.mission_a.pk])).content.decode()
    assert "History of mission" in html
    assert str(world.alice) in html
    assert "Symposium in Tokyo, then BioJapan in Yokohama." in html
    detail = client.get(reverse("events:mission-detail", args=[world.mission_a.pk])).content.decode()
    assert reverse("events:mission-history", args=[world.mission_a.pk]) in detail


def test_history_pages_of_events_followups_and_outcomes(client, world):
    client.login(username="alice", password=PASSWORD)
    world.followup.status = FollowUp.Status.DONE
    world.followup.completed_at = world.followup.created_at + timedelta(days=1)
    world.followup.completion_note = "Sent the co-location pack."
    world.followup.save()
    for name, obj in [
        ("events:event-history", world.event),
        ("followups:followup-history", world.followup),
        ("followups:outcome-history", world.outcome),
    ]:
        response = client.get(reverse(name, args=[obj.pk]))
        assert response.status_code == 200
        assert "Created" in response.content.decode()
    html = client.get(reverse("followups:followup-history", args=[world.followup.pk])).content.decode()
    assert "Sent the co-location pack." in html and "Done" in html


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_history_page_takes_the_same_number_of_queries_for_many_changes(client, world):
    mission = world.mission_a
    url = reverse("events:mission-history", args=[mission.pk])
    client.login(username="mary", password=PASSWORD)
    change_mission(mission, world.alice, destination_city="Tokyo")
    mission.sectors.add(SectorFactory())
    mission.partner_organisations.add(OrganisationFactory())
    few = count_queries(client, url)
    for n in range(15):
        change_mission(mission, world.alice if n % 2 else world.mary, destination_city=f"City {n}")
        mission.sectors.add(SectorFactory())
        mission.partner_organisations.add(OrganisationFactory())
    assert count_queries(client, url) == few


def test_history_pages_lead_back_to_the_record(client, world):
    client.login(username="alice", password=PASSWORD)
    for history, back in [
        (reverse("events:event-history", args=[world.event.pk]), reverse("events:event-detail", args=[world.event.pk])),
        (
            reverse("followups:followup-history", args=[world.followup.pk]),
            reverse("followups:followup-detail", args=[world.followup.pk]),
        ),
        (
            reverse("followups:outcome-history", args=[world.outcome.pk]),
            reverse("followups:mission-outcomes", args=[world.outcome.mission_id]),
        ),
    ]:
        html = client.get(history).content.decode()
        breadcrumb = html[html.index('class="breadcrumb"') : html.index("</nav>", html.index('class="breadcrumb"'))]
        assert f'href="{back}"' in breadcrumb, history


def test_one_mission_edit_with_organisations_is_one_entry(world):
    from events.services import mission_update

    medcity = OrganisationFactory(name="MedCity")
    before = len(history_entries(world.mission_a))
    mission_update(
        mission=world.mission_a,
        modified_by=world.alice,
        lead_organisations=[medcity],
        partner_organisations=[],
        sectors=[],
        destination_city="Tokyo",
    )
    entries = history_entries(world.mission_a)
    assert len(entries) == before + 1
    labels = {c.label for c in entries[0].changes}
    assert {"Destination city", "Lead organisations"} <= labels
    assert entries[0].who == str(world.alice)
