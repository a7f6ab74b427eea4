"""Reminder emails after each mission: the outbox's services and selectors.

The outbox (``ReminderEmail``) is the source of truth. Nothing about a future
reminder lives in Redis.

Writing rows — call these in the same transaction as the change:
    ``reminders_rearm_for_mission(*, mission)`` after a mission is created or its
    end date, reminder offsets, status, delegates or time zones change, and after
    any follow-up of it is created, reassigned, rescheduled, completed, cancelled
    or deleted (``reminders_rearm_for_followup(*, followup)`` is the same thing);
    ``reminders_rearm_for_person(*, person)`` after a person's time zone,
    email, do-not-contact or opt-out flag changes;
    ``reminders_opt_out(*, person)`` when a person opts out.
    Rearming is idempotent: it computes the rows that should exist and brings the
    outbox in line (creates future rows, reschedules pending ones, cancels
    pending ones no longer wanted); sent rows are never touched.

Sending — ``reminders_dispatch`` (beat, every minute) recovers rows stuck in
``sending`` past the lease, then enqueues one ``reminders_send_batch`` per
REMINDERS_BATCH_SIZE due rows. Each batch claims its rows in one statement
(pending -> sending, ``FOR UPDATE SKIP LOCKED`` so batches side by side take
different rows), re-checks them in a few set-based queries, sends them over one
SMTP connection and records each outcome as soon as the server has answered.
"""

import contextvars
import logging
import smtplib
from collections import Counter, defaultdict, deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from time import monotonic
from zoneinfo import ZoneInfo

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from contacts.bidi import isolate
from contacts.models import Person
from events.models import Delegate, Mission

from .models import FollowUp, ReminderEmail

logger = logging.getLogger(__name__)

UTC = ZoneInfo("UTC")
OPT_OUT_SALT = "followups.reminders.opt-out"
Kind = ReminderEmail.Kind
State = ReminderEmail.State


# --- configuration (settings.REMINDERS_*, with defaults) ---------------------------------------------


def _setting(name: str, default):
    return getattr(settings, f"REMINDERS_{name}", default)


def local_hour() -> int:
    """The local hour at which reminders go out in each recipient's zone."""
    return _setting("LOCAL_HOUR", 9)


def max_attempts() -> int:
    return _setting("MAX_ATTEMPTS", 5)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after the n-th failed attempt: 1, 2, 4, 8… minutes, capped at six hours."""
    base = _setting("RETRY_BASE_SECONDS", 60)
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def sending_lease() -> timedelta:
    """How long a claimed row may stay in `sending` before it is assumed lost.

    Longer than the send task's hard time limit, so a worker that is merely slow
    has been killed by Celery before its row is handed to another worker."""
    return timedelta(seconds=_setting("SENDING_LEASE_SECONDS", 600))


def batch_size() -> int:
    """Rows one send task claims and sends over one SMTP connection."""
    return _setting("BATCH_SIZE", 200)


def max_batches_per_dispatch() -> int:
    """Send tasks one dispatch (every minute) enqueues at most: BATCH_SIZE × this rows a minute."""
    return _setting("MAX_BATCHES_PER_DISPATCH", 100)


def batch_seconds() -> int:
    """A batch starts no new message after this long, and hands the rest back: it stays well inside
    the send task's time limits even when the SMTP server is slow."""
    return _setting("BATCH_SECONDS", 30)


# --- when and to whom ------------------------------------------------------------------------------


def recipient_time_zone(person: Person) -> ZoneInfo:
    """The zone a person reads email in: their account's choice when they have one, else the contact record's."""
    user = person.user if person.user_id else None
    return ZoneInfo(user.time_zone if user else person.time_zone)


def local_send_time(day: date, tz: ZoneInfo) -> datetime:
    """The reminder hour on `day` in `tz`, as an aware UTC datetime (zoneinfo handles daylight saving)."""
    return datetime.combine(day, time(local_hour()), tzinfo=tz).astimezone(UTC)


def reminder_offsets(mission: Mission) -> list[int]:
    """The mission's offsets in days after its end date, cleaned: whole numbers 0–365, each once."""
    offsets = mission.reminder_offsets if isinstance(mission.reminder_offsets, list) else []
    return sorted({o for o in offsets if isinstance(o, int) and not isinstance(o, bool) and 0 <= o <= 365})


