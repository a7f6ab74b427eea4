"""Complete, snooze, notes and reassign: what the user sees and what is recorded."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from followups import services
from followups.models import FollowUp, FollowUpNote

from ..factories import DelegateFactory


def test_delegate_marks_done_with_a_note_and_it_moves_to_done(world, as_user, dave_followup):
    client = as_user(world.dave)
    response = client.post(
        reverse("followups:followup-complete", args=[dave_followup.pk]),
        {"note": "Pack sent; Sato-san will visit in March.", "next": reverse("followups:my-followups")},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("followups:my-followups")
    done = response.context["buckets"].done
    assert [f.pk for f in done] == [dave_followup.pk]
    assert "Pack sent; Sato-san will visit in March." in response.content.decode()
    dave_followup.refresh_from_db()
    assert dave_followup.status == FollowUp.Status.DONE
    assert dave_followup.completed_at is not None
    assert dave_followup.modified_by == world.dave
    latest = dave_followup.history.latest()
    assert latest.history_user == world.dave and latest.status == FollowUp.Status.DONE


def test_completing_a_done_followup_is_harmless(world, dave_followup):
    assert services.followup_complete(followup=dave_followup, acting_user=world.dave, note="First")
    first = FollowUp.objects.get(pk=dave_followup.pk)
    assert not services.followup_complete(followup=dave_followup, acting_user=world.alice, note="Second")
    again = FollowUp.objects.get(pk=dave_followup.pk)
    assert (again.completion_note, again.completed_at, again.modified_by) == ("First", first.completed_at, world.dave)
    assert dave_followup.history.count() == 2


def test_a_cancelled_followup_cannot_be_completed_or_snoozed(world, as_user, dave_followup):
    FollowUp.objects.filter(pk=dave_followup.pk).update(status=FollowUp.Status.CANCELLED)
    client = as_user(world.dave)
    response = client.post(reverse("followups:followup-complete", args=[dave_followup.pk]), {"note": "x"})
    assert response.status_code == 200
    assert "is cancelled; it cannot be marked done" in response.content.decode()
    assert FollowUp.objects.get(pk=dave_followup.pk).status == FollowUp.Status.CANCELLED


def test_snooze_moves_the_due_date(world, as_user, dave_followup):
    new_date = timezone.localdate() + timedelta(days=20)
    as_user(world.dave).post(
        reverse("followups:followup-snooze", args=[dave_followup.pk]), {"due_on": new_date.isoformat()}
    )
    dave_followup.refresh_from_db()
    assert dave_followup.due_on == new_date
    assert dave_followup.history.latest().history_user == world.dave


def test_snooze_into_the_past_is_refused_and_keeps_what_was_typed(world, as_user, dave_followup):
    yesterday = timezone.localdate() - timedelta(days=1)
    response = as_user(world.dave).post(
        reverse("followups:followup-snooze", args=[dave_followup.pk]), {"due_on": yesterday.isoformat()}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "is in the past" in text
    assert f'value="{yesterday.isoformat()}"' in text
    dave_followup.refresh_from_db()
    assert dave_followup.due_on == timezone.localdate() + timedelta(days=3)


def test_the_snooze_service_refuses_the_past_too(world, dave_followup):
    with pytest.raises(services.FollowUpActionRefused, match="in the past"):
        services.followup_snooze(
            followup=dave_followup, acting_user=world.dave, due_on=timezone.localdate() - timedelta(days=1)
        )


def test_a_done_followup_cannot_be_snoozed(world, dave_followup):
    services.followup_complete(followup=dave_followup, acting_user=world.dave)
    with pytest.raises(services.FollowUpActionRefused, match="only open follow-ups can be snoozed"):
        services.followup_snooze(
            followup=dave_followup, acting_user=world.dave, due_on=timezone.localdate() + timedelta(days=9)
        )


def test_notes_form_a_thread_with_author_and_time(world, as_user, dave_followup):
    as_user(world.dave).post(reverse("followups:followup-add-note", args=[dave_followup.pk]), {"text": "Emailed."})
    client = as_user(world.alice)
    client.post(reverse("followups:followup-add-note", args=[dave_followup.pk]), {"text": "Chase in a week <b>"})
    notes = list(FollowUpNote.objects.filter(followup=dave_followup))
    assert [(n.author, n.text) for n in notes] == [(world.dave, "Emailed."), (world.alice, "Chase in a week <b>")]
    page = client.get(reverse("followups:followup-detail", args=[dave_followup.pk])).content.decode()
    assert page.index("Emailed.") < page.index("Chase in a week &lt;b&gt;")
    assert str(world.dave) in page and str(world.alice) in page


def test_an_empty_note_is_refused_with_a_message(world, as_user, dave_followup):
    response = as_user(world.dave).post(
        reverse("followups:followup-add-note", args=[dave_followup.pk]), {"text": "   "}
    )
    assert response.status_code == 200
    assert "Write something before adding the note." in response.content.decode()
    assert not FollowUpNote.objects.exists()


def test_htmx_note_returns_only_the_thread(world, as_user, dave_followup):
    response = as_user(world.dave).post(
        reverse("followups:followup-add-note", args=[dave_followup.pk]),
        {"text": "Left a voicemail", "from": "mine"},
        HTTP_HX_REQUEST="true",
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert f'id="notes-{dave_followup.pk}"' in text and "Left a voicemail" in text
    assert "<html" not in text


def test_htmx_complete_returns_the_refreshed_buckets(world, as_user, dave_followup):
    response = as_user(world.dave).post(
        reverse("followups:followup-complete", args=[dave_followup.pk]),
        {"note": "Sent", "from": "mine"},
        HTTP_HX_REQUEST="true",
    )
    text = response.content.decode()
    assert 'id="my-followups"' in text and "<html" not in text
    assert [f.pk for f in response.context["buckets"].done] == [dave_followup.pk]
    assert "Done: “Send the co-location pack”." in text


def test_organiser_reassigns_to_a_delegate_of_the_same_mission(world, as_user, dave_followup):
    colleague = DelegateFactory(mission=world.mission_a)
    response = as_user(world.alice).post(
        reverse("followups:followup-reassign", args=[dave_followup.pk]), {"assignee": colleague.pk}, follow=True
    )
    assert f"Reassigned “{dave_followup.title}” to {colleague.person.full_name}." in response.content.decode()
    dave_followup.refresh_from_db()
    assert dave_followup.assignee == colleague
    assert dave_followup.history.latest().history_user == world.alice
    # the history names who did it
    page = response.content.decode()
    assert f"reassigned it from {world.dave_delegate.person.full_name} to {colleague.person.full_name}" in page


def test_reassigning_to_a_delegate_of_another_mission_is_refused_clearly(world, as_user, dave_followup):
    response = as_user(world.mary).post(
        reverse("followups:followup-reassign", args=[dave_followup.pk]), {"assignee": world.erin_delegate.pk}
    )
    assert response.status_code == 200
    assert "a follow-up can only go to a delegate of its own mission" in response.content.decode()
    dave_followup.refresh_from_db()
    assert dave_followup.assignee == world.dave_delegate


def test_the_reassign_service_refuses_another_missions_delegate(world, dave_followup):
    with pytest.raises(services.FollowUpActionRefused, match="not a delegate of"):
        services.followup_reassign(followup=dave_followup, acting_user=world.mary, assignee=world.erin_delegate)


def test_my_followups_shows_meeting_counterpart_native_name_and_mission(world, as_user, dave_followup):
    text = as_user(world.dave).get(reverse("followups:my-followups")).content.decode()
    assert "Send the co-location pack" in text
    assert "Takeda Pharmaceutical" in text and "武田薬品工業" in text
    assert world.mission_a.title in text
    assert reverse("followups:followup-detail", args=[dave_followup.pk]) in text


def test_htmx_snooze_into_the_past_shows_the_error_in_place(world, as_user, dave_followup):
    yesterday = timezone.localdate() - timedelta(days=1)
    response = as_user(world.dave).post(
        reverse("followups:followup-snooze", args=[dave_followup.pk]),
        {"due_on": yesterday.isoformat(), "from": "mine"},
        HTTP_HX_REQUEST="true",
    )
    text = response.content.decode()
    assert response.status_code == 200  # htmx swaps 2xx only
    assert 'id="my-followups"' in text and "<html" not in text
    assert "is in the past" in text and f'value="{yesterday.isoformat()}"' in text
    dave_followup.refresh_from_db()
    assert dave_followup.due_on == timezone.localdate() + timedelta(days=3)


def test_a_mistapped_mark_done_is_undone_from_my_followups_and_leaves_history(world, as_user, dave_followup):
    client = as_user(world.dave)
    mine = reverse("followups:my-followups")
    client.post(reverse("followups:followup-complete", args=[dave_followup.pk]), {"note": "Oops", "next": mine})
    page = client.get(mine).content.decode()
    assert reverse("followups:followup-reopen", args=[dave_followup.pk]) in page  # the done row offers Reopen
    response = client.post(reverse("followups:followup-reopen", args=[dave_followup.pk]), {"next": mine}, follow=True)
    assert response.redirect_chain[-1][0] == mine
    assert f"Reopened “{dave_followup.title}”" in response.content.decode()
    assert [f.pk for f in response.context["buckets"].done] == []
    dave_followup.refresh_from_db()
    assert (dave_followup.status, dave_followup.completed_at, dave_followup.completion_note) == (
        FollowUp.Status.OPEN,
        None,
        "",
    )
    states = [(h.status, h.completion_note, h.history_user) for h in dave_followup.history.order_by("history_date")]
    assert states[-2:] == [(FollowUp.Status.DONE, "Oops", world.dave), (FollowUp.Status.OPEN, "", world.dave)]


def test_reopening_with_htmx_swaps_the_buckets_in_place(world, as_user, dave_followup):
    services.followup_complete(followup=dave_followup, acting_user=world.dave)
    response = as_user(world.dave).post(
        reverse("followups:followup-reopen", args=[dave_followup.pk]), {"from": "mine"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and 'id="my-followups"' in response.content.decode()
    assert FollowUp.objects.get(pk=dave_followup.pk).status == FollowUp.Status.OPEN


def test_reopening_an_open_or_cancelled_followup_changes_nothing(world, as_user, dave_followup):
    client = as_user(world.alice)
    url = reverse("followups:followup-reopen", args=[dave_followup.pk])
    assert "was already open" in client.post(url, follow=True).content.decode()
    FollowUp.objects.filter(pk=dave_followup.pk).update(status=FollowUp.Status.CANCELLED)
    response = client.post(url, follow=True)
    assert "only a done follow-up can be reopened" in response.content.decode()
    assert FollowUp.objects.get(pk=dave_followup.pk).status == FollowUp.Status.CANCELLED
    assert dave_followup.history.count() == 1
