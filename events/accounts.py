"""User accounts as a manager sees them: who can sign in, with which account role, on which
missions; and the changes a manager makes (role, deactivation, a new account, a set-password link).

Rights on one mission come from the delegate role there (events.access); the account role only
decides the landing page and the cross-mission rights (manager). Two rules keep the system
administrable: a manager cannot demote or deactivate themselves, and the last active manager
stays a manager.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string

from contacts.models import Person, User
from contacts.privacy import user_can_be_emailed
from contacts.signals import person_contact_changed

from .access import may_change_account
from .models import Delegate
from .services import free_username, invitation_link

logger = logging.getLogger(__name__)

STATUS_CHOICES = [
    ("", "Any status"),
    ("active", "Active"),
    ("never", "Never signed in"),
    ("inactive", "Deactivated"),
]


def user_list(*, q: str = "", role: str = "", status: str = "") -> QuerySet[User]:
    """Accounts, each with the number of missions it is a delegate on (one correlated count)."""
    missions = Delegate.objects.filter(person__user=OuterRef("pk")).order_by().values("person__user")
    users = User.objects.annotate(
        mission_count=Coalesce(
            Subquery(missions.annotate(n=Count("*")).values("n")[:1]), Value(0), output_field=IntegerField()
        )
    )
    for word in q.split()[:5]:
        users = users.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(username__icontains=word)
        )
    if role == User.Role.MANAGER:
        users = users.filter(Q(role=role) | Q(is_superuser=True))
    elif role:
        users = users.filter(role=role, is_superuser=False)
    if status == "active":
        users = users.filter(is_active=True)
    elif status == "inactive":
        users = users.filter(is_active=False)
    elif status == "never":
        users = users.filter(is_active=True, last_login__isnull=True)
    return users.order_by("last_name", "first_name", "username")


def user_missions(user: User) -> QuerySet[Delegate]:
    """The user's places on missions (through their person record), newest mission first."""
    return (
        Delegate.objects.filter(person__user=user)
        .select_related("mission")
        .order_by("-mission__start_date", "mission__title")
    )


def _active_managers() -> QuerySet[User]:
    return User.objects.filter(Q(role=User.Role.MANAGER) | Q(is_superuser=True), is_active=True)


def account_problems(*, account: User, changed_by: User, role: str, is_active: bool) -> list[str]:
    """Why this change would leave the system without an administrator, if it would."""
    problems = []
    stays_manager = (role == User.Role.MANAGER or account.is_superuser) and is_active
    if account.pk == changed_by.pk and account.is_manager and not stays_manager:
        problems.append("You cannot take away your own manager role or deactivate your own account.")
    elif (
        account.is_manager
        and account.is_active
        and not stays_manager
        and not _active_managers().exclude(pk=account.pk).exists()
    ):
        problems.append(f"{account} is the last active manager: make someone else a manager first.")
    return problems


ACCOUNT_FIELDS = ("first_name", "last_name", "email", "role", "time_zone", "is_active")


def user_update(*, account: User, changed_by: User, data: dict) -> list[str]:
    """Save a manager's changes to an account; returns the names of the fields that changed."""
    with transaction.atomic():
        # The account and every active manager locked in one statement, in id order (no deadlock), and
        # the rules checked under those locks: two managers demoting each other at the same moment
        # cannot leave nobody in charge.
        locked = {
            row.pk: row
            for row in User.objects.filter(
                Q(pk=account.pk) | Q(Q(role=User.Role.MANAGER) | Q(is_superuser=True), is_active=True)
            )
            .order_by("pk")
            .select_for_update()
        }
        account = locked.get(account.pk)
        if account is None:
            raise ValidationError("This account no longer exists.")
        managers = {pk for pk, row in locked.items() if row.is_active and row.is_manager}
        if changed_by.pk not in managers:
            raise ValidationError("Your manager role was taken away meanwhile: nothing was saved.")
        if not may_change_account(changed_by, account):
            raise ValidationError("Only a superuser can change an administrator's account.")
        problems = account_problems(
            account=account, changed_by=changed_by, role=data["role"], is_active=data["is_active"]
        )
        if problems:
            raise ValidationError(problems)
        changed = [name for name in ACCOUNT_FIELDS if getattr(account, name) != data[name]]
        for name in changed:
            setattr(account, name, data[name])
        if changed:
            account.save(update_fields=changed)
        person = Person.objects.filter(user=account).first() if {"time_zone", "email"} & set(changed) else None
        if person is not None:
            # Reminders go out at 09:00 in the account's zone: followups re-arms them.
            person_contact_changed.send(sender=Person, person=person)
    if changed:
        logger.info("User %s changed account %s: %s", changed_by.pk, account.pk, ", ".join(changed))
    return changed


@dataclass
class LinkSent:
    sent: bool
    reason: str = ""


def _may_email(account: User) -> str:
    """Why no set-password email may go to this account, or ""."""
    if not account.is_active:
        return "The account is deactivated: reactivate it first."
    if not account.email:
        return "The account has no email address."
    if not user_can_be_emailed(account):
        return f"{account}'s contact record says we must not email them (do not contact)."
    return ""


def send_password_link(*, account: User, sent_by: User) -> LinkSent:
    """Email a one-use link to choose a password (Django's reset token: it expires after
    PASSWORD_RESET_TIMEOUT and once the password changes)."""
    reason = _may_email(account)
    if reason:
        return LinkSent(False, reason)
    context = {
        "account": account,
        "sent_by": sent_by,
        "link": invitation_link(account),
        "site_url": settings.SITE_URL,
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        "first_time": not account.has_usable_password(),
    }
    subject = render_to_string("events/email/account_link_subject.txt", context).strip()
    body = render_to_string("events/email/account_link_body.txt", context)
    send_mail(subject, body, None, [account.email])
    logger.info("User %s sent a set-password link to account %s", sent_by.pk, account.pk)
    return LinkSent(True)


def user_create(*, created_by: User, data: dict) -> User:
    """A new account without a password; the person chooses one from the emailed link."""
    with transaction.atomic():
        if User.objects.filter(email__iexact=data["email"]).exists():
            raise ValidationError("An account with the email %(email)s already exists.", params=data)
        account = User(
            username=free_username(data["email"]),
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            role=data["role"],
            time_zone=data["time_zone"],
        )
        account.set_unusable_password()
        account.save()
    logger.info("User %s created account %s (%s)", created_by.pk, account.pk, account.role)
    return account