def may_email(person: Person) -> bool:
    """The person's one email rule (address, do-not-contact, erasure, withdrawn consent), their
    reminders opt-out, and not merged into another record."""
    return person.can_be_emailed and not (person.reminders_opt_out or person.merged_into_id)


def _still_wanted(row: ReminderEmail) -> bool:
    """The recipient re-read just before their message goes: an opt-out, do-not-contact or erasure
    made while the batch was sending (it claims its rows up to a minute earlier) stops it, and the
    message goes to the address as it is now."""
    fresh = Person.objects.filter(pk=row.recipient_id).select_related("user").first()
    if fresh is None or not may_email(fresh):
        return False
    row.recipient = fresh
    return True


def _key(kind, recipient_id, offset_days=None, followup_id=None, followup_due_on=None) -> tuple:
    return (kind, recipient_id, offset_days, followup_id, followup_due_on)


def _row_key(row: ReminderEmail) -> tuple:
    return _key(row.kind, row.recipient_id, row.offset_days, row.followup_id, row.followup_due_on)


def _wanted(mission: Mission) -> dict[tuple, datetime]:
    """Every reminder the mission should have, as key -> due time (UTC)."""
    if mission.status == Mission.Status.CANCELLED:
        return {}
    offsets = reminder_offsets(mission)
    open_followups = list(
        FollowUp.objects.filter(mission=mission, status=FollowUp.Status.OPEN).select_related("assignee__person__user")
    )
    wanted: dict[tuple, datetime] = {}
    assignees = {f.assignee.person_id: f.assignee.person for f in open_followups}
    for person in assignees.values():
        if may_email(person):
            tz = recipient_time_zone(person)
            for offset in offsets:
                wanted[_key(Kind.DIGEST, person.pk, offset)] = local_send_time(
                    mission.end_date + timedelta(days=offset), tz
                )
    if FollowUp.objects.filter(mission=mission).exclude(status=FollowUp.Status.CANCELLED).exists():
        organisers = Delegate.objects.filter(mission=mission, role__in=Delegate.ORGANISING_ROLES).select_related(
            "person__user"
        )
        for delegate in organisers:
            if may_email(delegate.person):
                tz = recipient_time_zone(delegate.person)
                for offset in offsets:
                    wanted[_key(Kind.SUMMARY, delegate.person_id, offset)] = local_send_time(
                        mission.end_date + timedelta(days=offset), tz
                    )
    for followup in open_followups:
        person = followup.assignee.person
        if may_email(person):
            # One nudge per due date: the morning after it passed, in the assignee's zone.
            wanted[_key(Kind.NUDGE, person.pk, None, followup.pk, followup.due_on)] = local_send_time(
                followup.due_on + timedelta(days=1), recipient_time_zone(person)
            )
    return wanted


def _why_unwanted(row: ReminderEmail, mission: Mission) -> str:
    if mission.status == Mission.Status.CANCELLED:
        return "Mission cancelled."
    if not may_email(row.recipient):
        return "Recipient opted out, must not be contacted, or has no email address."
    if row.kind == Kind.NUDGE:
        return "Follow-up done, cancelled, deleted, reassigned or given a new due date."
    if row.kind == Kind.DIGEST:
        return "No open follow-ups left for this delegate."
    return "No longer an organiser of the mission, or no follow-ups to summarise."


# --- writing the outbox ----------------------------------------------------------------------------


# Missions whose rearm was asked for inside a `reminders_rearm_once()` block, by id.
_pending_rearms: contextvars.ContextVar[dict[int, Mission] | None] = contextvars.ContextVar(
    "pending_rearms", default=None
)


@contextmanager
def reminders_rearm_once():
    """Within this block, every rearm asked for is remembered and done once per mission
    when the block ends, still inside the caller's transaction: logging a meeting with
    three follow-ups, or a bulk action on fifty, locks and reconciles the mission once.
    (Rearming is a reconciliation with the database, so doing it once at the end gives
    the same rows as doing it after every change.) Blocks nest; the outermost rearms."""
    if _pending_rearms.get() is not None:
        yield
        return
    token = _pending_rearms.set({})
    try:
        yield
        missions = _pending_rearms.get()
    finally:
        _pending_rearms.reset(token)
    for mission_id in sorted(missions):
        _rearm(mission=missions[mission_id])


