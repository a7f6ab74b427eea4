from datetime import datetime, timedelta

import pytest

from contacts import services as contact_services
from contacts.models import Organisation, Person, Sector

from ..factories import TOKYO, EventFactory, MeetingFactory


@pytest.fixture
def takeda(db):
    return contact_services.organisation_create(
        name="Takeda Pharmaceutical",
        name_native="武田薬品工業",
        name_reading="Takeda Yakuhin Kōgyō",
        country="JP",
        kind=Organisation.Kind.COMPANY,
        acting_user=None,
    )


@pytest.fixture
def sato(takeda):
    return contact_services.person_create(
        given_name="Ken",
        family_name="Sato",
        name_native="佐藤 健",
        name_order=Person.NameOrder.FAMILY_FIRST,
        organisation=takeda,
        acting_user=None,
    )


@pytest.fixture
def sectors(db):
    return [
        Sector.objects.get_or_create(slug="oncology", defaults={"name": "Oncology"})[0],
        Sector.objects.get_or_create(slug="regenerative-medicine", defaults={"name": "Regenerative medicine"})[0],
    ]


@pytest.fixture
def partnering(world):
    """Today's partnering session of mission A, under way now in Tokyo."""
    now = datetime.now(TOKYO)
    return EventFactory(
        mission=world.mission_a,
        title="BioJapan partnering",
        kind="partnering",
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(hours=2),
    )


def meeting_on(mission, *, organisations, delegates, logged_by=None, **kwargs):
    meeting = MeetingFactory(mission=mission, logged_by=logged_by, **kwargs)
    meeting.counterpart_organisations.set(organisations)
    meeting.delegates.set(delegates)
    return meeting
