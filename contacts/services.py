"""Writes for organisations and people."""

from django.db import transaction

from .models import Organisation, Person

# Used by imports
# (events.services imports organisations and people through these; the contacts
# directory may grow richer create/update services that replace them.)


@transaction.atomic
def organisation_create(
    *,
    name: str,
    name_native: str = "",
    kind: str = Organisation.Kind.COMPANY,
    country: str = "",
    city: str = "",
    website: str = "",
    acting_user=None,
) -> Organisation:
    organisation = Organisation(
        name=name,
        name_native=name_native,
        kind=kind or Organisation.Kind.COMPANY,
        country=country,
        city=city,
        website=website,
        created_by=acting_user,
        modified_by=acting_user,
    )
    # The database enforces the constraints; checking them here too would cost a query each.
    organisation.full_clean(exclude=["parent", "sectors"], validate_constraints=False)
    organisation.save()
    return organisation


@transaction.atomic
def person_create(
    *,
    family_name: str,
    given_name: str = "",
    name_native: str = "",
    name_order: str = Person.NameOrder.GIVEN_FIRST,
    honorific: str = "",
    job_title: str = "",
    email: str = "",
    phone: str = "",
    organisation: Organisation | None = None,
    acting_user=None,
) -> Person:
    person = Person(
        family_name=family_name,
        given_name=given_name,
        name_native=name_native,
        name_order=name_order or Person.NameOrder.GIVEN_FIRST,
        honorific=honorific,
        job_title=job_title,
        email=email,
        phone=phone,
        organisation=organisation,
        created_by=acting_user,
        modified_by=acting_user,
    )
    person.full_clean(exclude=["user", "organisation"], validate_constraints=False)
    person.save()
    return person