def reminders_rearm_for_mission(*, mission: Mission, now: datetime | None = None) -> None:
    """Bring the mission's outbox rows in line with what should be sent (at the end of
    the enclosing `reminders_rearm_once()` block, if there is one)."""
    pending = _pending_rearms.get()
    if pending is not None and now is None:
        pending[mission.pk] = mission
        return
    _rearm(mission=mission, now=now)


@transaction.atomic
def _rearm(*, mission: Mission, now: datetime | None = None) -> None:
    """Bring the mission's outbox rows in line with what should be sent.

    - a wanted reminder with no row gets a pending row, unless its time is already past;
    - a pending row whose time moved is rescheduled (cancelled if the new time is past);
    - a cancelled row wanted again at a future time is pending again;
    - a pending row no longer wanted is cancelled;
    - sending, sent and failed rows are left alone (sent stays sent).
    """
    now = now or timezone.now()
    # Serialise rearming of one mission so two concurrent changes cannot both create rows.
    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    wanted = _wanted(mission)
    rows = list(
        ReminderEmail.objects.select_for_update(of=("self",)).filter(mission=mission).select_related("recipient__user")
    )
    seen: set[tuple] = set()
    changed: list[ReminderEmail] = []
    for row in rows:
        key = _row_key(row)
        due_at = wanted.get(key) if not (row.kind == Kind.NUDGE and row.followup_id is None) else None
        seen.add(key)
        if due_at is None:
            if row.state == State.PENDING:
                row.state, row.cancel_reason = State.CANCELLED, _why_unwanted(row, mission)
                changed.append(row)
        elif row.state == State.PENDING and row.due_at != due_at:
            if due_at <= now:
                row.state, row.cancel_reason = State.CANCELLED, "Rescheduled to a time already past."
            row.due_at = row.next_attempt_at = due_at
            changed.append(row)
        elif row.state == State.CANCELLED and due_at > now:
            row.state, row.cancel_reason, row.attempts, row.last_error = State.PENDING, "", 0, ""
            row.due_at = row.next_attempt_at = due_at
            changed.append(row)
    if changed:
        for row in changed:
            row.modified_at = now  # bulk_update does not apply auto_now
        ReminderEmail.objects.bulk_update(
            changed, ["state", "cancel_reason", "due_at", "next_attempt_at", "attempts", "last_error", "modified_at"]
        )
    new = [
        ReminderEmail(
            kind=kind,
            mission=mission,
            recipient_id=recipient_id,
            offset_days=offset_days,
            followup_id=followup_id,
            followup_due_on=followup_due_on,
            due_at=due_at,
            next_attempt_at=due_at,
        )
        for (kind, recipient_id, offset_days, followup_id, followup_due_on), due_at in wanted.items()
        if (kind, recipient_id, offset_days, followup_id, followup_due_on) not in seen and due_at > now
    ]
    ReminderEmail.objects.bulk_create(new)


@transaction.atomic
def reminders_bring_forward(*, mission: Mission, offset_days: int, to: datetime) -> int:
    """Send the mission's digests and organisers' summaries of one offset at ``to``
    instead of at 09:00 on their day (created if their time has passed today). The
    demo uses it, so a first run shows the first reminders of the mission that ended
    yesterday within a minute. Rows already sent are left alone. Returns how many."""
    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    moved = 0
    for kind, recipient_id, offset, followup_id, followup_due_on in _wanted(mission):
        if offset != offset_days or kind not in (Kind.DIGEST, Kind.SUMMARY):
            continue
        row, created = ReminderEmail.objects.get_or_create(
            kind=kind,
            mission=mission,
            recipient_id=recipient_id,
            offset_days=offset,
            followup_id=followup_id,
            followup_due_on=followup_due_on,
            defaults={"due_at": to, "next_attempt_at": to},
        )
        if not created and row.state in (State.PENDING, State.CANCELLED):
            row.state, row.cancel_reason, row.due_at, row.next_attempt_at = State.PENDING, "", to, to
            row.save(update_fields=["state", "cancel_reason", "due_at", "next_attempt_at", "modified_at"])
        moved += created or row.state == State.PENDING
    return moved


def reminders_rearm_for_followup(*, followup: FollowUp, now: datetime | None = None) -> None:
    reminders_rearm_for_mission(mission=followup.mission, now=now)


