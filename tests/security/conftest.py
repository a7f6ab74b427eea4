import pytest

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
    world.report_export = ReportExport.objects.create(mission=a, requested_by=world.alice, format="csv")
    return world
