"""Who may merge what: a merge moves every row of the record it retires to the survivor,
so it must not hand over another mission's delegate roles, meetings, enquiries or
outcomes, nor a login (and with it an account's missions).

An organiser (account role) may merge two records only when every mission row that
would move belongs to a mission they organise, and never a person who has a login;
managers may merge anything; delegates may not merge at all. Each case is tried for
people and organisations, with the survivor on either side, as every role, through
the merge page: a refusal says why and changes nothing.
"""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from contacts.models import Organisation, Person, User
from contacts.services import MergeRefused, person_merge
from events.models import Delegate, Enquiry, Event, Mission, PartneringMeeting
from followups.models import Outcome

from ..factories import (
    DelegateFactory,
    EnquiryFactory,
    EventFactory,
    MeetingFactory,
    OrganisationFactory,
    OutcomeFactory,
    PersonFactory,
    UserFactory,
)

A = "UK delegation to BioJapan"
B = "San Diego delegation to BioJapan"


@dataclass
class Records:
    # people, none with a login except `oliver_self`
    lead_a: Person  # mission A's lead (the reported attack's target)
    on_b: Person  # a delegate on B
    on_both: Person  # a speaker on A's event and a delegate on B
    loose: Person  # met nobody yet
    oliver_self: Person  # oliver's own record, with his login; lead on B
    # organisations
    met_a: Organisation  # a meeting, an enquiry and an outcome on A
    sponsor_b: Organisation  # sponsors B's event, a partner of mission B
    met_both: Organisation  # a meeting on A, an outcome on B
    plain: Organisation  # people only


@pytest.fixture
def records(world):
    a, b = world.mission_a, world.mission_b
    lead_a = PersonFactory(given_name="Kenji", family_name="Sato", user=None)
    DelegateFactory(mission=a, person=lead_a, role=Delegate.Role.LEAD)
    on_b = PersonFactory(given_name="Yui", family_name="Tanaka")
    DelegateFactory(mission=b, person=on_b)
    on_both = PersonFactory(given_name="Aiko", family_name="Mori")
    EventFactory(mission=a).speakers.add(on_both)
    DelegateFactory(mission=b, person=on_both)
    loose = PersonFactory(given_name="Ken", family_name="Satou")
    oliver_self = Person.objects.get(user=world.oliver)

    met_a = OrganisationFactory(name="Takeda Pharmaceutical")
    MeetingFactory(mission=a).counterpart_organisations.add(met_a)
    EnquiryFactory(mission=a, organisation=met_a)
    OutcomeFactory(mission=a).organisations.add(met_a)
    sponsor_b = OrganisationFactory(name="Fujifilm")
    EventFactory(mission=b).sponsors.add(sponsor_b)
    b.partner_organisations.add(sponsor_b)
    met_both = OrganisationFactory(name="Astellas")
    MeetingFactory(mission=a).counterpart_organisations.add(met_both)
    OutcomeFactory(mission=b).organisations.add(met_both)
    plain = OrganisationFactory(name="Takeda Pharma KK")
    PersonFactory(organisation=plain)
    return Records(lead_a, on_b, on_both, loose, oliver_self, met_a, sponsor_b, met_both, plain)


@pytest.fixture
def newbie(world):
    """An organiser (account role) who organises no mission yet."""
    return UserFactory(username="newbie", role=User.Role.ORGANISER)


def snapshot():
    """Every row a merge could change, as plain values."""
    return (
        sorted(Person.objects.values_list("pk", "merged_into", "user", "organisation", "email")),
        sorted(Organisation.objects.values_list("pk", "merged_into", "name", "city")),
        sorted(Delegate.objects.values_list("pk", "person", "mission", "role")),
        sorted(
            PartneringMeeting.counterpart_organisations.through.objects.values_list("partneringmeeting", "organisation")
        ),
        sorted(PartneringMeeting.counterpart_people.through.objects.values_list("partneringmeeting", "person")),
        sorted(Enquiry.objects.values_list("pk", "organisation", "person")),
        sorted(Outcome.organisations.through.objects.values_list("outcome", "organisation")),
        sorted(Event.speakers.through.objects.values_list("event", "person")),
        sorted(Event.sponsors.through.objects.values_list("event", "organisation")),
        sorted(Mission.partner_organisations.through.objects.values_list("mission", "organisation")),
    )