@transaction.atomic
def reminders_rearm_for_person(*, person: Person, now: datetime | None = None) -> None:
    mission_ids = set(Delegate.objects.filter(person=person).values_list("mission_id", flat=True))
    mission_ids |= set(ReminderEmail.objects.filter(recipient=person).values_list("mission_id", flat=True))
    for mission in Mission.objects.filter(pk__in=mission_ids).order_by("pk"):
        reminders_rearm_for_mission(mission=mission, now=now)


@transaction.atomic
def reminders_opt_out(*, person: Person) -> bool:
    """Stop every reminder to this person; False when they had already opted out."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.reminders_opt_out:
        return False
    person.reminders_opt_out = True
    person.save(update_fields=["reminders_opt_out", "modified_at"])
    ReminderEmail.objects.filter(recipient=person, state=State.PENDING).update(
        state=State.CANCELLED, cancel_reason="Recipient opted out.", modified_at=timezone.now()
    )
    return True


def on_mission_changed(sender, *, mission: Mission, **kwargs) -> None:
    reminders_rearm_for_mission(mission=mission)


def on_person_contact_changed(sender, *, person: Person, **kwargs) -> None:
    reminders_rearm_for_person(person=person)


class ReminderNotFailed(Exception):
    pass


@transaction.atomic
def reminder_resend(*, reminder: ReminderEmail, user=None, now: datetime | None = None) -> None:
    """Put a failed reminder back in the queue for one more round of attempts."""
    now = now or timezone.now()
    updated = ReminderEmail.objects.filter(pk=reminder.pk, state=State.FAILED).update(
        state=State.PENDING, attempts=0, next_attempt_at=now, claimed_at=None, modified_at=now
    )
    if updated != 1:
        raise ReminderNotFailed("Only a failed reminder can be sent again.")
    logger.info("Reminder %s (%s) put back in the queue by %s", reminder.pk, reminder.kind, user)
    from . import tasks

    pk = reminder.pk
    # Sooner than the next dispatch; if this message is lost, that dispatch sends it anyway.
    transaction.on_commit(lambda: tasks.reminder_send.apply_async((pk,), expires=tasks.SEND_MESSAGE_EXPIRES))


# --- sending -----------------------------------------------------------------------------------------


def reminders_recover_stale(*, now: datetime) -> int:
    """Rows left in `sending` by a worker that died: back to pending (or failed after the last attempt).

    The worker may have died after the SMTP server accepted the message; see the
    README for why a resend (with the same Message-ID) is the chosen risk."""
    stale = ReminderEmail.objects.filter(state=State.SENDING, claimed_at__lt=now - sending_lease())
    recovered = {"failed": [], "retried": []}
    with transaction.atomic():
        for pk, attempts in stale.select_for_update(skip_locked=True).values_list("pk", "attempts"):
            recovered["failed" if attempts >= max_attempts() else "retried"].append(pk)
        common = {"claimed_at": None, "modified_at": now, "interrupted": F("interrupted") + 1}
        ReminderEmail.objects.filter(pk__in=recovered["failed"]).update(
            state=State.FAILED, last_error="The worker sending it stopped.", **common
        )
        ReminderEmail.objects.filter(pk__in=recovered["retried"]).update(
            state=State.PENDING,
            next_attempt_at=now,
            last_error="The worker sending it stopped; sending again.",
            **common,
        )
    failed, retried = len(recovered["failed"]), len(recovered["retried"])
    if failed or retried:
        logger.warning(
            "Recovered %s reminder(s) stuck in sending, which may have reached their recipients already: "
            "sending again %s; failed for good %s.",
            retried + failed,
            _ids(recovered["retried"]),
            _ids(recovered["failed"]),
        )
    return failed + retried


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def _ids(pks: list[int]) -> str:
    return ", ".join(str(pk) for pk in sorted(pks)) or "none"


def _due(now: datetime) -> QuerySet[ReminderEmail]:
    return ReminderEmail.objects.filter(state=State.PENDING, next_attempt_at__lte=now)


def reminders_batches_due(*, now: datetime) -> int:
    """How many send batches the due rows fill (at most REMINDERS_MAX_BATCHES_PER_DISPATCH)."""
    size = batch_size()
    due = _due(now).order_by()[: size * max_batches_per_dispatch()].count()
    return -(-due // size)


def _claim(*, now: datetime, limit: int, ids: list[int] | None = None) -> list[ReminderEmail]:
    """Claim up to `limit` due rows (pending -> sending, one more attempt each) and load them.

    `FOR UPDATE SKIP LOCKED` lets batches running side by side take disjoint rows
    without waiting for each other; a row locked by a rearm in progress is left for
    the next batch. Inside the lock the rows are still pending and due, so the update
    is the same compare-and-swap as before, for the whole batch in one statement."""
    due = _due(now) if ids is None else _due(now).filter(pk__in=ids)
    with transaction.atomic():
        claimed = list(
            due.order_by("next_attempt_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        if not claimed:
            return []
        ReminderEmail.objects.filter(pk__in=claimed).update(
            state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1, modified_at=now
        )
    return list(
        ReminderEmail.objects.filter(pk__in=claimed)
        .select_related("mission", "recipient__user", "followup__assignee")
        .order_by("next_attempt_at", "pk")
    )


def _finish(reminder: ReminderEmail, now: datetime, **fields) -> bool:
    """Record an outcome, only if this attempt still owns the row (conditional on state and attempt number)."""
    return (
        ReminderEmail.objects.filter(pk=reminder.pk, state=State.SENDING, attempts=reminder.attempts).update(
            claimed_at=None, modified_at=now, **fields
        )
        == 1
    )


@contextmanager
def _not_waiting_for_the_disk():
    """A transaction whose commit does not wait for the write-ahead log to reach the disk
    (`SET LOCAL synchronous_commit`: this transaction only, so it is also right behind PgBouncer in
    transaction mode). Used for the `sent` mark of each email.

    The update is committed and visible as soon as it returns, so a worker that dies right after
    it changes nothing. Only a crash of PostgreSQL itself within about half a second (three
    `wal_writer_delay`s) could forget some: a forgotten `sent` goes back to `sending` and is sent
    again after the lease, with the same Message-ID. No email is lost. Waiting for the disk once
    per email cost more than all the rest of the database work of a batch."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def _finish_many(rows: list[ReminderEmail], now: datetime, **fields) -> int:
    """`_finish` for many rows: one update per attempt number (rows of a batch usually share one)."""
    by_attempt: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        by_attempt[row.attempts].append(row.pk)
    return sum(
        ReminderEmail.objects.filter(pk__in=pks, state=State.SENDING, attempts=attempt).update(
            claimed_at=None, modified_at=now, **fields
        )
        for attempt, pks in by_attempt.items()
    )


