"""Writes for missions and everything in them. Each function runs in one
transaction, records who acted (created_by / modified_by; django-simple-history
keeps the rest), and refuses with a ValidationError (shown on the form) rather
than leaving the database in a half-changed state."""

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from contacts.models import Organisation, Person, Sector, User

from .models import Delegate, Event, Mission

logger = logging.getLogger(__name__)

# Missions, events and rosters


def person_for_user(*, user: User) -> Person:
    """The person record behind a login, created from the account's name and email if there is none.

    An unlinked person with the same email is linked rather than duplicated."""
    try:
        return user.person
    except Person.DoesNotExist:
        pass
    if user.email:
        same_email = list(Person.objects.filter(email__iexact=user.email, user__isnull=True, merged_into__isnull=True))
        if len(same_email) == 1:
            person = same_email[0]
            person.user = user
            person.modified_by = user
            person.save(update_fields=["user", "modified_by", "modified_at"])
            return person
    return Person.objects.create(
        given_name=user.first_name,
        family_name=user.last_name or user.username,
        email=user.email,
        time_zone=user.time_zone,
        user=user,
        created_by=user,
        modified_by=user,
    )


def _set_mission_relations(mission: Mission, *, lead_organisations, partner_organisations, sectors) -> None:
    mission.lead_organisations.set(lead_organisations)
    mission.partner_organisations.set(partner_organisations)
    mission.sectors.set(sectors)


@transaction.atomic
def mission_create(
    *,
    created_by: User,
    title: str,
    start_date: date,
    end_date: date,
    destination_country: str,
    destination_city: str = "",
    direction: str = Mission.Direction.OUTBOUND,
    time_zone: str = "Asia/Tokyo",
    status: str = Mission.Status.PLANNING,
    programme: str = "",
    reminder_offsets: list[int] | None = None,
    lead_organisations: list[Organisation] = (),
    partner_organisations: list[Organisation] = (),
    sectors: list[Sector] = (),
) -> Mission:
    """A new mission. A non-manager who creates one becomes its organiser, so they can go on managing it."""
    mission = Mission.objects.create(
        title=title,
        start_date=start_date,
        end_date=end_date,
        destination_country=destination_country,
        destination_city=destination_city,
        direction=direction,
        time_zone=time_zone,
        status=status,
        programme=programme,
        reminder_offsets=list(reminder_offsets) if reminder_offsets is not None else [1, 7, 30],
        created_by=created_by,
        modified_by=created_by,
    )
    _set_mission_relations(
        mission, lead_organisations=lead_organisations, partner_organisations=partner_organisations, sectors=sectors
    )
    if not created_by.is_manager:
        Delegate.objects.create(
            mission=mission,
            person=person_for_user(user=created_by),
            role=Delegate.Role.ORGANISER,
            created_by=created_by,
            modified_by=created_by,
        )
    return mission


@transaction.atomic
def mission_update(
    *,
    mission: Mission,
    modified_by: User,
    lead_organisations: list[Organisation],
    partner_organisations: list[Organisation],
    sectors: list[Sector],
    **fields,
) -> Mission:
    editable = {
        "title",
        "direction",
        "destination_country",
        "destination_city",
        "start_date",
        "end_date",
        "time_zone",
        "status",
        "programme",
        "reminder_offsets",
    }
    unknown = set(fields) - editable
    if unknown:
        raise TypeError(f"mission_update() got unexpected fields {sorted(unknown)}")
    for name, value in fields.items():
        setattr(mission, name, value)
    mission.modified_by = modified_by
    mission.save()
    _set_mission_relations(
        mission, lead_organisations=lead_organisations, partner_organisations=partner_organisations, sectors=sectors
    )
    return mission


EVENT_FIELDS = {"kind", "title", "venue", "city", "starts_at", "ends_at", "time_zone", "description"}
EVENT_NUMBERS = {"capacity", "attendance"}


def _check_event_times(starts_at: datetime, ends_at: datetime) -> None:
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValueError("Event times must be aware datetimes.")
    if ends_at <= starts_at:
        raise ValidationError("The event must end after it starts.", code="ends_before_start")


@transaction.atomic
def event_create(
    *,
    mission: Mission,
    created_by: User,
    kind: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    time_zone: str,
    venue: str = "",
    city: str = "",
    description: str = "",
    capacity: int | None = None,
    attendance: int | None = None,
    co_hosts: list[Organisation] = (),
    sponsors: list[Organisation] = (),
    speakers: list[Person] = (),
) -> Event:
    _check_event_times(starts_at, ends_at)
    event = Event.objects.create(
        mission=mission,
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        time_zone=time_zone,
        venue=venue,
        city=city,
        description=description,
        capacity=capacity,
        attendance=attendance,
        created_by=created_by,
        modified_by=created_by,
    )
    event.co_hosts.set(co_hosts)
    event.sponsors.set(sponsors)
    event.speakers.set(speakers)
    return event


