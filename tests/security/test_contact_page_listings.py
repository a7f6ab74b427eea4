"""What a contact's page lists, against what each listed object's own rule allows.

An organisation's or a person's page lists meetings, follow-ups, outcomes, stand
enquiries and delegate roles of other apps. Each must be loaded through its own kind's
access rule, the one its own page uses: a delegate who gets a 404 on an outcome's page
must not read that outcome (value, currency, jobs) on an organisation's page.

For every persona and every contact page: the objects linked to the contact are found
here independently, each is opened on its own page as that persona (or, for enquiries,
which have none, checked with their rule), and the page must list exactly those the
persona may open: never more (a leak), never fewer (the page shows every visible one).
"""

from dataclasses import fields

import pytest
from django.db.models import Q
from django.urls import reverse

from contacts.models import Person
from events.access import enquiries_visible_to
from events.models import Delegate, Enquiry, PartneringMeeting
from followups.models import FollowUp, Outcome
from followups.selectors import ContactActivity

from ..conftest import PASSWORD
from ..factories import DelegateFactory, EnquiryFactory, FollowUpFactory, MeetingFactory, OutcomeFactory

PERSONAS = ["dave", "erin", "alice", "oliver", "mary", "nobody"]


def _opens(url):
    def check(client, user, obj):
        return client.get(reverse(url, args=[obj.pk])).status_code == 200

    return check


# Each list on a contact's page: how to find the contact's objects of that kind (independently of
# the page), and the object's own rule, as that persona meets it.
LINKED = {
    "meetings": lambda c: PartneringMeeting.objects.filter(
        Q(counterpart_organisations=c)
        if not isinstance(c, Person)
        else Q(counterpart_people=c) | Q(delegates__person=c)
    ),
    "followups": lambda c: FollowUp.objects.filter(
        Q(meeting__counterpart_organisations=c) | Q(enquiry__organisation=c)
        if not isinstance(c, Person)
        else Q(meeting__counterpart_people=c) | Q(enquiry__person=c) | Q(assignee__person=c)
    ),
    "outcomes": lambda c: Outcome.objects.filter(
        Q(organisations=c)
        if not isinstance(c, Person)
        else Q(meeting__counterpart_people=c) | Q(followup__meeting__counterpart_people=c)
    ),
    "enquiries": lambda c: Enquiry.objects.filter(Q(organisation=c) if not isinstance(c, Person) else Q(person=c)),
    # An organisation has no delegate roles; a person's are listed under "On missions".
    "delegations": lambda c: Delegate.objects.filter(person=c) if isinstance(c, Person) else Delegate.objects.none(),
}
OWN_RULE = {
    "meetings": _opens("meetings:detail"),
    "followups": _opens("followups:followup-detail"),
    "outcomes": _opens("followups:outcome-edit"),  # an outcome's own page
    "enquiries": lambda client, user, obj: enquiries_visible_to(user).filter(pk=obj.pk).exists(),
    # A delegate role shows its mission: the mission's page must open.
    "delegations": lambda client, user, obj: (
        client.get(reverse("events:mission-detail", args=[obj.mission_id])).status_code == 200
    ),
}


@pytest.fixture
def world(world):
    """The security world, plus outcomes, follow-ups and enquiries that different personas may
    and may not open, all linked to the same organisations and people."""
    a, b = world.mission_a, world.mission_b
    takeda, sato = world.organisation, world.person
    world.meeting.counterpart_people.add(sato)
    world.enquiry.person = sato
    world.enquiry.save()
    # dave's follow-up led to an outcome he may open; another delegate's on A to one he may not
    OutcomeFactory(mission=a, followup=world.followup, title="Dave's visit").organisations.add(takeda)
    world.outcome.organisations.add(takeda)  # on A's meeting, no follow-up: organisers and managers only
    colleague = DelegateFactory(mission=a)
    theirs = FollowUpFactory(assignee=colleague, meeting=world.meeting, title="Colleague's task")
    OutcomeFactory(mission=a, followup=theirs, title="Colleague's deal").organisations.add(takeda)
    # Takeda and Sato were met on mission B too
    meeting_b = MeetingFactory(mission=b, logged_by=world.erin)
    meeting_b.delegates.add(world.erin_delegate)
    meeting_b.counterpart_organisations.add(takeda)
    meeting_b.counterpart_people.add(sato)
    FollowUpFactory(assignee=world.erin_delegate, meeting=meeting_b, title="Erin's task")
    OutcomeFactory(mission=b, meeting=meeting_b, title="MOU on B").organisations.add(takeda)
    EnquiryFactory(mission=b, organisation=takeda, person=sato)
    # Sato speaks for mission A as a delegate too
    DelegateFactory(mission=a, person=sato, role=Delegate.Role.SPEAKER)
    # B's own contacts: Fujifilm's outcome on B's meeting, Tanaka met there
    world.outcome_b.organisations.add(world.organisation_b)
    world.meeting_b.counterpart_people.add(world.person_b)
    return world


CONTACTS = {
    "organisation": ("contacts:organisation-detail", lambda w: w.organisation),
    "organisation_b": ("contacts:organisation-detail", lambda w: w.organisation_b),
    "person": ("contacts:person-detail", lambda w: w.person),
    "person_b": ("contacts:person-detail", lambda w: w.person_b),
    "dave_self": ("contacts:person-detail", lambda w: w.dave_delegate.person),
    "erin_self": ("contacts:person-detail", lambda w: w.erin_delegate.person),
}


def test_every_list_on_a_contact_page_has_its_own_rule():
    """A new list on the activity panel fails here until it says how its objects are checked."""
    assert {f.name for f in fields(ContactActivity)} == set(LINKED) == set(OWN_RULE)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("contact", sorted(CONTACTS))
def test_contact_page_lists_exactly_what_each_objects_own_rule_allows(client, world, contact, persona):
    url_name, get_contact = CONTACTS[contact]
    record = get_contact(world)
    user = getattr(world, persona)
    assert client.login(username=persona, password=PASSWORD)
    activity = client.get(reverse(url_name, args=[record.pk])).context["activity"]

    linked_somewhere = False
    for kind, linked in LINKED.items():
        listed = {obj.pk for obj in getattr(activity, kind)}
        candidates = list(linked(record).distinct())
        linked_somewhere |= bool(candidates)
        allowed = {obj.pk for obj in candidates if OWN_RULE[kind](client, user, obj)}
        assert listed <= allowed, (
            f"{persona} sees {kind} {sorted(listed - allowed)} on {contact} but not on their own pages"
        )
        assert listed == allowed, f"{persona} misses {kind} {sorted(allowed - listed)} on {contact}"
    assert linked_somewhere, f"{contact} has nothing linked: the test would prove nothing"


def test_the_reported_leak_is_closed(client, world):
    """As dave, a delegate on A: an outcome of A's meeting (not of his follow-up) is a 404 on its
    own page, so Takeda's page does not show it either; his own follow-up's outcome it does."""
    assert client.login(username="dave", password=PASSWORD)
    assert client.get(reverse("followups:outcome-edit", args=[world.outcome.pk])).status_code == 404
    html = client.get(reverse("contacts:organisation-detail", args=[world.organisation.pk])).content.decode()
    assert world.outcome.title not in html and "Colleague&#x27;s deal" not in html and "MOU on B" not in html
    assert "Dave&#x27;s visit" in html