def _is_permanent(error: Exception) -> bool:
    """A 5xx answer means retrying will not help; everything else (4xx, timeouts, refused connections) may."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600
    return False


def _connection_lost(backend, error: Exception) -> bool:
    """After this error, is the SMTP connection unusable? True for a dropped or timed-out socket and for a
    421 (smtplib closes the connection on it); False for an answer about this one message (4xx/5xx to
    RCPT, MAIL or DATA), after which smtplib has reset the transaction and the next message can follow."""
    if isinstance(error, smtplib.SMTPServerDisconnected) or not isinstance(error, smtplib.SMTPException):
        return True
    client = getattr(backend, "connection", None)
    return isinstance(client, smtplib.SMTP) and client.sock is None


def _close(backend) -> None:
    try:
        backend.close()
    except Exception:  # the connection is being dropped anyway; a failed QUIT changes nothing
        logger.debug("Closing the mail connection failed", exc_info=True)


def _describe(error: Exception) -> str:
    """The SMTP server's answer as an organiser would read it on the reminders page."""

    def text(message) -> str:
        return message.decode(errors="replace") if isinstance(message, bytes) else str(message)

    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = "; ".join(f"{code} {text(message)}" for code, message in error.recipients.values())
        return f"The mail server refused the recipient: {answers}"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"The mail server answered {error.smtp_code} {text(error.smtp_error)}"
    return f"Could not reach the mail server: {type(error).__name__}: {error}"


