"""Detail pages: the record in both scripts, its people, and only the meetings,
follow-ups and outcomes the viewer may see."""

import pytest
from django.urls import reverse

from ..factories import FollowUpFactory, MeetingFactory, OrganisationFactory, OutcomeFactory, PersonFactory


def org_page(client, organisation):
    return client.get(reverse("contacts:organisation-detail", args=[organisation.pk]))


def person_page(client, person):
    return client.get(reverse("contacts:person-detail", args=[person.pk]))


def test_organisation_page_shows_both_scripts_people_and_subsidiaries(as_user, world, directory):
    OrganisationFactory(name="Takeda Ventures", parent=directory.takeda)
    html = org_page(as_user(world.alice), directory.takeda).content.decode()
    assert "Takeda Pharmaceutical" in html and "武田薬品工業" in html and "Takeda Yakuhin Kogyo" in html
    assert "Sato Ken" in html  # family name first, as he writes it
    assert "Takeda Ventures" in html


def test_delegate_sees_only_their_missions_meetings_and_their_own_followups(as_user, world, directory):
    own = OutcomeFactory(mission=world.mission_a, followup=directory.dave_followup, title="Pack led to a visit")
    own.organisations.add(directory.takeda)
    response = org_page(as_user(world.dave), directory.takeda)
    activity = response.context["activity"]
    assert [m.topic for m in activity.meetings] == ["Regenerative medicine on mission A"]
    assert [f.title for f in activity.followups] == ["Dave sends the pack"]
    # outcomes as their own rule says: those of his own follow-ups, not every outcome of mission A
    assert [o.title for o in activity.outcomes] == ["Pack led to a visit"]
    html = response.content.decode()
    assert "Secret San Diego licensing talk" not in html
    assert "Someone else&#x27;s task" not in html and "Erin&#x27;s San Diego task" not in html
    assert "MOU signed on B" not in html and "Research agreement on A" not in html
    meeting = activity.meetings[0]
    assert f'href="{reverse("meetings:detail", args=[meeting.pk])}"' in html  # the meeting opens from here
    assert "Where to set up in the UK?" in html


def test_delegate_on_b_sees_b_only(as_user, world, directory):
    activity = org_page(as_user(world.erin), directory.takeda).context["activity"]
    assert [m.topic for m in activity.meetings] == ["Secret San Diego licensing talk"]
    assert [f.title for f in activity.followups] == ["Erin's San Diego task"]
    assert activity.outcomes == []  # recorded on B's meeting, not on her follow-up: its page is a 404 for her
    assert activity.enquiries == []


def test_organiser_sees_every_followup_of_their_mission_only(as_user, world, directory):
    activity = org_page(as_user(world.alice), directory.takeda).context["activity"]
    assert {f.title for f in activity.followups} == {"Dave sends the pack", "Someone else's task"}
    assert [m.topic for m in activity.meetings] == ["Regenerative medicine on mission A"]


def test_manager_sees_everything(as_user, world, directory):
    activity = org_page(as_user(world.mary), directory.takeda).context["activity"]
    assert len(activity.meetings) == 2 and len(activity.followups) == 3 and len(activity.outcomes) == 2


def test_person_page_shows_meetings_with_them_restricted_by_role(as_user, world, directory):
    response = person_page(as_user(world.dave), directory.sato)
    html = response.content.decode()
    assert "Sato Ken" in html and "佐藤 健" in html
    activity = response.context["activity"]
    assert [m.topic for m in activity.meetings] == ["Regenerative medicine on mission A"]
    assert [f.title for f in activity.followups] == ["Dave sends the pack"]
    assert "Secret San Diego licensing talk" not in html


def test_delegates_own_person_page_lists_their_missions_and_meetings(as_user, world, directory):
    activity = person_page(as_user(world.erin), world.dave_delegate.person).context["activity"]
    # erin is not on mission A: dave's mission, meetings and follow-ups are not hers to see
    assert activity.meetings == [] and activity.followups == [] and activity.delegations == []
    activity = person_page(as_user(world.dave), world.dave_delegate.person).context["activity"]
    assert [d.mission for d in activity.delegations] == [world.mission_a]
    assert "Regenerative medicine on mission A" in [m.topic for m in activity.meetings]


def test_meeting_time_is_shown_in_the_missions_zone(as_user, world, directory):
    html = org_page(as_user(world.dave), directory.takeda).content.decode()
    assert "11:00" in html and "Asia/Tokyo" in html


@pytest.mark.parametrize("url", ["/contacts/organisations/abc/", "/contacts/people/-1/", "/contacts/people/1.5/"])
def test_malformed_ids_are_not_found(as_user, world, url):
    assert as_user(world.alice).get(url).status_code == 404


def test_huge_and_unknown_ids_are_not_found(as_user, world):
    client = as_user(world.alice)
    for pk in (999999, 10**30):
        assert client.get(f"/contacts/organisations/{pk}/").status_code == 404
        assert client.get(f"/contacts/people/{pk}/").status_code == 404


# Includes the follow-ups (notes, counterpart people) of the activity panel, and (+2) the ids of the
# meetings and follow-ups read first, which keeps these pages fast with 1M follow-ups (see bench/).
# The person page was already at 16 after the activity panel grew (pinned 14 had not followed).
ORGANISATION_DETAIL_QUERIES = 21  # + its aliases ("Also known as")
PERSON_DETAIL_QUERIES = 18


def _more_activity(world, directory, n=5):
    for _ in range(n):
        meeting = MeetingFactory(mission=world.mission_a)
        meeting.delegates.add(world.dave_delegate)
        meeting.counterpart_organisations.add(directory.takeda)
        meeting.counterpart_people.add(directory.sato, PersonFactory())
        FollowUpFactory(assignee=world.dave_delegate, meeting=meeting)
        OutcomeFactory(mission=world.mission_a, meeting=meeting).organisations.add(directory.takeda)
        PersonFactory(organisation=directory.takeda)


def test_detail_query_counts_are_constant(as_user, world, directory, django_assert_num_queries):
    client = as_user(world.alice)
    with django_assert_num_queries(ORGANISATION_DETAIL_QUERIES):
        assert org_page(client, directory.takeda).status_code == 200
    with django_assert_num_queries(PERSON_DETAIL_QUERIES):
        assert person_page(client, directory.sato).status_code == 200
    _more_activity(world, directory)
    with django_assert_num_queries(ORGANISATION_DETAIL_QUERIES):
        response = org_page(client, directory.takeda)
    assert len(response.context["activity"].meetings) == 6
    with django_assert_num_queries(PERSON_DETAIL_QUERIES):
        response = person_page(client, directory.sato)
    assert len(response.context["activity"].meetings) == 6
