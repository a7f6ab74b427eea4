import pytest
from django.db.models import CharField, EmailField, SlugField, TextField, URLField

from contacts.models import User
from events.models import ImportJob
from followups.models import ReportExport

from ..factories import (
    EnquiryFactory,
    EventFactory,
    FollowUpFactory,
    MeetingFactory,
    OrganisationFactory,
    OutcomeFactory,
    PersonFactory,
)
from ..reminders.factories import ReminderEmailFactory
from .bidi import hostile


@pytest.fixture
def world(world):
    """The shared personas, plus one of each object on mission A for URLs to name."""
    a = world.mission_a
    world.organisation = OrganisationFactory(name="Takeda Pharmaceutical", name_native="武田薬品工業", country="JP")
    world.person = PersonFactory(organisation=world.organisation, family_name="Sato", given_name="Ken")
    world.event = EventFactory(mission=a)
    world.meeting = MeetingFactory(mission=a, event=world.event, logged_by=world.dave)
    world.meeting.delegates.add(world.dave_delegate)
    world.meeting.counterpart_organisations.add(world.organisation)
    world.enquiry = EnquiryFactory(mission=a, event=world.event, organisation=world.organisation)
    world.followup = FollowUpFactory(assignee=world.dave_delegate, meeting=world.meeting)
    world.outcome = OutcomeFactory(mission=a, meeting=world.meeting)
    world.other_organisation = OrganisationFactory(name="Takeda Pharma KK", country="JP")
    world.other_person = PersonFactory(organisation=world.other_organisation, family_name="Satou", given_name="Ken")
    world.reminder = ReminderEmailFactory(mission=a, recipient=world.dave_delegate.person, state="failed")
    world.import_job = ImportJob.objects.create(  # imports
        kind="delegates", mission=a, uploaded_by=world.alice, original_name="d.csv", file_hash="0" * 64, status="done"
    )
    world.report_export = ReportExport.objects.create(mission=a, requested_by=world.alice, format="csv")
    # Twins on mission B (erin attends, oliver organises): the matrix opens each URL with these ids
    # too, expecting the personas' roles swapped. Name a twin <name>_b for every object above.
    b = world.mission_b
    world.organisation_b = OrganisationFactory(name="Fujifilm", name_native="富士フイルム", country="JP")
    world.person_b = PersonFactory(organisation=world.organisation_b, family_name="Tanaka", given_name="Yui")
    world.event_b = EventFactory(mission=b)
    world.meeting_b = MeetingFactory(mission=b, event=world.event_b, logged_by=world.erin)
    world.meeting_b.delegates.add(world.erin_delegate)
    world.meeting_b.counterpart_organisations.add(world.organisation_b)
    world.enquiry_b = EnquiryFactory(mission=b, event=world.event_b, organisation=world.organisation_b)
    world.followup_b = FollowUpFactory(assignee=world.erin_delegate, meeting=world.meeting_b)
    world.outcome_b = OutcomeFactory(mission=b, meeting=world.meeting_b)
    world.other_organisation_b = OrganisationFactory(name="Fujifilm Holdings", country="JP")
    world.other_person_b = PersonFactory(organisation=world.other_organisation_b, family_name="Tanaka", given_name="Yu")
    world.reminder_b = ReminderEmailFactory(mission=b, recipient=world.erin_delegate.person, state="failed")
    world.import_job_b = ImportJob.objects.create(
        kind="delegates", mission=b, uploaded_by=world.oliver, original_name="d.csv", file_hash="1" * 64, status="done"
    )
    world.report_export_b = ReportExport.objects.create(mission=b, requested_by=world.oliver, format="csv")
    return world


# Machine-made text (hashes, tokens, codes) and what signing in needs stay as they are.
NOT_TYPED = {"username", "password", "file_hash", "calendar_token", "time_zone", "message_id", "error", "stored_name"}


def _typed_fields(model):
    for field in model._meta.concrete_fields:
        if (
            isinstance(field, CharField | TextField)
            and not isinstance(field, EmailField | URLField | SlugField)
            and not field.choices
            and field.name not in NOT_TYPED
            and (field.max_length or 100) >= 30
        ):
            yield field.name


def _make_hostile(obj):
    type(obj).objects.filter(pk=obj.pk).update(**{f: hostile(f) for f in _typed_fields(type(obj))})


@pytest.fixture
def hostile_world(world):
    """The security world, with a right-to-left override in every text a user types on mission A."""
    w = world
    w.meeting.counterpart_people.add(w.person)
    for obj in [
        w.mission_a,
        w.organisation,
        w.other_organisation,
        w.person,
        w.other_person,
        w.dave_delegate,
        w.dave_delegate.person,
        w.event,
        w.meeting,
        w.enquiry,
        w.followup,
        w.outcome,
        w.import_job,
        w.reminder,
    ]:
        _make_hostile(obj)
    User.objects.filter(pk=w.dave.pk).update(first_name=hostile("first"), last_name=hostile("last"))
    return w
