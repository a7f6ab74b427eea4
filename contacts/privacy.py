"""Personal data of one person: consent, the email rule, and anonymisation.

The cross-app parts (subject-access export, erasure across missions,
retention review) are in followups/privacy.py, which may import every app.
"""

from datetime import date

from django.db import models, transaction
from django.utils import timezone

from .history import history_user_for
from .models import Person, User

ERASED_NAME = "Erased person"
# Person fields an erasure keeps: they describe how we hold the record, not who the person is.
KEPT_ON_ERASURE = {"name_order", "time_zone", "lawful_basis", "consent", "consent_source", "organisation_country"}


def user_can_be_emailed(user: User) -> bool:
    """Emails to a user account (invitations, password resets) obey their person's rule."""
    if not user.is_active or not user.email:
        return False
    person = Person.objects.filter(user=user).first()
    return person.can_be_emailed if person is not None else True


@transaction.atomic
def person_consent_record(
    *,
    person: Person,
    consent: str,
    lawful_basis: str,
    source: str = "",
    notes: str = "",
    changed_on: date | None = None,
    acting_user: User | None,
) -> Person:
    """Record the lawful basis and the consent state; a change of consent is dated."""
    if consent != person.consent:
        person.consent_changed_on = changed_on or timezone.localdate()
    elif changed_on is not None:
        person.consent_changed_on = changed_on
    person.consent = consent
    person.lawful_basis = lawful_basis
    person.consent_source = source
    person.consent_notes = notes
    person.modified_by = acting_user
    history_user_for(person, acting_user)
    person._change_reason = "Consent recorded"
    person.save()
    return person


def placeholder_values(person: Person) -> dict:
    """What each identifying field of the person becomes when erased."""
    values = {}
    for field in Person._meta.concrete_fields:
        if field.name in KEPT_ON_ERASURE or field.choices or not isinstance(field, models.CharField | models.TextField):
            continue
        if field.name == "family_name":
            values[field.attname] = f"{ERASED_NAME} {person.pk}"
        elif field.null:
            values[field.attname] = None
        else:
            values[field.attname] = ""
    return values


@transaction.atomic
def person_anonymise(*, person: Person, acting_user: User | None) -> Person:
    """Replace the person's names, contact details and notes with placeholders, in
    the record and in every historical version of it; keep the row so the
    missions' statistics (delegates, meetings, counterparts) stay true. Their
    login, if any, is closed and stripped of its name and address."""
    values = placeholder_values(person)
    for attname, value in values.items():
        setattr(person, attname, value)
    person.do_not_contact = True
    person.erased_on = timezone.localdate()
    person.modified_by = acting_user
    history_user_for(person, acting_user)
    person._change_reason = "Personal data erased on request"
    # Scrub every earlier version first, so that no history row keeps the old values.
    historical = {f.attname for f in Person.history.model._meta.concrete_fields}
    Person.history.filter(id=person.pk).update(**{k: v for k, v in values.items() if k in historical})
    person.save()
    if person.user_id:
        user = person.user
        user.first_name = ""
        user.last_name = ""
        user.email = ""
        user.username = f"erased-{person.pk}"
        user.is_active = False
        user.set_unusable_password()
        user.save()
    return person
