import pytest

from ..conftest import PASSWORD
from ..factories import EventFactory, FollowUpFactory, MeetingFactory, OrganisationFactory


@pytest.fixture
def as_user(client):
    """Sign the test client in as a persona and return it."""

    def sign_in(user):
        client.logout()
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return sign_in


@pytest.fixture
def takeda(db):
    return OrganisationFactory(name="Takeda Pharmaceutical", name_native="武田薬品工業", country="JP")


@pytest.fixture
def dave_followup(world, takeda):
    """dave's open follow-up from a partnering meeting with Takeda on mission A."""
    event = EventFactory(mission=world.mission_a, title="BioJapan partnering")
    meeting = MeetingFactory(mission=world.mission_a, event=event, location="Table 14")
    meeting.delegates.add(world.dave_delegate)
    meeting.counterpart_organisations.add(takeda)
    return FollowUpFactory(assignee=world.dave_delegate, meeting=meeting, title="Send the co-location pack")


@pytest.fixture
def erin_followup(world):
    return FollowUpFactory(assignee=world.erin_delegate, title="Send the tissue model data pack")
