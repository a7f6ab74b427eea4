"""The lessons of other CRMs, one test each, through the services (inline sending, locmem email)."""

import re
from datetime import timedelta

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from contacts.models import Person
from events.models import Delegate, Mission
from followups import reminders
from followups.models import FollowUp, ReminderEmail

from ..conftest import PASSWORD
from .conftest import END, day_after_end, dispatch, make_trip, recipients

State = ReminderEmail.State


def test_a_finished_mission_emails_digests_summaries_and_nudges_once_each(trip):
    first = dispatch(day_after_end(31))
    oscar, lena, hannah = trip.oscar.email, trip.lena.email, trip.hannah.email
    assert recipients(first) == sorted(
        [(oscar, "digest")] * 3
        + [(lena, "digest")] * 3
        + [(hannah, "summary")] * 3
        + [(oscar, "nudge")] * 2
        + [(lena, "nudge")]
    )
    assert dispatch(day_after_end(40)) == []
    assert len({m.extra_headers["Message-ID"] for m in first}) == len(first)


def test_digest_lists_open_and_overdue_with_links_in_text_and_html(trip, settings):
    settings.SITE_URL = "https://crm.example.org"
    sent = dispatch(day_after_end(7))
    digest = next(m for m in sent if m.to[0].endswith(f"<{trip.oscar.email}>") and "7 days after" in m.body)
    assert digest.subject == "UK life sciences to BioJapan: 2 open follow-ups, 1 overdue"
    overdue_part, open_part = digest.body.split("OVERDUE")[1].split("OPEN")
    assert "Send Takeda the licensing term sheet" in overdue_part
    assert "Introduce Astellas to the catapult" in open_part
    assert f"https://crm.example.org/followups/{trip.term_sheet.pk}/" in digest.body
    html = digest.alternatives[0][0]
    assert f'href="https://crm.example.org/followups/{trip.astellas.pk}/"' in html
    assert digest.extra_headers["List-Unsubscribe"].startswith("<https://crm.example.org/followups/reminders/opt-out/")
    assert "Book the Osaka site visit" not in digest.body  # lena's, not his


def test_organiser_summary_counts_the_missions_follow_ups(trip):
    trip.osaka.status, trip.osaka.completed_at = FollowUp.Status.DONE, day_after_end(2)
    trip.osaka.save()
    reminders.reminders_rearm_for_followup(followup=trip.osaka, now=day_after_end(2))
    sent = dispatch(day_after_end(7))
    summary = next(m for m in sent if m.to[0].endswith(f"<{trip.hannah.email}>") and "7 days after" in m.subject)
    assert "open 2 (overdue 1), done 1, cancelled 0" in summary.body
    assert f"- {trip.oscar.full_name}: 2 / 1 / 0" in summary.body


def test_moving_the_end_date_reschedules_pending_reminders_and_keeps_sent_ones(trip):
    sent = dispatch(day_after_end(1))
    assert len(sent) == 3  # +1 digests for oscar and lena, +1 summary for hannah
    trip.mission.end_date = END + timedelta(days=10)
    trip.mission.save()
    reminders.reminders_rearm_for_mission(mission=trip.mission, now=day_after_end(2))
    rows = ReminderEmail.objects.filter(mission=trip.mission, offset_days__isnull=False)
    assert {r.state for r in rows if r.offset_days == 1} == {State.SENT}
    seven = rows.get(kind="digest", recipient=trip.oscar, offset_days=7)
    assert seven.state == State.PENDING
    assert seven.due_at.isoformat() == "2026-11-10T09:00:00+00:00"  # 17 days after 24 Oct, 09:00 in London (GMT)
    # The old +7 date sends no digest or summary now (nudges follow the follow-ups' own due dates).
    assert [kind for _, kind in recipients(dispatch(day_after_end(8)))] == ["nudge", "nudge"]
    later = dispatch(day_after_end(17))
    assert sorted(r[1] for r in recipients(later) if r[1] != "nudge") == ["digest", "digest", "summary"]


def test_a_cancelled_mission_sends_nothing(trip):
    trip.mission.status = Mission.Status.CANCELLED
    trip.mission.save()
    reminders.reminders_rearm_for_mission(mission=trip.mission, now=day_after_end(0))
    assert set(ReminderEmail.objects.values_list("state", flat=True)) == {State.CANCELLED}
    assert dispatch(day_after_end(31)) == []


