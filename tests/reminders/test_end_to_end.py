"""Journey 3 end to end: a real Redis broker, a real Celery worker process on the test
database and a real SMTP server. Time moves on through the `now` argument that the
beat's dispatch task accepts; nothing mocks the clock."""

import re
import time
from collections import Counter
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse

from delegation_crm.celery import app as celery_app
from followups import tasks
from followups.models import FollowUp, ReminderEmail

from ..conftest import PASSWORD
from ..factories import delegate_with_login
from . import live
from .conftest import BEFORE, END, day_after_end, make_trip

pytestmark = pytest.mark.django_db(transaction=True)
State = ReminderEmail.State


@pytest.fixture
def stack(transactional_db, tmp_path, settings):
    settings.SITE_URL = "https://crm.example.org"  # as the worker's (Message-IDs are named after it)
    redis = live.RedisServer(tmp_path)
    redis.start()
    smtp = live.SmtpServer()
    smtp.start()
    workers = []

    def new_worker(concurrency=2, batch_size=200):
        worker = live.Worker(
            broker_url=redis.url,
            smtp_port=smtp.port,
            log=tmp_path / "worker.log",
            concurrency=concurrency,
            batch_size=batch_size,
        )
        worker.start()
        workers.append(worker)
        return worker

    yield SimpleNamespace(
        redis=redis,
        smtp=smtp,
        new_worker=new_worker,
        log=tmp_path / "worker.log",
        lease_seconds=settings.REMINDERS_SENDING_LEASE_SECONDS,
    )
    for worker in workers:
        worker.stop()
    smtp.stop()
    redis.stop()


def beat(stack, now):
    """What celery beat does every minute: enqueue the dispatch (here with an injected `now`)."""
    with celery_app.connection_for_write(stack.redis.url) as connection:
        tasks.reminders_dispatch.apply_async(kwargs={"now": now.isoformat()}, connection=connection)


def quiet(now) -> bool:
    return not (
        ReminderEmail.objects.filter(state=State.SENDING).exists()
        or ReminderEmail.objects.filter(state=State.PENDING, next_attempt_at__lte=now).exists()
    )


def run_until_quiet(stack, now, timeout=60):
    """Beat ticks at `now` (twice at once, as if a second beat had been started by mistake, and
    again every few seconds) until nothing due is left pending or being sent."""
    beat(stack, now)
    beat(stack, now)
    deadline, last_tick = time.monotonic() + timeout, time.monotonic()
    while not quiet(now):
        if time.monotonic() > deadline:
            raise AssertionError(f"Reminders still due at {now}:\n{stack.log.read_text()[-3000:]}")
        if time.monotonic() - last_tick > 4:
            beat(stack, now)
            last_tick = time.monotonic()
        time.sleep(0.25)


def expected(trip) -> Counter:
    return Counter(
        {
            (trip.oscar.email, "digest"): 3,
            (trip.lena.email, "digest"): 3,
            (trip.hannah.email, "summary"): 3,
            (trip.oscar.email, "nudge"): 2,
            (trip.lena.email, "nudge"): 1,
        }
    )


def assert_each_sent_exactly_once(stack, trip):
    received = stack.smtp.received
    message_ids = [r.message_id for r in received]
    assert len(message_ids) == len(set(message_ids)), Counter(message_ids).most_common(3)
    assert Counter((r.to[0], r.kind) for r in received) == expected(trip)
    sent = ReminderEmail.objects.filter(state=State.SENT)
    assert sorted(message_ids) == sorted(row.message_id for row in sent)
    return received


