"""Factories for the tests: realistic defaults, one variant per role."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from contacts.models import Organisation, Person, Sector, User
from events.models import Delegate, Enquiry, Event, Mission, PartneringMeeting
from followups.models import FollowUp, Outcome

TOKYO = ZoneInfo("Asia/Tokyo")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = User.Role.DELEGATE
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Sector {n}")
    slug = factory.Sequence(lambda n: f"sector-{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.COMPANY
    country = "GB"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    organisation = factory.SubFactory(OrganisationFactory)


class MissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mission

    title = factory.Sequence(lambda n: f"Mission {n}")
    destination_country = "JP"
    destination_city = "Yokohama"
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    end_date = factory.LazyAttribute(lambda m: m.start_date + timedelta(days=4))
    time_zone = "Asia/Tokyo"


class DelegateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegate

    mission = factory.SubFactory(MissionFactory)
    person = factory.SubFactory(PersonFactory)
    role = Delegate.Role.DELEGATE


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    mission = factory.SubFactory(MissionFactory)
    kind = Event.Kind.CONFERENCE
    title = factory.Sequence(lambda n: f"Event {n}")
    time_zone = "Asia/Tokyo"
    starts_at = factory.LazyAttribute(lambda e: datetime.combine(e.mission.start_date, datetime.min.time(), TOKYO))
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + timedelta(hours=8))


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartneringMeeting

    mission = factory.SubFactory(MissionFactory)
    starts_at = factory.LazyAttribute(
        lambda m: datetime.combine(m.mission.start_date, datetime.min.time(), TOKYO) + timedelta(hours=11)
    )
    topic = factory.Sequence(lambda n: f"Meeting topic {n}")


class EnquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enquiry

    mission = factory.SubFactory(MissionFactory)
    asked_at = factory.LazyFunction(timezone.now)
    question = "Where should we set up in the region?"


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    assignee = factory.SubFactory(DelegateFactory)
    mission = factory.SelfAttribute("assignee.mission")
    title = factory.Sequence(lambda n: f"Follow-up {n}")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=3))


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    mission = factory.SubFactory(MissionFactory)
    kind = Outcome.Kind.COLLABORATION
    title = factory.Sequence(lambda n: f"Outcome {n}")
    achieved_on = factory.LazyFunction(date.today)


def delegate_with_login(mission, *, role=Delegate.Role.DELEGATE, account_role=User.Role.DELEGATE, username=None):
    """A user account linked to a person on the mission in the given role."""
    user = UserFactory(role=account_role, **({"username": username} if username else {}))
    person = PersonFactory(user=user, given_name=user.first_name, family_name=user.last_name, email=user.email)
    return user, DelegateFactory(mission=mission, person=person, role=role)
