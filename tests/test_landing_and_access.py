"""Each role lands on its own page, and sees only the missions it belongs to."""

import pytest
from django.urls import reverse

from .conftest import PASSWORD
from .factories import FollowUpFactory


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


@pytest.mark.parametrize(
    ("persona", "landing"),
    [
        ("mary", "events:mission-list"),
        ("alice", "events:mission-list"),
        ("oliver", "events:mission-list"),
        ("dave", "followups:my-followups"),
        ("erin", "followups:my-followups"),
        ("nobody", "followups:my-followups"),
    ],
)
def test_each_role_lands_on_its_page(client, world, persona, landing):
    login(client, getattr(world, persona))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse(landing)


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    for url in [reverse("home"), reverse("events:mission-list"), reverse("followups:my-followups")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_manager_sees_every_mission(client, world):
    login(client, world.mary)
    page = client.get(reverse("events:mission-list")).content.decode()
    assert world.mission_a.title in page and world.mission_b.title in page


def test_organiser_sees_only_their_missions(client, world):
    login(client, world.alice)
    page = client.get(reverse("events:mission-list")).content.decode()
    assert world.mission_a.title in page
    assert world.mission_b.title not in page


@pytest.mark.parametrize(
    ("persona", "mission", "status"),
    [
        ("mary", "mission_a", 200),
        ("mary", "mission_b", 200),
        ("alice", "mission_a", 200),
        ("alice", "mission_b", 404),
        ("dave", "mission_a", 200),
        ("dave", "mission_b", 404),
        ("erin", "mission_a", 404),
        ("oliver", "mission_a", 404),
        ("nobody", "mission_a", 404),
    ],
)
def test_mission_detail_by_id(client, world, persona, mission, status):
    login(client, getattr(world, persona))
    response = client.get(reverse("events:mission-detail", args=[getattr(world, mission).pk]))
    assert response.status_code == status


def test_a_missing_mission_is_a_404_in_the_products_layout(client, world):
    login(client, world.mary)
    response = client.get("/missions/999999/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_delegate_sees_only_their_own_followups(client, world):
    mine = FollowUpFactory(assignee=world.dave_delegate, title="Send the co-location pack")
    theirs = FollowUpFactory(assignee=world.erin_delegate, title="Send the tissue data pack")
    login(client, world.dave)
    page = client.get(reverse("followups:my-followups")).content.decode()
    assert mine.title in page
    assert theirs.title not in page
