from dataclasses import dataclass

import pytest

from contacts.models import Organisation, Person

from ..factories import (
    DelegateFactory,
    EnquiryFactory,
    FollowUpFactory,
    MeetingFactory,
    OrganisationFactory,
    OutcomeFactory,
    PersonFactory,
    SectorFactory,
)


@dataclass
class Directory:
    """Takeda met on both missions; Kyoto University only on B; Imperial never met."""

    takeda: Organisation
    kyoto: Organisation
    imperial: Organisation
    sato: Person
    tanaka: Person
    meeting_a: object
    meeting_b: object
    dave_followup: object
    other_followup_a: object
    erin_followup: object
    outcome_a: object
    outcome_b: object


@pytest.fixture
def directory(world):
    oncology = SectorFactory(name="Oncology", slug="oncology")
    ageing = SectorFactory(name="Ageing", slug="ageing")
    takeda = OrganisationFactory(
        name="Takeda Pharmaceutical",
        name_native="武田薬品工業",
        name_reading="Takeda Yakuhin Kogyo",
        country="JP",
        city="Tokyo",
        website="https://www.takeda.com",
    )
    takeda.sectors.add(oncology)
    kyoto = OrganisationFactory(
        name="Kyoto University", name_native="京都大学", kind=Organisation.Kind.UNIVERSITY, country="JP"
    )
    kyoto.sectors.add(ageing)
    imperial = OrganisationFactory(
        name="Imperial College London",
        kind=Organisation.Kind.UNIVERSITY,
        country="GB",
        website="https://imperial.ac.uk",
    )
    sato = PersonFactory(
        given_name="Ken",
        family_name="Sato",
        name_native="佐藤 健",
        name_order=Person.NameOrder.FAMILY_FIRST,
        organisation=takeda,
        email="ken.sato@takeda.example",
    )
    tanaka = PersonFactory(given_name="Hiroshi", family_name="Tanaka", name_native="田中 浩", organisation=kyoto)

    meeting_a = MeetingFactory(mission=world.mission_a, topic="Regenerative medicine on mission A")
    meeting_a.delegates.add(world.dave_delegate)
    meeting_a.counterpart_organisations.add(takeda)
    meeting_a.counterpart_people.add(sato)
    meeting_b = MeetingFactory(mission=world.mission_b, topic="Secret San Diego licensing talk")
    meeting_b.delegates.add(world.erin_delegate)
    meeting_b.counterpart_organisations.add(takeda, kyoto)
    meeting_b.counterpart_people.add(sato, tanaka)

    other_delegate = DelegateFactory(mission=world.mission_a)
    dave_followup = FollowUpFactory(assignee=world.dave_delegate, meeting=meeting_a, title="Dave sends the pack")
    other_followup_a = FollowUpFactory(assignee=other_delegate, meeting=meeting_a, title="Someone else's task")
    erin_followup = FollowUpFactory(assignee=world.erin_delegate, meeting=meeting_b, title="Erin's San Diego task")
    outcome_a = OutcomeFactory(mission=world.mission_a, meeting=meeting_a, title="Research agreement on A")
    outcome_a.organisations.add(takeda)
    outcome_b = OutcomeFactory(mission=world.mission_b, meeting=meeting_b, title="MOU signed on B")
    outcome_b.organisations.add(takeda)
    EnquiryFactory(mission=world.mission_a, organisation=takeda, person=sato, question="Where to set up in the UK?")
    return Directory(
        takeda,
        kyoto,
        imperial,
        sato,
        tanaka,
        meeting_a,
        meeting_b,
        dave_followup,
        other_followup_a,
        erin_followup,
        outcome_a,
        outcome_b,
    )


@pytest.fixture
def as_user(client):
    from ..conftest import PASSWORD

    def sign_in(user):
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return sign_in