def merge_through_the_page(client, kind, survivor, other):
    url = reverse(f"contacts:{kind}-merge-compare", args=[other.pk, survivor.pk])
    return client.post(url, {"survivor": survivor.pk})


FORBIDDEN = 403

# (kind, other, survivor) -> who may merge `other` into `survivor`.
# Personas: mary manages; alice organises A; oliver organises B (and has a login); dave is a
# delegate on A; nobody has no mission; newbie is an organiser (account role) of no mission.
CASES = {
    # Mission A's lead (no login) into a record with nothing: moves A's lead role.
    ("person", "lead_a", "loose"): {"mary", "alice"},
    # The other way: nothing moves from the loose record, so any organiser may.
    ("person", "loose", "lead_a"): {"mary", "alice", "oliver", "newbie"},
    # Across missions: only what moves counts.
    ("person", "lead_a", "on_b"): {"mary", "alice"},
    ("person", "on_b", "lead_a"): {"mary", "oliver"},
    # A person on both missions moves rows of both: only a manager.
    ("person", "on_both", "loose"): {"mary"},
    ("person", "loose", "on_both"): {"mary", "alice", "oliver", "newbie"},
    # The reported attack and its mirror: a person with a login, merged over or away.
    ("person", "lead_a", "oliver_self"): {"mary"},
    ("person", "oliver_self", "lead_a"): {"mary"},
    ("person", "loose", "oliver_self"): {"mary"},
    ("person", "oliver_self", "loose"): {"mary"},
    # Organisations
    ("organisation", "met_a", "plain"): {"mary", "alice"},
    ("organisation", "plain", "met_a"): {"mary", "alice", "oliver", "newbie"},
    ("organisation", "sponsor_b", "met_a"): {"mary", "oliver"},
    ("organisation", "met_a", "sponsor_b"): {"mary", "alice"},
    ("organisation", "met_both", "plain"): {"mary"},
    ("organisation", "plain", "met_both"): {"mary", "alice", "oliver", "newbie"},
}
PART_OF_A = "{other} is part of the mission “" + A + "” ({kinds}), which you do not organise"
PART_OF_B = "{other} is part of the mission “" + B + "” ({kinds}), which you do not organise"
LOGIN = "has a login: merging would move"
MEETINGS = "partnering meetings as counterpart organisations"
BOTH = "{{other}} is part of the missions “{}” ({}) and “{}” ({}), which you do not organise"
# For each case, the refusal each organiser who may not gets (mission rows are named before a login).
REFUSALS = {
    ("person", "lead_a", "loose"): {"oliver": PART_OF_A, "newbie": PART_OF_A},
    ("person", "lead_a", "on_b"): {"oliver": PART_OF_A, "newbie": PART_OF_A},
    ("person", "on_b", "lead_a"): {"alice": PART_OF_B, "newbie": PART_OF_B},
    ("person", "on_both", "loose"): {
        "alice": PART_OF_B,
        "oliver": PART_OF_A.replace("{kinds}", "events as speakers"),
        "newbie": BOTH.format(B, "delegates", A, "events as speakers"),
    },
    ("person", "lead_a", "oliver_self"): {"alice": LOGIN, "oliver": PART_OF_A, "newbie": PART_OF_A},
    ("person", "oliver_self", "lead_a"): {"alice": PART_OF_B, "oliver": LOGIN, "newbie": PART_OF_B},
    ("person", "loose", "oliver_self"): {"alice": LOGIN, "oliver": LOGIN, "newbie": LOGIN},
    ("person", "oliver_self", "loose"): {"alice": PART_OF_B, "oliver": LOGIN, "newbie": PART_OF_B},
    ("organisation", "met_a", "plain"): {"oliver": PART_OF_A, "newbie": PART_OF_A},
    ("organisation", "sponsor_b", "met_a"): {"alice": PART_OF_B, "newbie": PART_OF_B},
    ("organisation", "met_a", "sponsor_b"): {"oliver": PART_OF_A, "newbie": PART_OF_A},
    ("organisation", "met_both", "plain"): {
        "alice": PART_OF_B.replace("{kinds}", "outcomes as organisations"),
        "oliver": PART_OF_A.replace("{kinds}", MEETINGS),
        "newbie": BOTH.format(B, "outcomes as organisations", A, MEETINGS),
    },
}
# What moves, in the order the refusal names it.
KINDS_OF = {
    "lead_a": "delegates",
    "on_b": "delegates",
    "oliver_self": "delegates",
    "on_both": "delegates",
    "met_a": f"{MEETINGS}; enquiries; outcomes as organisations",
    "sponsor_b": "missions as partner organisations; events as sponsors",
}
ORGANISERS = ["alice", "oliver", "newbie"]


