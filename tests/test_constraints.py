"""Rules that must never break are enforced by PostgreSQL itself, whatever
code (or admin, or import) writes the row."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from contacts.models import Organisation
from events.models import Delegate, Mission
from followups.models import FollowUp, Outcome

from .factories import (
    DelegateFactory,
    EventFactory,
    FollowUpFactory,
    MeetingFactory,
    MissionFactory,
    OrganisationFactory,
    OutcomeFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def assert_rejected(constraint_name, fn):
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        fn()
    assert constraint_name in str(excinfo.value)


def test_a_person_is_on_a_mission_once():
    delegate = DelegateFactory()
    assert_rejected(
        "delegate_once_per_mission",
        lambda: Delegate.objects.create(mission=delegate.mission, person=delegate.person, role=Delegate.Role.SPEAKER),
    )
    # the same person on another mission is fine
    Delegate.objects.create(mission=MissionFactory(), person=delegate.person)


def test_an_event_ends_after_it_starts():
    event = EventFactory()
    event.ends_at = event.starts_at
    assert_rejected("event_ends_after_start", event.save)


def test_a_mission_ends_on_or_after_its_start():
    mission = MissionFactory()
    Mission.objects.filter(pk=mission.pk).update(end_date=mission.start_date)  # one-day mission is fine
    assert_rejected(
        "mission_ends_after_start",
        lambda: Mission.objects.filter(pk=mission.pk).update(end_date=mission.start_date - timedelta(days=1)),
    )


def test_names_and_titles_cannot_be_blank():
    assert_rejected("organisation_name_not_empty", lambda: Organisation.objects.create(name=""))
    assert_rejected("person_family_name_not_empty", lambda: PersonFactory(family_name=""))
    assert_rejected("followup_title_not_empty", lambda: FollowUpFactory(title=""))


def test_an_organisation_cannot_be_its_own_parent():
    org = OrganisationFactory()
    org.parent = org
    assert_rejected("organisation_not_own_parent", org.save)


def test_a_done_followup_has_a_completion_time_and_an_open_one_has_none():
    followup = FollowUpFactory()
    assert_rejected(
        "followup_completed_at_iff_done",
        lambda: FollowUp.objects.filter(pk=followup.pk).update(status=FollowUp.Status.DONE),
    )
    assert_rejected(
        "followup_completed_at_iff_done",
        lambda: FollowUp.objects.filter(pk=followup.pk).update(completed_at=timezone.now()),
    )
    FollowUp.objects.filter(pk=followup.pk).update(status=FollowUp.Status.DONE, completed_at=timezone.now())


def test_an_outcome_value_needs_a_currency_and_cannot_be_negative():
    assert_rejected("outcome_value_has_currency", lambda: OutcomeFactory(value=1000, currency=""))
    assert_rejected("outcome_value_not_negative", lambda: OutcomeFactory(value=-1, currency="GBP"))
    outcome = OutcomeFactory(value=45_000_000, currency="JPY", jobs=3)
    assert Outcome.objects.get(pk=outcome.pk).currency == "JPY"


def test_meeting_interest_is_low_medium_or_high():
    assert_rejected("meeting_interest_1_to_3", lambda: MeetingFactory(interest=4))


def test_two_accounts_cannot_share_an_email_address_in_any_case():
    UserFactory(email="Oscar.Ces@example.org")
    assert_rejected("user_email_unique_ci", lambda: UserFactory(email="oscar.ces@EXAMPLE.org"))
