"""Sending in batches: one SMTP connection per batch, one outcome per email.

The services run inline against a real SMTP server (aiosmtpd on loopback), through
Django's SMTP backend; test_end_to_end.py does the same through a Celery worker."""

from collections import Counter
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from followups import reminders
from followups.models import ReminderEmail

from . import live
from .conftest import day_after_end, dispatch

State = ReminderEmail.State
DAY_31 = day_after_end(31)  # every reminder of the trip is due: 3 × 3 digests and summaries, 3 nudges


@pytest.fixture
def smtp(settings):
    server = live.SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
    yield server
    server.stop()


def states() -> Counter:
    return Counter(ReminderEmail.objects.values_list("state", flat=True))


def assert_delivered_once_each(smtp):
    """Every row is sent, and the server got each reminder exactly once."""
    message_ids = [r.message_id for r in smtp.received]
    assert sorted(message_ids) == sorted(r.message_id for r in ReminderEmail.objects.all())
    assert states() == {State.SENT: 12}


def test_a_batch_goes_out_over_one_connection(trip, smtp):
    dispatch(DAY_31)
    assert smtp.messages_per_connection() == [12]
    assert smtp.behaviour.connections == 1
    assert_delivered_once_each(smtp)


def test_batches_each_have_their_own_connection(trip, smtp, settings):
    settings.REMINDERS_BATCH_SIZE = 5
    assert reminders.reminders_batches_due(now=DAY_31) == 3
    dispatch(DAY_31)
    assert smtp.messages_per_connection() == [5, 5, 2]
    assert_delivered_once_each(smtp)


def test_checks_and_outcomes_are_a_few_queries_per_batch_plus_one_update_per_email(
    trip, smtp, django_assert_num_queries
):
    # Claim: savepoint, SELECT … FOR UPDATE SKIP LOCKED, UPDATE, release; the rows with their
    # mission, recipient and follow-up; the digests' open follow-ups; the summaries' organisers;
    # the summaries' counts (one mission); then per email: the recipient re-read just before it goes,
    # and its `sent` mark in a transaction of its own (SET LOCAL synchronous_commit, UPDATE; inside the
    # test's transaction that is a savepoint and its release, in production a BEGIN and COMMIT).
    with django_assert_num_queries(4 + 1 + 1 + 1 + 1 + 5 * 12):
        outcome = reminders.reminders_send_batch(now=DAY_31)
    assert outcome == {State.SENT: 12}


def test_a_refused_recipient_fails_only_their_own_emails(trip, smtp):
    smtp.behaviour.reject = {trip.oscar.email}
    dispatch(DAY_31)
    failed = ReminderEmail.objects.filter(state=State.FAILED)
    assert set(failed.values_list("recipient", flat=True)) == {trip.oscar.pk}
    assert failed.count() == 5  # three digests, two nudges
    assert all(r.attempts == 1 and "550 5.1.1 No such mailbox here" in r.last_error for r in failed)
    assert states() == {State.SENT: 7, State.FAILED: 5}
    assert {r.to[0] for r in smtp.received} == {trip.lena.email, trip.hannah.email}
    assert smtp.behaviour.connections == 1  # the connection carried on after each refusal


def test_a_server_going_down_mid_batch_loses_and_doubles_nothing(trip, smtp):
    smtp.behaviour.go_down_on_data = 5  # accepts four, answers the fifth with 421 and goes away
    dispatch(DAY_31)
    assert len(smtp.received) == 4
    waiting = ReminderEmail.objects.exclude(state=State.SENT)
    assert waiting.count() == 8
    # The fifth cost its attempt on the dropped connection; the other seven theirs when the
    # batch could not reconnect. All wait for the backoff, none is lost.
    assert {(r.state, r.attempts, r.next_attempt_at) for r in waiting} == {
        (State.PENDING, 1, DAY_31 + timedelta(minutes=1))
    }
    assert sum("421 4.3.2 Shutting down" in r.last_error for r in waiting) == 1
    assert sum("421 4.3.2 Service not available" in r.last_error for r in waiting) == 7

    smtp.behaviour.down = False
    dispatch(DAY_31 + timedelta(seconds=30))
    assert len(smtp.received) == 4  # not before the backoff
    dispatch(DAY_31 + timedelta(minutes=1))
    assert smtp.messages_per_connection() == [4, 8]
    assert_delivered_once_each(smtp)


def test_a_batch_out_of_time_hands_its_rows_back_untouched(trip, smtp, settings):
    settings.REMINDERS_BATCH_SECONDS = 0
    outcome = reminders.reminders_send_batch(now=DAY_31)
    assert outcome == {"released": 12}
    assert smtp.behaviour.connections == 0
    rows = ReminderEmail.objects.all()
    assert {(r.state, r.attempts, r.claimed_at) for r in rows} == {(State.PENDING, 0, None)}

    settings.REMINDERS_BATCH_SECONDS = 30
    dispatch(DAY_31)
    assert_delivered_once_each(smtp)


class HangsOnTheThirdBackend(BaseEmailBackend):
    """Accepts two messages; the third hangs until Celery's soft time limit interrupts it."""

    def send_messages(self, messages):
        from django.core import mail

        if len(mail.outbox) == 2:
            raise SoftTimeLimitExceeded()
        mail.outbox.extend(messages)
        return len(messages)


def test_a_batch_stopped_by_the_time_limit_keeps_the_email_in_flight_claimed_and_hands_back_the_rest(trip, settings):
    settings.EMAIL_BACKEND = "tests.reminders.test_batches.HangsOnTheThirdBackend"
    with pytest.raises(SoftTimeLimitExceeded):
        reminders.reminders_send_batch(now=DAY_31)
    assert len(mail.outbox) == 2
    # Whether the server took the third is unknown: it stays claimed until the lease runs out.
    sending = ReminderEmail.objects.get(state=State.SENDING)
    assert sending.attempts == 1
    assert states() == {State.SENT: 2, State.SENDING: 1, State.PENDING: 9}
    assert set(ReminderEmail.objects.filter(state=State.PENDING).values_list("attempts", "claimed_at")) == {(0, None)}

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    dispatch(DAY_31)
    assert len(mail.outbox) == 2 + 9
    later = DAY_31 + timedelta(seconds=settings.REMINDERS_SENDING_LEASE_SECONDS + 1)
    dispatch(later)
    assert [m.extra_headers["Message-ID"] for m in mail.outbox].count(sending.message_id) == 1
    assert states() == {State.SENT: 12}
