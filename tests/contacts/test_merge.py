"""Merging duplicates moves every relation in every app to the survivor, in
one transaction, and keeps the other record as a trace with its history."""

import pytest
from django.urls import reverse

from contacts.models import Organisation, Person
from contacts.services import MergeRefused, organisation_merge, person_merge
from events.models import Delegate

from ..factories import (
    DelegateFactory,
    EnquiryFactory,
    EventFactory,
    FollowUpFactory,
    MeetingFactory,
    OrganisationFactory,
    OutcomeFactory,
    PersonFactory,
    SectorFactory,
    UserFactory,
)


@pytest.fixture
def twin(world, directory):
    """A second Takeda, entered at the stand, with links in every app."""
    twin = OrganisationFactory(name="Takeda Pharma KK", country="JP", city="Osaka", website="https://takeda.co.jp")
    twin.sectors.add(SectorFactory(name="Cell and gene therapy", slug="cgt"))
    twin._person = PersonFactory(family_name="Yamada", organisation=twin)
    twin._subsidiary = OrganisationFactory(name="Takeda Ventures", parent=twin)
    # a meeting with both records as counterparts, and one with the twin only
    both = MeetingFactory(mission=world.mission_a)
    both.counterpart_organisations.add(directory.takeda, twin)
    twin._both_meeting = both
    twin._meeting = MeetingFactory(mission=world.mission_b)
    twin._meeting.counterpart_organisations.add(twin)
    world.mission_a.partner_organisations.add(twin)
    twin._event = EventFactory(mission=world.mission_a)
    twin._event.sponsors.add(twin)
    twin._enquiry = EnquiryFactory(mission=world.mission_a, organisation=twin)
    twin._outcome = OutcomeFactory(mission=world.mission_a)
    twin._outcome.organisations.add(twin, directory.takeda)
    twin._followup = FollowUpFactory(assignee=world.dave_delegate, meeting=twin._meeting, title="Twin follow-up")
    return twin


def test_organisation_merge_moves_every_relation(world, directory, twin):
    # the twin was met on both missions: only a manager may merge it (tests/contacts/test_merge_access.py)
    takeda = directory.takeda
    organisation_merge(survivor=takeda, other=twin, take_from_other={"city"}, acting_user=world.mary)

    takeda.refresh_from_db()
    assert takeda.city == "Osaka"  # chosen from the other record
    assert takeda.website == "https://www.takeda.com"  # kept
    assert {s.slug for s in takeda.sectors.all()} == {"oncology", "cgt"}
    assert twin._person in takeda.people.all()
    assert twin._subsidiary in takeda.subsidiaries.all()
    assert list(twin._both_meeting.counterpart_organisations.all()) == [takeda]  # not twice
    assert list(twin._meeting.counterpart_organisations.all()) == [takeda]
    assert takeda in world.mission_a.partner_organisations.all()
    assert list(twin._event.sponsors.all()) == [takeda]
    twin._enquiry.refresh_from_db()
    assert twin._enquiry.organisation == takeda
    assert list(twin._outcome.organisations.all()) == [takeda]
    # the follow-up hangs off a meeting that now names the survivor
    assert twin._followup.meeting.counterpart_organisations.get() == takeda

    twin.refresh_from_db()
    assert twin.merged_into == takeda and twin.name == "Takeda Pharma KK"
    assert not twin.people.exists() and not twin.meetings.exists() and not twin.outcomes.exists()
    assert twin.history.count() >= 2  # created, then merged: the trace keeps its history
    assert twin.history.first().merged_into_id == takeda.pk
    assert twin.history.first().history_user == world.mary
    # the moved rows record who moved them
    assert twin._enquiry.history.first().history_user == world.mary


def test_earlier_traces_follow_to_the_new_survivor(world, directory, twin):
    older = OrganisationFactory(name="Takeda (old)", merged_into=twin)
    organisation_merge(survivor=directory.takeda, other=twin, take_from_other=set(), acting_user=world.mary)
    older.refresh_from_db()
    assert older.merged_into == directory.takeda


