"""Reads for the contacts directory: one base queryset per model, so every page
loads related rows the same way. Merged records stay in the database as a
trace but never show in lists."""

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.module_loading import import_string

from .models import Organisation, Person


def activity_provider():
    """The object that knows about missions (see CONTACT_ACTIVITY_PROVIDER in settings)."""
    return import_string(settings.CONTACT_ACTIVITY_PROVIDER)


def organisation_base_queryset() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("parent", "merged_into").prefetch_related("sectors")


def person_base_queryset() -> QuerySet[Person]:
    return Person.objects.select_related("organisation", "merged_into", "user")


def organisation_list() -> QuerySet[Organisation]:
    return (
        organisation_base_queryset()
        .filter(merged_into__isnull=True)
        .annotate(people_count=Count("people", filter=Q(people__merged_into__isnull=True), distinct=True))
        .order_by("name", "pk")
    )


def person_list() -> QuerySet[Person]:
    return person_base_queryset().filter(merged_into__isnull=True).order_by("family_name", "given_name", "pk")


def organisation_people(*, organisation: Organisation) -> QuerySet[Person]:
    return organisation.people.filter(merged_into__isnull=True).order_by("family_name", "given_name", "pk")


def organisation_subsidiaries(*, organisation: Organisation) -> QuerySet[Organisation]:
    return organisation.subsidiaries.filter(merged_into__isnull=True).order_by("name", "pk")


def organisation_activity(*, user, organisation: Organisation):
    return activity_provider().for_organisation(user=user, organisation=organisation)


def person_activity(*, user, person: Person):
    return activity_provider().for_person(user=user, person=person)


def missions_for_filter(*, user):
    return activity_provider().missions(user=user)