@transaction.atomic
def event_update(
    *,
    event: Event,
    modified_by: User,
    co_hosts: list[Organisation],
    sponsors: list[Organisation],
    speakers: list[Person],
    **fields,
) -> Event:
    unknown = set(fields) - EVENT_FIELDS - EVENT_NUMBERS
    if unknown:
        raise TypeError(f"event_update() got unexpected fields {sorted(unknown)}")
    for name, value in fields.items():
        setattr(event, name, value)
    _check_event_times(event.starts_at, event.ends_at)
    event.modified_by = modified_by
    event.save()
    event.co_hosts.set(co_hosts)
    event.sponsors.set(sponsors)
    event.speakers.set(speakers)
    return event


def _already_on_mission(person: Person, mission: Mission) -> ValidationError:
    return ValidationError(
        "%(name)s is already on this mission.", code="duplicate_delegate", params={"name": person.full_name}
    )


@transaction.atomic
def delegate_add(*, mission: Mission, person: Person, role: str, added_by: User, notes: str = "") -> Delegate:
    """Put a person on a mission once; a second time is refused with a message, never an error page."""
    if mission.delegates.filter(person=person).exists():
        raise _already_on_mission(person, mission)
    try:
        # a savepoint, so that a concurrent add losing the race on the unique
        # constraint leaves the surrounding transaction usable
        with transaction.atomic():
            return Delegate.objects.create(
                mission=mission, person=person, role=role, notes=notes, created_by=added_by, modified_by=added_by
            )
    except IntegrityError:
        raise _already_on_mission(person, mission) from None


@transaction.atomic
def delegate_add_new_person(
    *,
    mission: Mission,
    added_by: User,
    given_name: str,
    family_name: str,
    role: str,
    email: str = "",
    organisation: Organisation | None = None,
    job_title: str = "",
) -> Delegate:
    """Create a person and put them on the mission. An email that already belongs to someone
    is refused, so the roster does not fill up with duplicates of people we already know."""
    if email:
        existing = Person.objects.filter(email__iexact=email, merged_into__isnull=True).first()
        if existing:
            raise ValidationError(
                "%(name)s already has the email %(email)s: choose them under “Someone we already know”.",
                code="person_exists",
                params={"name": existing.full_name, "email": email},
            )
    person = Person.objects.create(
        given_name=given_name,
        family_name=family_name,
        email=email,
        organisation=organisation,
        job_title=job_title,
        created_by=added_by,
        modified_by=added_by,
    )
    return delegate_add(mission=mission, person=person, role=role, added_by=added_by)


def _would_leave_no_organiser(delegate: Delegate) -> bool:
    """True when this delegate is the mission's only lead or organiser."""
    if not delegate.organises:
        return False
    return not (delegate.mission.delegates.filter(role__in=Delegate.ORGANISING_ROLES).exclude(pk=delegate.pk).exists())


@transaction.atomic
def delegate_change_role(*, delegate: Delegate, role: str, modified_by: User) -> Delegate:
    if role not in Delegate.Role.values:
        raise ValidationError("Choose one of the roles listed.", code="invalid_role")
    if role not in Delegate.ORGANISING_ROLES and _would_leave_no_organiser(delegate):
        raise ValidationError(
            "%(name)s is the mission's only organiser: make someone else an organiser first.",
            code="last_organiser",
            params={"name": delegate.person.full_name},
        )
    delegate.role = role
    delegate.modified_by = modified_by
    delegate.save(update_fields=["role", "modified_by", "modified_at"])
    return delegate


def delegate_removal_blockers(delegate: Delegate) -> list[str]:
    """Why this delegate cannot be taken off the mission (empty if they can)."""
    reasons = []
    meetings = delegate.meetings.count()
    if meetings:
        reasons.append(f"{meetings} partnering meeting{'s' if meetings != 1 else ''}")
    followups = delegate.followups.count()  # reverse name only: events does not import followups
    if followups:
        reasons.append(f"{followups} follow-up{'s' if followups != 1 else ''}")
    return reasons


@transaction.atomic
def delegate_remove(*, delegate: Delegate, removed_by: User) -> None:
    """Take a person off a mission. Refused while meetings or follow-ups name them: those
    records would lose who did the work (follow-ups PROTECT their assignee)."""
    delegate = Delegate.objects.select_for_update(of=("self",)).select_related("mission", "person").get(pk=delegate.pk)
    blockers = delegate_removal_blockers(delegate)
    if blockers:
        raise ValidationError(
            "%(name)s cannot be removed: they are named in %(what)s. Reassign or delete those first.",
            code="delegate_in_use",
            params={"name": delegate.person.full_name, "what": " and ".join(blockers)},
        )
    if _would_leave_no_organiser(delegate):
        raise ValidationError(
            "%(name)s is the mission's only organiser: make someone else an organiser first.",
            code="last_organiser",
            params={"name": delegate.person.full_name},
        )
    try:
        with transaction.atomic():
            delegate.delete()
    except ProtectedError:
        # a follow-up assigned to them in the meantime: same answer as above
        raise ValidationError(
            "%(name)s cannot be removed: they were just assigned a follow-up. Reassign it first.",
            code="delegate_in_use",
            params={"name": delegate.person.full_name},
        ) from None