def _record_failure(rows: list[ReminderEmail], now: datetime, error: Exception, outcome: Counter) -> None:
    """A failed attempt for each row: retried with backoff, or failed for good (5xx, or the last attempt)."""
    text = _describe(error)[:2000]
    permanent = _is_permanent(error)
    by_attempt: dict[int, list[ReminderEmail]] = defaultdict(list)
    for row in rows:
        by_attempt[row.attempts].append(row)
    for attempt, group in by_attempt.items():
        if permanent or attempt >= max_attempts():
            logger.error("%s reminder(s) failed for good (%s): %s", len(group), [r.pk for r in group][:20], text)
            outcome[State.FAILED] += _finish_many(group, now, state=State.FAILED, last_error=text)
        else:
            logger.warning("%s reminder(s) will be retried: %s", len(group), text)
            outcome[State.PENDING] += _finish_many(
                group, now, state=State.PENDING, last_error=text, next_attempt_at=now + retry_delay(attempt)
            )


@dataclass
class SendingBatch:
    """What the re-checks and the emails of one batch need, read in a few set-based queries."""

    open_followups: dict[tuple[int, int], list[FollowUp]]  # (mission, person) -> open follow-ups (digests)
    organisers: set[tuple[int, int]]  # (mission, person) pairs with an organising role (summaries)
    states: dict[tuple[int, date], "MissionFollowUpState"] = field(default_factory=dict)  # summaries' counts

    @classmethod
    def load(cls, rows: list[ReminderEmail]) -> "SendingBatch":
        digests = {(r.mission_id, r.recipient_id) for r in rows if r.kind == Kind.DIGEST}
        open_followups: dict[tuple[int, int], list[FollowUp]] = defaultdict(list)
        if digests:
            people_by_mission: dict[int, set[int]] = defaultdict(set)
            for mission_id, person_id in digests:
                people_by_mission[mission_id].add(person_id)
            # One condition per mission (a batch's digests come from few), so only their rows are read.
            wanted = Q()
            for mission_id, people in people_by_mission.items():
                wanted |= Q(mission_id=mission_id, assignee__person_id__in=people)
            for followup in _open_followups().filter(wanted):
                open_followups[(followup.mission_id, followup.assignee.person_id)].append(followup)
        summaries = {(r.mission_id, r.recipient_id) for r in rows if r.kind == Kind.SUMMARY}
        organisers = set()
        if summaries:
            organisers = {
                pair
                for pair in Delegate.objects.filter(
                    mission_id__in={m for m, _ in summaries},
                    person_id__in={p for _, p in summaries},
                    role__in=Delegate.ORGANISING_ROLES,
                ).values_list("mission_id", "person_id")
                if pair in summaries
            }
        return cls(open_followups=dict(open_followups), organisers=organisers)

    def mission_state(self, mission: Mission, today: date) -> "MissionFollowUpState":
        key = (mission.pk, today)
        if key not in self.states:
            self.states[key] = mission_followup_state(mission=mission, today=today)
        return self.states[key]


