"""Organisers select several follow-ups and act on them at once, with a summary of what changed."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from followups.models import FollowUp

from ..factories import DelegateFactory, FollowUpFactory


def bulk(client, mission, **data):
    return client.post(reverse("followups:mission-followups-bulk", args=[mission.pk]), data, follow=True)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_bulk_mark_done_with_summary(world, as_user):
    a, b = FollowUpFactory.create_batch(2, assignee=world.dave_delegate)
    already = FollowUpFactory(assignee=world.dave_delegate)
    already.status, already.completed_at = FollowUp.Status.DONE, timezone.now()
    already.save()
    response = bulk(
        as_user(world.alice), world.mission_a, action="complete", note="Done at the debrief",
        selected=[a.pk, b.pk, already.pk],
    )  # fmt: skip
    assert "Marked done: 2 follow-ups, 1 already so." in messages_of(response)
    for followup in (a, b):
        followup.refresh_from_db()
        assert followup.status == FollowUp.Status.DONE and followup.completion_note == "Done at the debrief"
        assert followup.history.latest().history_user == world.alice


def test_bulk_snooze_by_days_from_due_date_or_today(world, as_user):
    today = timezone.localdate()
    overdue = FollowUpFactory(assignee=world.dave_delegate, due_on=today - timedelta(days=5))
    upcoming = FollowUpFactory(assignee=world.dave_delegate, due_on=today + timedelta(days=2))
    response = bulk(
        as_user(world.alice), world.mission_a, action="snooze", days="7", selected=[overdue.pk, upcoming.pk]
    )
    assert "Snoozed by 7 days: 2 follow-ups." in messages_of(response)
    overdue.refresh_from_db()
    upcoming.refresh_from_db()
    assert overdue.due_on == today + timedelta(days=7)
    assert upcoming.due_on == today + timedelta(days=9)


def test_bulk_snooze_skips_done_ones_and_says_so(world, as_user):
    open_one = FollowUpFactory(assignee=world.dave_delegate)
    done = FollowUpFactory(assignee=world.dave_delegate, status=FollowUp.Status.DONE, completed_at=timezone.now())
    response = bulk(as_user(world.alice), world.mission_a, action="snooze", days="3", selected=[open_one.pk, done.pk])
    shown = messages_of(response)
    assert "Snoozed by 3 days: 1 follow-up, 1 refused." in shown
    assert any("only open follow-ups can be snoozed" in m for m in shown)


def test_bulk_reassign_within_the_mission(world, as_user):
    colleague = DelegateFactory(mission=world.mission_a)
    chosen = FollowUpFactory.create_batch(3, assignee=world.dave_delegate)
    response = bulk(
        as_user(world.alice), world.mission_a, action="reassign", assignee=colleague.pk, selected=[f.pk for f in chosen]
    )
    assert f"Reassigned to {colleague.person.full_name}: 3 follow-ups." in messages_of(response)
    assert FollowUp.objects.filter(assignee=colleague).count() == 3


def test_bulk_reassign_to_another_missions_delegate_is_refused(world, as_user):
    chosen = FollowUpFactory(assignee=world.dave_delegate)
    response = bulk(
        as_user(world.mary), world.mission_a, action="reassign", assignee=world.erin_delegate.pk, selected=[chosen.pk]
    )
    assert response.status_code == 200
    assert "a follow-up can only go to a delegate of its own mission" in response.content.decode()
    chosen.refresh_from_db()
    assert chosen.assignee == world.dave_delegate


def test_bulk_without_selection_or_days_changes_nothing_and_says_why(world, as_user):
    followup = FollowUpFactory(assignee=world.dave_delegate)
    client = as_user(world.alice)
    response = bulk(client, world.mission_a, action="complete")
    assert "Select at least one follow-up." in response.content.decode()
    response = bulk(client, world.mission_a, action="snooze", selected=[followup.pk])
    assert "Say by how many days to snooze." in response.content.decode()
    response = bulk(client, world.mission_a, action="snooze", days="-3", selected=[followup.pk])
    assert response.status_code == 200
    followup.refresh_from_db()
    assert followup.status == FollowUp.Status.OPEN
    assert followup.due_on == timezone.localdate() + timedelta(days=3)


def test_bulk_ignores_followups_of_other_missions(world, as_user):
    theirs = FollowUpFactory(assignee=world.erin_delegate)
    response = bulk(as_user(world.mary), world.mission_a, action="complete", selected=[theirs.pk])
    assert "Select at least one follow-up." in response.content.decode() or "reload" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.status == FollowUp.Status.OPEN


def test_filters_status_assignee_overdue_and_due_range(world, as_user):
    today = timezone.localdate()
    colleague = DelegateFactory(mission=world.mission_a)
    late = FollowUpFactory(assignee=world.dave_delegate, due_on=today - timedelta(days=2), title="Late one")
    soon = FollowUpFactory(assignee=colleague, due_on=today + timedelta(days=4), title="Soon one")
    far = FollowUpFactory(assignee=colleague, due_on=today + timedelta(days=40), title="Far one")
    client = as_user(world.alice)
    url = reverse("followups:mission-followups", args=[world.mission_a.pk])

    def titles(**query):
        response = client.get(url, query)
        assert response.status_code == 200
        return {f.title for f in response.context["page"].object_list}

    assert titles() == {late.title, soon.title, far.title}
    assert titles(overdue="yes") == {late.title}
    assert titles(assignee=colleague.pk) == {soon.title, far.title}
    assert titles(due_from=today.isoformat(), due_to=(today + timedelta(days=10)).isoformat()) == {soon.title}
    assert titles(status="done") == set()
    # bad input: a clear message, never a 500
    response = client.get(url, {"due_from": "2026-13-45", "assignee": "abc"})
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()
    response = client.get(url, {"due_from": today.isoformat(), "due_to": (today - timedelta(days=1)).isoformat()})
    assert "“Due until” is before “Due from”." in response.content.decode()


def test_the_mission_list_counts_each_follow_ups_notes(world, as_user):
    from followups.models import FollowUpNote

    noted = FollowUpFactory(assignee=world.dave_delegate, title="Send the co-location pack")
    FollowUpFactory(assignee=world.dave_delegate, title="Book the site visit")
    for text in ("Called them.", "They want the Japanese version."):
        FollowUpNote.objects.create(followup=noted, author=world.dave, text=text)
    html = as_user(world.alice).get(reverse("followups:mission-followups", args=[world.mission_a.pk])).content.decode()
    row = html[html.index("Send the co-location pack") :].split("</tr>")[0]
    assert "2 notes" in row
    row = html[html.index("Book the site visit") :].split("</tr>")[0]
    assert "note" not in row


def test_a_bulk_action_after_a_refused_one_lands_back_on_the_filtered_list(world, as_user):
    """The refused page is served at …/bulk/: its form and page links still lead back to the list."""
    import re

    followup = FollowUpFactory(assignee=world.dave_delegate)
    client = as_user(world.alice)
    list_url = reverse("followups:mission-followups", args=[world.mission_a.pk])
    refused = bulk(client, world.mission_a, action="complete", next=f"{list_url}?status=open")
    back = re.search(r'name="next" value="([^"]*)"', refused.content.decode()).group(1).replace("&amp;", "&")
    assert back == f"{list_url}?status=open"
    assert 'href="?' not in refused.content.decode()  # page links would GET …/bulk/
    done = bulk(client, world.mission_a, action="complete", selected=[followup.pk], next=back)
    assert done.status_code == 200 and done.redirect_chain == [(f"{list_url}?status=open", 302)]
    followup.refresh_from_db()
    assert followup.status == FollowUp.Status.DONE


def test_a_bulk_action_never_goes_back_to_the_bulk_url_itself(world, as_user):
    followup = FollowUpFactory(assignee=world.dave_delegate)
    bulk_url = reverse("followups:mission-followups-bulk", args=[world.mission_a.pk])
    response = bulk(as_user(world.alice), world.mission_a, action="complete", selected=[followup.pk], next=bulk_url)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("followups:mission-followups", args=[world.mission_a.pk])
