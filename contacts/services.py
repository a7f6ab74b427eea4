"""Writes for organisations and people: every change in a transaction, with who made it."""

from django.db import transaction

from .models import Organisation, Person

# Typeahead inline creation (the meeting and enquiry forms create counterparts
# without leaving the page). The search keys are recomputed by the model's save().


@transaction.atomic
def organisation_create(
    *, name: str, name_native: str = "", name_reading: str = "", country: str = "", kind: str, user
) -> Organisation:
    organisation = Organisation(
        name=name.strip(),
        name_native=name_native.strip(),
        name_reading=name_reading.strip(),
        country=country,
        kind=kind,
        created_by=user,
        modified_by=user,
    )
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def person_create(
    *,
    given_name: str,
    family_name: str,
    name_native: str = "",
    name_order: str = Person.NameOrder.GIVEN_FIRST,
    organisation: Organisation | None = None,
    email: str = "",
    user,
) -> Person:
    person = Person(
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        name_native=name_native.strip(),
        name_order=name_order,
        organisation=organisation,
        email=email.strip(),
        created_by=user,
        modified_by=user,
    )
    person.full_clean()
    person.save()
    return person