def test_every_refusal_is_spelled_out():
    for case, allowed in CASES.items():
        assert set(REFUSALS.get(case, {})) == set(ORGANISERS) - allowed, case


@pytest.mark.parametrize("persona", ["mary", "alice", "oliver", "dave", "nobody", "newbie"])
@pytest.mark.parametrize("case", sorted(CASES), ids="-".join)
def test_who_may_merge_what(as_user, world, records, newbie, case, persona):
    kind, other_name, survivor_name = case
    other, survivor = getattr(records, other_name), getattr(records, survivor_name)
    user = newbie if persona == "newbie" else getattr(world, persona)
    before = snapshot()
    response = merge_through_the_page(as_user(user), kind, survivor, other)

    other.refresh_from_db()
    if persona in CASES[case]:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert other.merged_into_id == survivor.pk
        return
    if persona in ORGANISERS:
        assert response.status_code == 200
        errors = response.context["form"].non_field_errors()
        assert len(errors) == 1
        expected = REFUSALS[case][persona].format(other=other, kinds=KINDS_OF.get(other_name, ""))
        assert expected in errors[0]
        assert errors[0] in response.content.decode().replace("&#x27;", "'")
    else:
        assert response.status_code == FORBIDDEN  # delegates and accounts of no mission do not merge
    assert other.merged_into_id is None
    assert snapshot() == before


def test_the_reported_attack_is_refused_and_mission_a_stays_closed(as_user, world, records):
    """As B's organiser: POST /contacts/people/<mine>/merge/<A's lead>/ with survivor=mine."""
    client = as_user(world.oliver)
    mine = records.oliver_self
    before = snapshot()
    response = client.post(
        reverse("contacts:person-merge-compare", args=[mine.pk, records.lead_a.pk]), {"survivor": mine.pk}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Kenji Sato is part of the mission “{A}” (delegates), which you do not organise" in html
    assert snapshot() == before
    assert not Delegate.objects.filter(mission=world.mission_a, person=mine).exists()
    for name in ("events:mission-detail", "events:mission-edit", "followups:mission-report"):
        assert client.get(reverse(name, args=[world.mission_a.pk])).status_code == 404, name
    export = reverse("followups:mission-report-export", args=[world.mission_a.pk, "csv"])
    assert client.post(export).status_code == 404


def test_the_service_refuses_without_the_page(world, records):
    """The rule is the service's, not only the view's: another caller cannot bypass it."""
    before = snapshot()
    with pytest.raises(MergeRefused, match="which you do not organise"):
        person_merge(
            survivor=records.oliver_self, other=records.lead_a, take_from_other=set(), acting_user=world.oliver
        )
    with pytest.raises(MergeRefused, match="has a login"):
        person_merge(
            survivor=records.lead_a, other=records.oliver_self, take_from_other=set(), acting_user=world.oliver
        )
    with pytest.raises(MergeRefused, match="Only organisers and managers"):
        person_merge(survivor=records.loose, other=records.on_b, take_from_other=set(), acting_user=world.erin)
    assert snapshot() == before


def test_a_manager_merges_a_person_with_a_login_and_the_login_follows(world, records):
    person_merge(survivor=records.lead_a, other=records.oliver_self, take_from_other=set(), acting_user=world.mary)
    records.lead_a.refresh_from_db()
    assert records.lead_a.user == world.oliver
    assert set(records.lead_a.delegations.values_list("mission", flat=True)) == {
        world.mission_a.pk,
        world.mission_b.pk,
    }


def test_the_compare_page_says_which_record_may_be_kept(as_user, world, records):
    url = reverse("contacts:person-merge-compare", args=[records.lead_a.pk, records.on_b.pk])
    response = as_user(world.alice).get(url)
    refusals = {record.pk: refusal for record, _moves, refusal in response.context["pairs"]}
    assert refusals[records.on_b.pk] is None  # keeping the B delegate moves only A's lead role
    assert f"Yui Tanaka is part of the mission “{B}” (delegates)" in refusals[records.lead_a.pk]
    html = response.content.decode()
    assert html.count('data-testid="merge-refusal"') == 1 and "You cannot keep this one" in html
