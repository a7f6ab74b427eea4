import pytest

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
    return world