def reminders_send_batch(*, now: datetime | None = None, ids: list[int] | None = None) -> Counter:
    """Claim up to REMINDERS_BATCH_SIZE due rows (or just `ids`, if due), re-check them and send
    them over one SMTP connection. Returns how many rows ended in each state.

    Safe to run any number of times, concurrently: each row is claimed by one batch only.
    Each message is handed to the server and recorded on its own, so one refused recipient
    fails one row and a message accepted is marked sent straight away (autocommit). A lost
    connection (dropped, timed out, 421) costs the message in flight one attempt; the batch
    then reconnects, and if the server cannot be reached every row left gets a failed
    attempt (retried with backoff), as each would have on its own. Rows not tried when the
    batch runs out of time go back to pending untouched."""
    now = now or timezone.now()
    outcome: Counter = Counter()
    rows = _claim(now=now, limit=batch_size(), ids=ids)
    if not rows:
        return outcome
    batch = SendingBatch.load(rows)
    untried: deque[ReminderEmail] = deque()
    unwanted: dict[str, list[ReminderEmail]] = defaultdict(list)
    for row in rows:
        reason = _why_not_now(row, batch)
        if reason:
            unwanted[reason].append(row)
        else:
            untried.append(row)
    for reason, group in unwanted.items():
        outcome[State.CANCELLED] += _finish_many(group, now, state=State.CANCELLED, cancel_reason=reason)
    backend = get_connection()
    connected = False
    stop_at = monotonic() + batch_seconds()
    try:
        while untried and monotonic() < stop_at:
            row = untried[0]
            if not _still_wanted(row):
                untried.popleft()
                reason = "Recipient opted out, must not be contacted, or has no email address."
                outcome[State.CANCELLED] += _finish(row, now, state=State.CANCELLED, cancel_reason=reason)
                continue
            try:
                message = build_message(row, now=now, batch=batch)
            except SoftTimeLimitExceeded:
                raise
            except Exception as error:
                untried.popleft()
                logger.exception("Reminder %s could not be rendered", row.pk)
                text = f"Could not build the email: {error!r}"[:2000]
                outcome[State.FAILED] += _finish(row, now, state=State.FAILED, last_error=text)
                continue
            if not connected:
                try:
                    backend.open()
                except SoftTimeLimitExceeded:
                    raise
                except Exception as error:  # the server cannot be reached: every row left fails this attempt
                    _close(backend)
                    _record_failure(list(untried), now, error, outcome)
                    untried.clear()
                    break
                connected = True
            untried.popleft()  # from here on the message is in flight: never released, only recorded
            try:
                backend.send_messages([message])
            except SoftTimeLimitExceeded:
                raise  # outcome unknown: the row stays `sending` until the lease returns it
            except Exception as error:
                _record_failure([row], now, error, outcome)
                if _connection_lost(backend, error):
                    _close(backend)
                    connected = False
                continue
            # The SMTP server has the message: record it at once (autocommit) to keep the window
            # in which a crash would cause a second delivery as short as possible.
            with _not_waiting_for_the_disk():
                outcome[State.SENT] += _finish(row, now, state=State.SENT, sent_at=now, last_error="")
    finally:
        if connected:
            _close(backend)
        if untried:
            # Out of time (or interrupted): rows not tried go back as they were, attempt not spent.
            try:
                _finish_many(list(untried), now, state=State.PENDING, attempts=F("attempts") - 1)
            except Exception:
                logger.exception("Could not release %s unsent reminder(s); the lease will", len(untried))
            outcome["released"] += len(untried)
    return outcome


def reminder_send(*, reminder_id: int, now: datetime | None = None) -> str:
    """Send one reminder now, if it is due and nobody else is sending it (the Resend button's fast path).
    Returns the row's new state, or "skipped"."""
    outcome = reminders_send_batch(now=now, ids=[int(reminder_id)])
    return next((state for state, count in outcome.items() if count and state != "released"), "skipped")


def _why_not_now(reminder: ReminderEmail, batch: SendingBatch) -> str:
    """Re-check, at send time, that the reminder is still wanted (a service may have forgotten to rearm)."""
    mission = reminder.mission
    key = (reminder.mission_id, reminder.recipient_id)
    if mission.status == Mission.Status.CANCELLED:
        return "Mission cancelled."
    if not may_email(reminder.recipient):
        return "Recipient opted out, must not be contacted, or has no email address."
    if reminder.kind == Kind.DIGEST:
        if not batch.open_followups.get(key):
            return "No open follow-ups left for this delegate."
    elif reminder.kind == Kind.NUDGE:
        followup = reminder.followup
        if (
            followup is None
            or followup.status != FollowUp.Status.OPEN
            or followup.due_on != reminder.followup_due_on
            or followup.assignee.person_id != reminder.recipient_id
        ):
            return "Follow-up done, cancelled, deleted, reassigned or given a new due date."
    elif key not in batch.organisers:
        return "No longer an organiser of the mission."
    return ""


def _open_followups() -> QuerySet[FollowUp]:
    return (
        FollowUp.objects.filter(status=FollowUp.Status.OPEN)
        .select_related("assignee", "meeting", "enquiry__organisation")
        .prefetch_related("meeting__counterpart_organisations")
        .order_by("due_on", "-priority", "pk")
    )


# --- the emails --------------------------------------------------------------------------------------


def opt_out_token(person: Person) -> str:
    return signing.dumps({"p": person.pk}, salt=OPT_OUT_SALT, compress=True)