def test_survivor_that_was_a_subsidiary_of_the_other_gets_no_parent(world, directory, twin):
    directory.takeda.parent = twin
    directory.takeda.save()
    organisation_merge(survivor=directory.takeda, other=twin, take_from_other=set(), acting_user=world.mary)
    directory.takeda.refresh_from_db()
    assert directory.takeda.parent is None


def test_merge_refuses_records_already_merged_and_itself(world, directory, twin):
    with pytest.raises(MergeRefused, match="different"):
        organisation_merge(survivor=twin, other=twin, take_from_other=set(), acting_user=world.mary)
    organisation_merge(survivor=directory.takeda, other=twin, take_from_other=set(), acting_user=world.mary)
    with pytest.raises(MergeRefused, match="already merged"):
        organisation_merge(survivor=directory.kyoto, other=twin, take_from_other=set(), acting_user=world.mary)


@pytest.fixture
def sato_twin(world, directory):
    """Sato entered twice, both times put on mission A as a delegate (the unique constraint case)."""
    sato = directory.sato
    kept_row = DelegateFactory(mission=world.mission_a, person=sato, role=Delegate.Role.SPEAKER)
    twin = PersonFactory(given_name="Ken", family_name="Satou", email="k.sato@takeda.example", organisation=None)
    twin_row = DelegateFactory(mission=world.mission_a, person=twin)
    b_row = DelegateFactory(mission=world.mission_b, person=twin)
    meeting = MeetingFactory(mission=world.mission_a)
    meeting.delegates.add(twin_row, kept_row)
    meeting.counterpart_people.add(twin)
    other_meeting = MeetingFactory(mission=world.mission_a)
    other_meeting.delegates.add(twin_row)
    followup = FollowUpFactory(assignee=twin_row, title="Twin's task")
    enquiry = EnquiryFactory(mission=world.mission_a, person=twin, assigned_to=twin_row)
    twin.user = UserFactory(username="kensato")
    twin.save()
    return {
        "twin": twin,
        "kept_row": kept_row,
        "twin_row": twin_row,
        "b_row": b_row,
        "meeting": meeting,
        "other_meeting": other_meeting,
        "followup": followup,
        "enquiry": enquiry,
    }


def test_person_merge_combines_delegate_rows_on_the_same_mission(world, directory, sato_twin):
    sato, twin = directory.sato, sato_twin["twin"]
    person_merge(survivor=sato, other=twin, take_from_other=set(), acting_user=world.mary)

    # one delegate row per mission: the twin's row on A is folded into Sato's, its links with it
    assert not Delegate.objects.filter(pk=sato_twin["twin_row"].pk).exists()
    assert set(Delegate.objects.filter(person=sato).values_list("mission", flat=True)) == {
        world.mission_a.pk,
        world.mission_b.pk,
    }
    kept = sato_twin["kept_row"]
    kept.refresh_from_db()
    assert kept.role == Delegate.Role.SPEAKER
    assert list(sato_twin["meeting"].delegates.all()) == [kept]  # not twice
    assert list(sato_twin["other_meeting"].delegates.all()) == [kept]
    sato_twin["followup"].refresh_from_db()
    assert sato_twin["followup"].assignee == kept  # follow-ups via delegates
    sato_twin["enquiry"].refresh_from_db()
    assert sato_twin["enquiry"].assigned_to == kept and sato_twin["enquiry"].person == sato
    sato_twin["b_row"].refresh_from_db()
    assert sato_twin["b_row"].person == sato
    assert list(sato_twin["meeting"].counterpart_people.all()) == [sato]
    # the login follows the survivor, who had none
    sato.refresh_from_db()
    assert sato.user.username == "kensato"
    twin.refresh_from_db()
    assert twin.merged_into == sato and twin.user is None
    # the deleted delegate row keeps its history
    assert Delegate.history.filter(id=sato_twin["twin_row"].pk, history_type="-").exists()