def test_each_reminder_arrives_once_with_the_right_content(stack, client):
    trip = make_trip()
    stack.new_worker(concurrency=2, batch_size=2)  # batches of two, sent side by side
    for days in (1, 4, 7, 31, 40):
        run_until_quiet(stack, day_after_end(days))

    received = assert_each_sent_exactly_once(stack, trip)
    assert set(ReminderEmail.objects.values_list("state", flat=True)) == {State.SENT}
    # One SMTP connection per batch, never one per email: 3, 1, 4 and 4 reminders were due
    # on the four days with mail, in batches of two (the duplicate beats found nothing left).
    assert sorted(stack.smtp.messages_per_connection()) == [1, 1, 2, 2, 2, 2, 2]
    assert stack.smtp.behaviour.connections == 7

    digest = next(
        r
        for r in received
        if r.to == [trip.oscar.email] and r.kind == "digest" and "7 days after" in r.part("text/plain")
    )
    assert digest.message["Subject"] == "UK life sciences to BioJapan: 2 open follow-ups, 1 overdue"
    text, html = digest.part("text/plain"), digest.part("text/html")
    assert "Send Takeda the licensing term sheet (was due Thu 29 Oct 2026)" in text
    assert "Introduce Astellas to the catapult (due Fri 13 Nov 2026)" in text
    assert f'href="https://crm.example.org/followups/{trip.astellas.pk}/"' in html
    assert "Book the Osaka site visit" not in text

    summary = next(r for r in received if r.kind == "summary" and "30 days after" in r.message["Subject"])
    assert "open 3 (overdue 3), done 0, cancelled 0" in summary.part("text/plain")
    nudge = next(r for r in received if r.to == [trip.lena.email] and r.kind == "nudge")
    assert nudge.message["Subject"] == "Overdue follow-up: Book the Osaka site visit"
    assert "1 day ago" in nudge.part("text/plain")  # sent the morning after, in Los Angeles

    unsubscribe = re.search(r"<(https://[^>]+)>", digest.message["List-Unsubscribe"]).group(1)
    assert digest.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Stop my reminder emails" in client.get(unsubscribe.removeprefix("https://crm.example.org")).text


def test_exactly_once_through_a_killed_worker_a_redis_restart_and_an_unwell_smtp_server(stack, client):
    trip = make_trip()
    bouncer, bouncer_delegate = delegate_with_login(trip.mission, username="bouncer")
    FollowUp.objects.create(
        mission=trip.mission, assignee=bouncer_delegate, title="Reply to Chugai", due_on=END + timedelta(days=2)
    )
    from followups import reminders

    reminders.reminders_rearm_for_mission(mission=trip.mission, now=BEFORE)
    behaviour = stack.smtp.behaviour
    behaviour.refuse_always = {bouncer.email}  # this mailbox never comes back

    # Day +1: the SMTP server answers 451 to everything; all due reminders wait for a retry.
    behaviour.refuse_all = True
    worker = stack.new_worker(concurrency=1)
    first = day_after_end(1)
    run_until_quiet(stack, first)
    assert stack.smtp.received == []
    waiting = ReminderEmail.objects.filter(due_at__lte=first)
    assert waiting.count() == 4
    assert {(r.state, r.attempts) for r in waiting} == {(State.PENDING, 1)}
    assert all("451" in r.last_error for r in waiting)

    # The server recovers, but the worker is SIGKILLed in the middle of the batch, while
    # the SMTP server holds the second message unanswered; then Redis restarts, empty.
    behaviour.refuse_all = False
    behaviour.stall_on_data = behaviour.data_seen + 2
    second = first + timedelta(minutes=2)
    beat(stack, second)
    live.wait_for(behaviour.stalled.is_set, 30, "the worker to be mid-send")
    worker.kill()
    stack.redis.stop()
    stack.redis.start()
    behaviour.release.set()
    assert len(stack.smtp.received) == 1
    # The batch's worker is gone: the message it was sending and the two it had not reached
    # stay claimed until the lease runs out.
    assert ReminderEmail.objects.filter(state=State.SENDING).count() == 3

    # A new worker; the beat carries on. The orphaned row is retried after the lease.
    stack.new_worker(concurrency=1)
    run_until_quiet(stack, second + timedelta(seconds=stack.lease_seconds + 60))
    for moment in [day_after_end(7)] + [day_after_end(31) + timedelta(minutes=20 * k) for k in range(6)]:
        run_until_quiet(stack, moment)

    assert_each_sent_exactly_once(stack, trip)
    assert not [r for r in stack.smtp.received if r.to == [bouncer.email]]
    failed = ReminderEmail.objects.filter(state=State.FAILED)
    assert set(failed.values_list("recipient__email", flat=True)) == {bouncer.email}
    assert sorted(failed.values_list("kind", "attempts")) == [("digest", 5)] * 3 + [("nudge", 5)]
    assert set(ReminderEmail.objects.exclude(recipient__email=bouncer.email).values_list("state", flat=True)) == {
        State.SENT
    }

    client.login(username="hannah", password=PASSWORD)
    page = client.get(reverse("followups:mission-reminders", args=[trip.mission.pk])).text
    assert "Failed: 4" in page and page.count(">Resend</button>") == 4
    assert "451 4.3.0 Try again later" in page