def test_a_mission_cancelled_without_rearming_is_caught_at_send_time(trip):
    Mission.objects.filter(pk=trip.mission.pk).update(status=Mission.Status.CANCELLED)
    assert dispatch(day_after_end(31)) == []
    row = ReminderEmail.objects.filter(mission=trip.mission).first()
    assert (row.state, row.cancel_reason) == (State.CANCELLED, "Mission cancelled.")


def test_done_cancelled_or_deleted_follow_ups_send_nothing(trip):
    trip.term_sheet.status, trip.term_sheet.completed_at = FollowUp.Status.DONE, day_after_end(1)
    trip.term_sheet.save()
    trip.osaka.delete()
    reminders.reminders_rearm_for_mission(mission=trip.mission, now=day_after_end(1, hour=0))
    sent = dispatch(day_after_end(31))
    assert (trip.lena.email, "digest") not in recipients(sent)
    assert all(trip.lena.email not in m.to[0] for m in sent)
    nudges = [m for m in sent if "Overdue follow-up" in m.subject]
    assert [m.subject for m in nudges] == ["Overdue follow-up: Introduce Astellas to the catapult"]
    assert all("Send Takeda the licensing term sheet" not in m.body for m in sent)


def test_a_follow_up_closed_without_rearming_is_caught_at_send_time(trip):
    FollowUp.objects.filter(pk=trip.osaka.pk).update(status=FollowUp.Status.CANCELLED)
    sent = dispatch(day_after_end(31))
    assert all(trip.lena.email not in m.to[0] for m in sent)
    reasons = set(ReminderEmail.objects.filter(recipient=trip.lena).values_list("state", "cancel_reason"))
    assert reasons == {
        (State.CANCELLED, "No open follow-ups left for this delegate."),
        (State.CANCELLED, "Follow-up done, cancelled, deleted, reassigned or given a new due date."),
    }


def test_reassigning_a_follow_up_moves_its_reminders(trip):
    trip.osaka.assignee = trip.oscar_delegate
    trip.osaka.save()
    reminders.reminders_rearm_for_followup(followup=trip.osaka, now=day_after_end(0))
    sent = dispatch(day_after_end(31))
    assert all(trip.lena.email not in m.to[0] for m in sent)
    assert "Overdue follow-up: Book the Osaka site visit" in [m.subject for m in sent]


def test_a_new_offset_does_not_email_for_dates_already_past(trip):
    assert len(dispatch(day_after_end(8))) == 6 + 2  # +1 and +7 for three people, two nudges
    trip.mission.reminder_offsets = [1, 3, 7, 14, 30]
    trip.mission.save()
    reminders.reminders_rearm_for_mission(mission=trip.mission, now=day_after_end(8))
    assert not ReminderEmail.objects.filter(offset_days=3).exists()
    assert ReminderEmail.objects.filter(offset_days=14, state=State.PENDING).count() == 3
    assert dispatch(day_after_end(8)) == []
    assert {r[1] for r in recipients(dispatch(day_after_end(14)))} == {"digest", "summary"}


def test_a_copied_mission_starts_with_fresh_reminders(trip):
    dispatch(day_after_end(31))
    copy = Mission.objects.create(
        title=f"{trip.mission.title} (2027)",
        destination_country=trip.mission.destination_country,
        start_date=END + timedelta(days=361),
        end_date=END + timedelta(days=365),
        reminder_offsets=trip.mission.reminder_offsets,
    )
    for delegate in trip.mission.delegates.all():
        Delegate.objects.create(mission=copy, person=delegate.person, role=delegate.role)
    FollowUp.objects.create(
        mission=copy, assignee=copy.delegates.get(person=trip.oscar), title="Plan 2027", due_on=copy.end_date
    )
    reminders.reminders_rearm_for_mission(mission=copy, now=day_after_end(31))
    copied = ReminderEmail.objects.filter(mission=copy)
    assert copied.count() == 3 + 3 + 1  # oscar's digests, hannah's summaries, one nudge
    assert set(copied.values_list("state", "attempts", "sent_at")) == {(State.PENDING, 0, None)}