def test_person_merge_refuses_two_logins_and_writes_nothing(world, directory, sato_twin):
    directory.sato.user = UserFactory(username="sato2")
    directory.sato.save()
    with pytest.raises(MergeRefused, match="each have their own login"):
        person_merge(survivor=directory.sato, other=sato_twin["twin"], take_from_other=set(), acting_user=world.mary)
    sato_twin["twin"].refresh_from_db()
    assert sato_twin["twin"].merged_into is None
    assert Delegate.objects.filter(pk=sato_twin["twin_row"].pk).exists()


# Through the pages


def compare_url(kind, a, b):
    return reverse(f"contacts:{kind}-merge-compare", args=[a.pk, b.pk])


def test_merge_pages_suggest_the_duplicate_and_show_both_side_by_side(as_user, world, directory, twin):
    client = as_user(world.alice)
    response = client.get(reverse("contacts:organisation-merge", args=[directory.takeda.pk]))
    assert twin.pk in [m.record.pk for m in response.context["suggestions"]]
    assert compare_url("organisation", directory.takeda, twin) in response.content.decode()
    found = client.get(reverse("contacts:organisation-merge", args=[directory.takeda.pk]), {"q": "京都"})
    assert [o.pk for o in found.context["results"]] == [directory.kyoto.pk]
    html = client.get(compare_url("organisation", directory.takeda, twin)).content.decode()
    assert "Takeda Pharma KK" in html and "Osaka" in html and "Tokyo" in html
    assert "2 partnering meetings, as counterpart organisations" in html


def test_manager_merges_through_the_page(as_user, world, directory, twin):
    client = as_user(world.mary)
    response = client.post(
        compare_url("organisation", directory.takeda, twin),
        {"survivor": twin.pk, "field_city": twin.pk, "field_name": directory.takeda.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("contacts:organisation-detail", args=[twin.pk])
    twin.refresh_from_db()
    directory.takeda.refresh_from_db()
    assert directory.takeda.merged_into == twin
    assert twin.name == "Takeda Pharmaceutical" and twin.city == "Osaka"
    # the trace's page says where it went and links there
    page = client.get(reverse("contacts:organisation-detail", args=[directory.takeda.pk]))
    html = page.content.decode()
    assert "merged into" in html and reverse("contacts:organisation-detail", args=[twin.pk]) in html
    listed = [o.pk for o in client.get(reverse("contacts:organisation-list")).context["page"].object_list]
    assert twin.pk in listed and directory.takeda.pk not in listed


def test_person_merge_through_the_page_reports_a_refusal(as_user, world, directory, sato_twin):
    directory.sato.user = UserFactory(username="sato2")
    directory.sato.save()
    response = as_user(world.mary).post(
        compare_url("person", directory.sato, sato_twin["twin"]), {"survivor": directory.sato.pk}
    )
    assert response.status_code == 200
    assert "each have their own login" in response.content.decode()
    assert Person.objects.get(pk=sato_twin["twin"].pk).merged_into is None


@pytest.mark.parametrize(
    "data",
    [{}, {"survivor": "abc"}, {"survivor": "999999"}, {"field_city": "1"}],
)
def test_bad_merge_input_changes_nothing(as_user, world, directory, twin, data):
    response = as_user(world.alice).post(compare_url("organisation", directory.takeda, twin), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Organisation.objects.filter(merged_into__isnull=False).exists()


def test_delegate_may_not_merge(as_user, world, directory, twin):
    client = as_user(world.dave)
    assert client.get(reverse("contacts:organisation-merge", args=[twin.pk])).status_code == 403
    assert client.post(compare_url("organisation", directory.takeda, twin), {"survivor": twin.pk}).status_code == 403
    twin.refresh_from_db()
    assert twin.merged_into is None


def test_merging_with_itself_or_a_trace_is_turned_away(as_user, world, directory, twin):
    client = as_user(world.alice)
    response = client.get(compare_url("organisation", twin, twin), follow=True)
    assert "cannot be merged with itself" in response.content.decode()
    twin.merged_into = directory.takeda
    twin.save()
    response = client.post(compare_url("organisation", directory.takeda, twin), {"survivor": twin.pk}, follow=True)
    assert "already merged" in response.content.decode()
    assert client.get(compare_url("organisation", directory.takeda, Organisation(pk=10**12))).status_code == 404
