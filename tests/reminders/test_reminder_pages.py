"""The mission's reminders page, resending, and the opt-out link."""

import pytest
from django.core import mail
from django.urls import reverse

from followups import reminders
from followups.models import ReminderEmail

from ..conftest import PASSWORD
from .conftest import day_after_end, dispatch
from .factories import ReminderEmailFactory

State = ReminderEmail.State


@pytest.fixture
def failed(world):
    return ReminderEmailFactory(mission=world.mission_a, recipient=world.dave_delegate.person, state=State.FAILED)


def resend_url(reminder):
    return reverse("followups:reminder-resend", kwargs={"pk": reminder.mission_id, "reminder_pk": reminder.pk})


@pytest.mark.parametrize("persona", ["alice", "mary"])
def test_organisers_and_managers_can_resend_a_failed_reminder(client, world, failed, persona):
    client.login(username=persona, password=PASSWORD)
    response = client.post(resend_url(failed), follow=True)
    assert "will be sent again in a moment" in response.text
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == (State.PENDING, 0)


@pytest.mark.parametrize(("persona", "status"), [("dave", 403), ("erin", 404), ("oliver", 404), ("nobody", 404)])
def test_nobody_else_can_resend(client, world, failed, persona, status):
    client.login(username=persona, password=PASSWORD)
    assert client.post(resend_url(failed)).status_code == status
    assert client.get(reverse("followups:mission-reminders", args=[failed.mission_id])).status_code == status
    failed.refresh_from_db()
    assert failed.state == State.FAILED


def test_a_reminder_of_another_mission_cannot_be_resent_through_mine(client, world):
    other = ReminderEmailFactory(mission=world.mission_b, recipient=world.erin_delegate.person, state=State.FAILED)
    client.login(username="alice", password=PASSWORD)
    url = reverse("followups:reminder-resend", kwargs={"pk": world.mission_a.pk, "reminder_pk": other.pk})
    assert client.post(url).status_code == 404
    other.refresh_from_db()
    assert other.state == State.FAILED


def test_resending_a_reminder_that_has_not_failed_changes_nothing(client, world):
    sent = ReminderEmailFactory(
        mission=world.mission_a, recipient=world.dave_delegate.person, state=State.SENT, sent_at=day_after_end(1)
    )
    client.login(username="alice", password=PASSWORD)
    response = client.post(resend_url(sent), follow=True)
    assert "Only a failed reminder can be sent again." in response.text
    sent.refresh_from_db()
    assert sent.state == State.SENT


def test_reminders_page_shows_each_state_and_the_error(client, world, failed, django_assert_max_num_queries):
    client.login(username="alice", password=PASSWORD)
    url = reverse("followups:mission-reminders", args=[world.mission_a.pk])
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for offset in range(2, 12):
        ReminderEmailFactory(
            mission=world.mission_a, offset_days=offset, kind="summary", recipient=world.dave_delegate.person
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    text = response.text
    assert "Failed: 1" in text and "Pending: 10" in text
    assert "The mail server refused the recipient: 451 4.3.0 Try again later" in text
    assert text.count(">Resend</button>") == 1


def test_mission_page_links_organisers_to_the_reminders(client, world):
    client.login(username="alice", password=PASSWORD)
    page = client.get(reverse("events:mission-detail", args=[world.mission_a.pk])).text
    assert reverse("followups:mission-reminders", args=[world.mission_a.pk]) in page
    client.login(username="dave", password=PASSWORD)
    page = client.get(reverse("events:mission-detail", args=[world.mission_a.pk])).text
    assert reverse("followups:mission-reminders", args=[world.mission_a.pk]) not in page


def opt_out_link(message) -> str:
    return message.extra_headers["List-Unsubscribe"].strip("<>")


def test_the_opt_out_link_in_an_email_works_once_without_signing_in(client, trip, settings):
    settings.SITE_URL = "http://testserver"
    digest = next(m for m in dispatch(day_after_end(1)) if trip.lena.email in m.to[0])
    link = opt_out_link(digest)
    assert link in digest.body
    path = link.removeprefix("http://testserver")

    page = client.get(path)  # a link scanner opening it changes nothing
    assert "Stop my reminder emails" in page.text
    trip.lena.refresh_from_db()
    assert not trip.lena.reminders_opt_out

    done = client.post(path)
    assert "will get no more reminder emails" in done.text
    trip.lena.refresh_from_db()
    assert trip.lena.reminders_opt_out
    assert not ReminderEmail.objects.filter(recipient=trip.lena, state=State.PENDING).exists()

    again = client.post(path, follow=True)
    assert "has already stopped reminder emails" in again.text
    assert "Stop my reminder emails" not in again.text
    mail.outbox.clear()
    assert all(trip.lena.email not in m.to[0] for m in dispatch(day_after_end(31)))


def test_an_opt_out_link_cannot_be_forged_or_retargeted(client, trip):
    token = reminders.opt_out_token(trip.lena)
    other = reminders.opt_out_token(trip.oscar)
    forged = [
        token[:-2] + ("AA" if token[-2:] != "AA" else "BB"),
        f"{other.split(':')[0]}:{token.split(':', 1)[1]}",
        "not-a-token",
    ]
    for bad in forged:
        url = reverse("followups:reminders-opt-out", args=[bad])
        assert client.get(url).status_code == 404
        response = client.post(url)
        assert response.status_code == 404 and "This link is not valid" in response.text
    trip.lena.refresh_from_db()
    trip.oscar.refresh_from_db()
    assert not trip.lena.reminders_opt_out and not trip.oscar.reminders_opt_out


def test_one_click_unsubscribe_from_a_mail_provider(client, trip):
    """RFC 8058: the provider POSTs List-Unsubscribe=One-Click, without a CSRF token."""
    csrf_client = client.__class__(enforce_csrf_checks=True)
    url = reverse("followups:reminders-opt-out", args=[reminders.opt_out_token(trip.oscar)])
    assert csrf_client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    trip.oscar.refresh_from_db()
    assert trip.oscar.reminders_opt_out