@transaction.atomic
def delegate_link_user(*, delegate: Delegate, user: User, modified_by: User) -> Person:
    """Link the delegate's person to an existing login, which then sees this mission."""
    person = Person.objects.select_for_update().get(pk=delegate.person_id)
    if person.user_id == user.pk:
        return person
    if person.user_id is not None:
        raise ValidationError(
            "%(name)s already signs in as %(username)s.",
            code="person_has_user",
            params={"name": person.full_name, "username": person.user.username},
        )
    other = Person.objects.filter(user=user).first()
    if other:
        raise ValidationError(
            "The account %(username)s already belongs to %(name)s.",
            code="user_taken",
            params={"username": user.username, "name": other.full_name},
        )
    person.user = user
    person.modified_by = modified_by
    person.save(update_fields=["user", "modified_by", "modified_at"])
    delegate.person = person
    return person


@dataclass
class Invitation:
    user: User
    created: bool  # a new account (False: the person's or their email's existing account)
    sent: bool  # False when the account already had a password: it was linked, nothing emailed
    link: str = ""


def _free_username(email: str) -> str:
    base = re.sub(r"[^\w.@+-]", "", email.lower())[:140] or "delegate"
    username, n = base, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}-{n}"
    return username


def _invitation_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("events:invite-accept", kwargs={"uidb64": uid, "token": token})


def delegate_invite(*, delegate: Delegate, invited_by: User, email: str = "") -> Invitation:
    """Give a delegate a login and email them a link to choose their password.

    Creates a delegate account linked to the person (or reuses the person's account, or
    an unlinked account with their email, as long as nobody has set its password yet).
    The link is Django's password-reset token, so it stops working once used, when the
    password changes, and after PASSWORD_RESET_TIMEOUT. The email goes out after the
    account is committed; if sending fails the account stays and the invite can be resent.
    """
    with transaction.atomic():
        person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=delegate.person_id)
        if person.do_not_contact:
            raise ValidationError(
                "%(name)s is marked “do not contact”: we never email them.",
                code="do_not_contact",
                params={"name": person.full_name},
            )
        if not person.email:
            if not email:
                raise ValidationError("Give an email address to send the invitation to.", code="no_email")
            if Person.objects.filter(email__iexact=email).exclude(pk=person.pk).exists():
                raise ValidationError(
                    "Another person already has the email %(email)s.", code="email_taken", params={"email": email}
                )
            person.email = email
            person.modified_by = invited_by
            person.save(update_fields=["email", "modified_by", "modified_at"])
        user = person.user
        created = False
        if user is None:
            user = User.objects.filter(email__iexact=person.email).first()
            if user is not None and Person.objects.filter(user=user).exists():
                raise ValidationError(
                    "The account with the email %(email)s belongs to someone else.",
                    code="user_taken",
                    params={"email": person.email},
                )
        if user is None:
            user = User(
                username=_free_username(person.email),
                email=person.email,
                first_name=person.given_name,
                last_name=person.family_name,
                role=User.Role.DELEGATE,
                time_zone=person.time_zone,
            )
            user.set_unusable_password()
            user.save()
            created = True
        if person.user_id != user.pk:
            person.user = user
            person.modified_by = invited_by
            person.save(update_fields=["user", "modified_by", "modified_at"])
        if not created and user.has_usable_password():
            # They can already sign in: linking was all that was needed, and a
            # set-password email would only be a password reset nobody asked for.
            return Invitation(user=user, created=False, sent=False)
    link = _invitation_link(user)
    context = {
        "person": person,
        "user": user,
        "mission": delegate.mission,
        "role": delegate.get_role_display(),
        "invited_by": invited_by,
        "link": link,
        "site_url": settings.SITE_URL,
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    subject = render_to_string("events/email/invite_subject.txt", context).strip()
    body = render_to_string("events/email/invite_body.txt", context)
    send_mail(subject, body, None, [person.email])
    logger.info("Invited user %s to mission %s", user.pk, delegate.mission_id)
    return Invitation(user=user, created=created, sent=True, link=link)


def users_linkable_to(person: Person):
    """Accounts that may be linked to this person: those not linked to anyone else."""
    return User.objects.filter(Q(person__isnull=True) | Q(person=person), is_active=True).order_by("username")