def person_for_opt_out_token(token: str) -> Person | None:
    try:
        data = signing.loads(token, salt=OPT_OUT_SALT)
        return Person.objects.get(pk=data["p"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, Person.DoesNotExist):
        return None


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


@dataclass
class DelegateProgress:
    name: str
    open: int = 0
    overdue: int = 0
    done: int = 0


@dataclass
class MissionFollowUpState:
    open: int = 0
    overdue: int = 0
    done: int = 0
    cancelled: int = 0
    by_delegate: list[DelegateProgress] = field(default_factory=list)


def mission_followup_state(*, mission: Mission, today: date) -> MissionFollowUpState:
    state = MissionFollowUpState()
    people: dict[int, DelegateProgress] = {}
    for followup in FollowUp.objects.filter(mission=mission).select_related("assignee__person"):
        row = people.setdefault(followup.assignee_id, DelegateProgress(followup.assignee.person.full_name))
        if followup.status == FollowUp.Status.DONE:
            state.done += 1
            row.done += 1
        elif followup.status == FollowUp.Status.CANCELLED:
            state.cancelled += 1
        else:
            state.open += 1
            row.open += 1
            if followup.due_on < today:
                state.overdue += 1
                row.overdue += 1
    state.by_delegate = sorted(people.values(), key=lambda r: (-r.overdue, -r.open, r.name))
    return state


def _followup_url(followup) -> str:
    """The follow-up's own page: it is there whatever My follow-ups shows (its lists are capped)."""
    return absolute(reverse("followups:followup-detail", args=[followup.pk]))


def build_message(reminder: ReminderEmail, *, now: datetime, batch: SendingBatch) -> EmailMultiAlternatives:
    person, mission = reminder.recipient, reminder.mission
    tz = recipient_time_zone(person)
    today = now.astimezone(tz).date()
    opt_out_url = absolute(reverse("followups:reminders-opt-out", args=[opt_out_token(person)]))
    my_followups_url = absolute(reverse("followups:my-followups"))
    context = {
        "reminder": reminder,
        "person": person,
        "mission": mission,
        "today": today,
        "time_zone": tz.key,
        "site_url": settings.SITE_URL,
        "my_followups_url": my_followups_url,
        "opt_out_url": opt_out_url,
    }
    if reminder.kind == Kind.DIGEST:
        followups = batch.open_followups.get((mission.pk, person.pk), [])
        for followup in followups:
            followup.link = _followup_url(followup)
        context["overdue"] = [f for f in followups if f.due_on < today]
        context["upcoming"] = [f for f in followups if f.due_on >= today]
        context["open_count"] = len(followups)
        subject = f"{isolate(mission.title)}: {len(followups)} open follow-up{'s' if len(followups) != 1 else ''}"
        if context["overdue"]:
            subject += f", {len(context['overdue'])} overdue"
    elif reminder.kind == Kind.SUMMARY:
        context["state"] = batch.mission_state(mission, today)
        context["mission_url"] = absolute(reverse("events:mission-detail", args=[mission.pk]))
        context["reminders_url"] = absolute(reverse("followups:mission-reminders", args=[mission.pk]))
        subject = f"{isolate(mission.title)}: follow-up summary, {_days(reminder.offset_days)} after the mission"
    else:
        followup = reminder.followup
        followup.link = _followup_url(followup)
        context["followup"] = followup
        context["days_overdue"] = (today - followup.due_on).days
        subject = f"Overdue follow-up: {isolate(followup.title)}"
    template = f"followups/emails/{reminder.kind}"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        to=[f'"{person.full_name}" <{person.email}>' if person.full_name else person.email],
        headers={
            "Message-ID": reminder.message_id,
            "List-Unsubscribe": f"<{opt_out_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "X-Delegation-CRM-Reminder": f"{reminder.kind}/{reminder.pk}",
        },
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


# --- selectors for the pages -------------------------------------------------------------------------


def mission_reminder_list(*, mission: Mission) -> list[ReminderEmail]:
    rows = list(
        ReminderEmail.objects.filter(mission=mission)
        .select_related("recipient__user", "followup")
        .order_by("due_at", "kind", "recipient__family_name", "pk")
    )
    for row in rows:
        row.recipient_zone = recipient_time_zone(row.recipient).key
    return rows


def get_reminder_for_mission(*, mission: Mission, pk) -> ReminderEmail:
    from django.http import Http404

    try:
        return ReminderEmail.objects.get(mission=mission, pk=pk)
    except (ReminderEmail.DoesNotExist, ValueError, TypeError):
        raise Http404("No such reminder.") from None