@pytest.mark.parametrize("flag", ["do_not_contact", "reminders_opt_out"])
def test_people_marked_do_not_contact_or_opted_out_get_nothing(trip, flag):
    setattr(trip.oscar, flag, True)
    trip.oscar.save()
    reminders.reminders_rearm_for_person(person=trip.oscar, now=day_after_end(0))
    setattr(trip.lena, flag, True)
    trip.lena.save()  # nobody rearmed: caught at send time
    sent = dispatch(day_after_end(31))
    assert {m.to[0].split("<")[-1].rstrip(">") for m in sent} == {trip.hannah.email}


def test_the_same_reminder_cannot_be_written_or_sent_twice(trip):
    row = ReminderEmail.objects.filter(kind="digest").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderEmail.objects.create(
            kind=row.kind,
            mission=row.mission,
            recipient=row.recipient,
            offset_days=row.offset_days,
            due_at=row.due_at,
            next_attempt_at=row.due_at,
        )
    now = day_after_end(31)
    assert reminders.reminder_send(reminder_id=row.pk, now=now) == State.SENT
    assert reminders.reminder_send(reminder_id=row.pk, now=now) == "skipped"
    reminders.reminders_rearm_for_mission(mission=trip.mission, now=now)
    row.refresh_from_db()
    assert row.state == State.SENT


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that answers 451 (try again later) to every recipient."""

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPRecipientsRefused({m.to[0]: (451, b"4.3.0 Try again later") for m in messages})


def test_failures_are_retried_with_backoff_then_shown_as_failed_and_can_be_resent(trip, settings):
    settings.EMAIL_BACKEND = "tests.reminders.test_lessons.RefusingBackend"
    row = ReminderEmail.objects.filter(kind="summary", offset_days=1).get()
    now = row.due_at
    delays = []
    for _ in range(settings.REMINDERS_MAX_ATTEMPTS):
        reminders.reminder_send(reminder_id=row.pk, now=now)
        row.refresh_from_db()
        if row.state == State.PENDING:
            delays.append(row.next_attempt_at - now)
            assert reminders.reminder_send(reminder_id=row.pk, now=now) == "skipped"  # not before the backoff
            now = row.next_attempt_at
    assert delays == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert row.state == State.FAILED
    assert "451" in row.last_error
    reminders.reminder_resend(reminder=row, now=now)
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.PENDING, 0)


def test_a_row_left_in_sending_by_a_dead_worker_is_sent_after_the_lease(trip, settings, caplog, client):
    row = ReminderEmail.objects.filter(kind="summary", offset_days=1).get()
    claimed_at = row.due_at
    ReminderEmail.objects.filter(pk=row.pk).update(state=State.SENDING, claimed_at=claimed_at, attempts=1)
    dispatch(claimed_at + timedelta(minutes=5))
    row.refresh_from_db()
    assert row.state == State.SENDING  # within the lease: maybe still being sent
    with caplog.at_level("WARNING", logger="followups.reminders"):
        sent = dispatch(claimed_at + timedelta(seconds=settings.REMINDERS_SENDING_LEASE_SECONDS + 1))
    assert row.message_id in [m.extra_headers["Message-ID"] for m in sent]
    row.refresh_from_db()
    assert (row.state, row.attempts, row.interrupted) == (State.SENT, 2, 1)
    # The log names the row, and the organiser sees that it may have arrived twice.
    assert f"sending again {row.pk};" in caplog.text
    client.login(username="hannah", password=PASSWORD)
    page = client.get(reverse("followups:mission-reminders", args=[trip.mission.pk]))
    marked = re.search(rf'data-testid="reminder-{row.pk}".*?</li>', page.text, re.S).group(0)
    assert "Resent after an interruption: may have arrived twice." in marked
    assert page.text.count("may have arrived twice") == 1


def test_a_summary_one_day_after_the_mission_says_day_not_days(trip):
    sent = dispatch(day_after_end(1))
    subjects = [m.subject for m in sent if "summary" in m.subject]
    assert subjects == [f"{trip.mission.title}: follow-up summary, 1 day after the mission"]


def test_only_organisers_of_a_mission_with_follow_ups_get_summaries(db):
    trip = make_trip()
    assert set(ReminderEmail.objects.filter(kind="summary").values_list("recipient", flat=True)) == {trip.hannah.pk}


def test_a_mission_change_announced_by_events_rearms_its_reminders(trip):
    """events cannot import followups: its services send `mission_changed`, and followups listens."""
    from events.signals import mission_changed

    trip.mission.reminder_offsets = [2]
    trip.mission.end_date = timezone.localdate() + timedelta(days=10)  # the signal's rearm uses the real clock
    trip.mission.save()
    mission_changed.send(sender=Mission, mission=trip.mission)
    pending = ReminderEmail.objects.filter(state=State.PENDING, kind="digest")
    assert set(pending.values_list("offset_days", flat=True)) == {2}
    assert ReminderEmail.objects.filter(state=State.CANCELLED, kind="digest").count() == 6


def test_a_digest_link_lands_on_the_follow_up(trip, client, settings):
    sent = dispatch(day_after_end(7))
    digest = next(m for m in sent if trip.oscar.email in m.to[0] and m.subject.endswith("1 overdue"))
    line = next(line for line in digest.body.splitlines() if f"/followups/{trip.term_sheet.pk}/" in line)
    path = re.search(r"https?://\S+", line).group(0).removeprefix(settings.SITE_URL)
    client.login(username="oscar", password=PASSWORD)
    page = client.get(path)
    assert page.status_code == 200 and trip.term_sheet.title in page.text


class DiesAfterAcceptingBackend(BaseEmailBackend):
    """Delivers the message, then the process dies before the row is marked sent
    (SystemExit stands in for SIGKILL: nothing after it in the service runs)."""

    def send_messages(self, messages):
        from django.core import mail

        mail.outbox.extend(messages)
        raise SystemExit("killed")


def test_a_worker_dying_right_after_the_server_accepted_sends_a_recognisable_duplicate(trip, settings):
    """The one window that cannot be closed over SMTP (see README): at-least-once, same Message-ID."""
    row = ReminderEmail.objects.filter(kind="summary", offset_days=1).get()
    settings.EMAIL_BACKEND = "tests.reminders.test_lessons.DiesAfterAcceptingBackend"
    with pytest.raises(SystemExit):
        reminders.reminder_send(reminder_id=row.pk, now=row.due_at)
    row.refresh_from_db()
    assert row.state == State.SENDING
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = row.due_at + timedelta(seconds=settings.REMINDERS_SENDING_LEASE_SECONDS + 1)
    dispatch(later)
    from django.core import mail

    copies = [m for m in mail.outbox if m.extra_headers["X-Delegation-CRM-Reminder"] == f"summary/{row.pk}"]
    assert len(copies) == 2
    assert {m.extra_headers["Message-ID"] for m in copies} == {row.message_id}
    row.refresh_from_db()
    assert row.state == State.SENT


class OptOutWhileSendingBackend(BaseEmailBackend):
    """Delivers; while the first message is with the server, every other recipient of the batch
    clicks the opt-out link (the batch claimed them a moment earlier)."""

    def send_messages(self, messages):
        from django.core import mail

        if not mail.outbox:
            first = messages[0].to[0]
            Person.objects.exclude(email__iexact=first).update(reminders_opt_out=True)
        mail.outbox.extend(messages)
        return len(messages)


def test_an_opt_out_made_while_the_batch_sends_stops_the_rest(trip, settings):
    settings.EMAIL_BACKEND = "tests.reminders.test_lessons.OptOutWhileSendingBackend"
    sent = dispatch(day_after_end(1))
    assert len({m.to[0] for m in sent}) == 1  # only the one already with the server
    cancelled = ReminderEmail.objects.filter(state=State.CANCELLED, cancel_reason__contains="opted out")
    assert cancelled.exists()
    assert not ReminderEmail.objects.filter(state=State.SENDING).exists()


def test_a_reopened_followup_is_nudged_again(trip):
    from followups import services

    FollowUp.objects.filter(pk=trip.term_sheet.pk).update(due_on=timezone.localdate() + timedelta(days=5))
    trip.term_sheet.refresh_from_db()
    reminders.reminders_rearm_for_mission(mission=trip.mission)  # the real clock, as the services use
    nudges = ReminderEmail.objects.filter(followup=trip.term_sheet, kind="nudge", state=State.PENDING)
    assert nudges.count() == 1
    services.followup_complete(followup=trip.term_sheet, acting_user=trip.hannah_user)
    assert not nudges.exists()
    services.followup_reopen(followup=trip.term_sheet, acting_user=trip.hannah_user)
    assert nudges.count() == 1
