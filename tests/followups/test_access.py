"""Nobody reaches a follow-up that is not theirs to see, by any URL: every action by id is a 404."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from followups.models import FollowUp, FollowUpNote

from ..factories import DelegateFactory, delegate_with_login


def actions(followup):
    later = (timezone.localdate() + timedelta(days=10)).isoformat()
    return [
        ("get", reverse("followups:followup-detail", args=[followup.pk]), {}),
        ("post", reverse("followups:followup-complete", args=[followup.pk]), {"note": "Done by someone else"}),
        ("post", reverse("followups:followup-snooze", args=[followup.pk]), {"due_on": later}),
        ("post", reverse("followups:followup-reopen", args=[followup.pk]), {}),
        ("post", reverse("followups:followup-add-note", args=[followup.pk]), {"text": "Sneaky note"}),
        ("get", reverse("followups:followup-reassign", args=[followup.pk]), {}),
        ("post", reverse("followups:followup-reassign", args=[followup.pk]), {"assignee": followup.assignee_id}),
        ("get", reverse("followups:followup-outcome", args=[followup.pk]), {}),
        (
            "post",
            reverse("followups:followup-outcome", args=[followup.pk]),
            {"kind": "mou", "title": "Fake MOU", "achieved_on": "2026-01-01", "mark_done": "on"},
        ),
    ]


@pytest.mark.parametrize("intruder", ["erin", "oliver", "nobody"])
def test_others_get_404_for_every_action_on_daves_followup(world, as_user, dave_followup, intruder):
    client = as_user(getattr(world, intruder))
    for method, url, data in actions(dave_followup):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, f"{intruder} {method} {url}: {response.status_code}"
    dave_followup.refresh_from_db()
    assert dave_followup.status == FollowUp.Status.OPEN
    assert dave_followup.due_on == timezone.localdate() + timedelta(days=3)
    assert not FollowUpNote.objects.exists()
    assert not dave_followup.outcomes.exists()


def test_a_fellow_delegate_on_the_same_mission_gets_404_too(world, as_user, dave_followup):
    colleague, _ = delegate_with_login(world.mission_a, username="carol")
    client = as_user(colleague)
    for method, url, data in actions(dave_followup):
        assert getattr(client, method)(url, data).status_code == 404, url
    dave_followup.refresh_from_db()
    assert dave_followup.status == FollowUp.Status.OPEN


def test_the_assignee_may_act_but_not_reassign(world, as_user, dave_followup):
    client = as_user(world.dave)
    assert client.get(reverse("followups:followup-detail", args=[dave_followup.pk])).status_code == 200
    assert client.get(reverse("followups:followup-reassign", args=[dave_followup.pk])).status_code == 403
    other = DelegateFactory(mission=world.mission_a)
    response = client.post(reverse("followups:followup-reassign", args=[dave_followup.pk]), {"assignee": other.pk})
    assert response.status_code == 403
    dave_followup.refresh_from_db()
    assert dave_followup.assignee == world.dave_delegate


def test_other_missions_organiser_cannot_list_or_bulk_change_mission_a(world, as_user, dave_followup):
    client = as_user(world.oliver)
    assert client.get(reverse("followups:mission-followups", args=[world.mission_a.pk])).status_code == 404
    response = client.post(
        reverse("followups:mission-followups-bulk", args=[world.mission_a.pk]),
        {"action": "complete", "selected": [dave_followup.pk]},
    )
    assert response.status_code == 404
    # nor through their own mission's bulk form with A's follow-up id
    response = client.post(
        reverse("followups:mission-followups-bulk", args=[world.mission_b.pk]),
        {"action": "complete", "selected": [dave_followup.pk]},
    )
    dave_followup.refresh_from_db()
    assert dave_followup.status == FollowUp.Status.OPEN


def test_a_delegate_cannot_open_the_mission_followup_list(world, as_user, dave_followup):
    client = as_user(world.dave)
    assert client.get(reverse("followups:mission-followups", args=[world.mission_a.pk])).status_code == 403
    assert client.get(reverse("followups:mission-outcomes", args=[world.mission_a.pk])).status_code == 403


def test_organiser_sees_every_followup_of_their_mission_only(world, as_user, dave_followup, erin_followup):
    page = as_user(world.alice).get(reverse("followups:mission-followups", args=[world.mission_a.pk]))
    text = page.content.decode()
    assert dave_followup.title in text
    assert erin_followup.title not in text


def test_unknown_ids_are_404_not_500(world, as_user):
    client = as_user(world.mary)
    assert client.get("/followups/999999/").status_code == 404
    assert client.post("/followups/999999/complete/").status_code == 404
    assert client.get("/followups/outcomes/999999/edit/").status_code == 404
