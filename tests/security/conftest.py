import pytest

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
    return world
