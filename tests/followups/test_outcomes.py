"""Outcomes: recorded by organisers and managers, or by a delegate from their own follow-up."""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from followups.models import FollowUp, Outcome

from ..factories import MeetingFactory, OrganisationFactory, OutcomeFactory


def outcome_data(**overrides):
    data = {
        "kind": Outcome.Kind.DEAL,
        "title": "Research agreement with Takeda",
        "achieved_on": timezone.localdate().isoformat(),
        "value": "45000000",
        "currency": "jpy",
        "jobs": "3",
        "description": "Sponsored research",
    }
    data.update(overrides)
    return data


def test_organiser_records_an_outcome_for_the_mission(world, as_user, takeda):
    imperial = OrganisationFactory(name="Imperial College London")
    response = as_user(world.alice).post(
        reverse("followups:outcome-create", args=[world.mission_a.pk]),
        outcome_data(organisations=[takeda.pk, imperial.pk]),
        follow=True,
    )
    outcome = Outcome.objects.get()
    assert (outcome.mission, outcome.value, outcome.currency, outcome.jobs) == (
        world.mission_a, Decimal("45000000"), "JPY", 3,
    )  # fmt: skip
    assert set(outcome.organisations.all()) == {takeda, imperial}
    assert outcome.created_by == world.alice and outcome.history.latest().history_user == world.alice
    text = response.content.decode()
    assert "Research agreement with Takeda" in text and "¥45,000,000" in text and "武田薬品工業" in text


def test_a_value_without_currency_is_refused_by_the_form_with_a_clear_message(world, as_user):
    response = as_user(world.alice).post(
        reverse("followups:outcome-create", args=[world.mission_a.pk]), outcome_data(currency="")
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "A value needs its currency: give the ISO 4217 code, e.g. GBP, JPY or USD." in text
    assert 'value="Research agreement with Takeda"' in text  # nothing typed is lost
    assert not Outcome.objects.exists()


def test_an_unknown_currency_code_is_refused(world, as_user):
    response = as_user(world.alice).post(
        reverse("followups:outcome-create", args=[world.mission_a.pk]), outcome_data(currency="XYZ")
    )
    assert "“XYZ” is not an ISO 4217 currency code" in response.content.decode()
    assert not Outcome.objects.exists()


def test_a_negative_value_is_refused(world, as_user):
    response = as_user(world.alice).post(
        reverse("followups:outcome-create", args=[world.mission_a.pk]), outcome_data(value="-5")
    )
    assert "A value cannot be negative." in response.content.decode()
    assert not Outcome.objects.exists()


def test_an_outcome_without_value_needs_no_currency(world, as_user):
    as_user(world.mary).post(
        reverse("followups:outcome-create", args=[world.mission_a.pk]),
        outcome_data(kind=Outcome.Kind.VISIT, value="", currency="", jobs=""),
    )
    outcome = Outcome.objects.get()
    assert outcome.value is None and outcome.currency == ""


def test_delegate_marks_done_and_records_an_outcome_from_their_followup(world, as_user, dave_followup, takeda):
    client = as_user(world.dave)
    form = client.get(reverse("followups:followup-outcome", args=[dave_followup.pk]))
    assert form.context["form"].initial["organisations"] == [takeda.pk]  # from the meeting
    client.post(
        reverse("followups:followup-outcome", args=[dave_followup.pk]),
        outcome_data(kind=Outcome.Kind.VISIT, value="", currency="", organisations=[takeda.pk], mark_done="on",
                     note="Visit booked for March"),
    )  # fmt: skip
    outcome = Outcome.objects.get()
    assert outcome.followup == dave_followup and outcome.meeting == dave_followup.meeting
    assert outcome.mission == world.mission_a
    dave_followup.refresh_from_db()
    assert dave_followup.status == FollowUp.Status.DONE and dave_followup.completion_note == "Visit booked for March"
    # the delegate may correct it afterwards, but not see the mission's other outcomes
    assert client.get(reverse("followups:outcome-edit", args=[outcome.pk])).status_code == 200
    other = OutcomeFactory(mission=world.mission_a)
    assert client.get(reverse("followups:outcome-edit", args=[other.pk])).status_code == 404


def test_organiser_edits_an_outcome(world, as_user, takeda):
    outcome = OutcomeFactory(mission=world.mission_a, title="Old title")
    response = as_user(world.alice).post(
        reverse("followups:outcome-edit", args=[outcome.pk]),
        outcome_data(title="MOU signed with LINK-J", kind=Outcome.Kind.MOU, value="", currency="",
                     organisations=[takeda.pk]),
        follow=True,
    )  # fmt: skip
    outcome.refresh_from_db()
    assert outcome.title == "MOU signed with LINK-J" and outcome.kind == Outcome.Kind.MOU
    assert list(outcome.organisations.all()) == [takeda]
    assert outcome.modified_by == world.alice
    assert "Outcome saved" in response.content.decode()


def test_other_missions_people_cannot_reach_an_outcome(world, as_user):
    outcome = OutcomeFactory(mission=world.mission_a)
    for persona in ("oliver", "erin", "dave"):
        client = as_user(getattr(world, persona))
        assert client.get(reverse("followups:outcome-edit", args=[outcome.pk])).status_code == 404
        response = client.post(reverse("followups:outcome-edit", args=[outcome.pk]), outcome_data())
        assert response.status_code == 404
    outcome.refresh_from_db()
    assert outcome.title != "Research agreement with Takeda"


def test_outcomes_are_listed_per_mission(world, as_user):
    mine = OutcomeFactory(mission=world.mission_a, title="Visit to the Catapult")
    theirs = OutcomeFactory(mission=world.mission_b, title="Biocom office opened")
    text = as_user(world.mary).get(reverse("followups:mission-outcomes", args=[world.mission_a.pk])).content.decode()
    assert mine.title in text and theirs.title not in text


def test_an_outcome_of_a_partnering_meeting(world, as_user, dave_followup, takeda):
    meeting = dave_followup.meeting
    form = as_user(world.alice).get(reverse("followups:outcome-create", args=[world.mission_a.pk]))
    assert "Takeda Pharmaceutical" in form.content.decode()  # the mission's meetings are offered
    response = as_user(world.alice).post(
        reverse("followups:outcome-create", args=[world.mission_a.pk]),
        outcome_data(meeting=meeting.pk, organisations=[takeda.pk]),
        follow=True,
    )
    assert Outcome.objects.get().meeting == meeting
    assert "From the partnering meeting of" in response.content.decode()


def test_a_meeting_of_another_mission_is_refused(world, as_user):
    elsewhere = MeetingFactory(mission=world.mission_b)
    response = as_user(world.mary).post(
        reverse("followups:outcome-create", args=[world.mission_a.pk]), outcome_data(meeting=elsewhere.pk)
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Outcome.objects.exists()


def test_mission_page_links_to_its_followups_and_outcomes_for_organisers(world, as_user):
    url = reverse("events:mission-detail", args=[world.mission_a.pk])
    text = as_user(world.alice).get(url).content.decode()
    assert reverse("followups:mission-followups", args=[world.mission_a.pk]) in text
    assert reverse("followups:mission-outcomes", args=[world.mission_a.pk]) in text
    text = as_user(world.dave).get(url).content.decode()
    assert reverse("followups:mission-followups", args=[world.mission_a.pk]) not in text
    assert reverse("followups:my-followups") in text
