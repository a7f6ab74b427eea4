"""Reads for the contacts directory: one base queryset per model, so every page
loads related rows the same way. Merged records stay in the database as a
trace but never show in lists."""

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from . import registry
from .models import Organisation, Person


def activity_provider() -> registry.ContactActivitySource:
    """The object that knows about missions: followups registers it (see contacts/registry.py)."""
    return registry.activity()


def organisation_base_queryset() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("parent", "merged_into").prefetch_related("sectors")


def person_base_queryset() -> QuerySet[Person]:
    return Person.objects.select_related("organisation", "merged_into", "user")


def organisation_list() -> QuerySet[Organisation]:
    return (
        organisation_base_queryset()
        .filter(merged_into__isnull=True)
        # A correlated count, computed only for the rows of the page (a join would count all 1M people).
        .annotate(
            people_count=Coalesce(
                Subquery(
                    Person.objects.filter(organisation=OuterRef("pk"), merged_into__isnull=True)
                    .order_by()
                    .values("organisation")
                    .annotate(n=Count("*"))
                    .values("n")[:1]
                ),
                Value(0),
                output_field=IntegerField(),
            )
        )
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


def organisation_countries(*, with_people: bool = False) -> list[str]:
    """The countries of (unmerged) organisations, optionally only those with people, in one query.

    A loose index scan over the (country, kind) index: one short index probe per country
    instead of reading 200 000 organisations (or joining a million people) for a dozen codes.
    """
    sql = _COUNTRIES_WITH_PEOPLE if with_people else _COUNTRIES
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


_COUNTRIES = """
    WITH RECURSIVE c(country) AS (
        SELECT (SELECT o.country FROM contacts_organisation o WHERE o.merged_into_id IS NULL
                ORDER BY o.country LIMIT 1)
        UNION ALL
        SELECT (SELECT o.country FROM contacts_organisation o WHERE o.merged_into_id IS NULL AND o.country > c.country
                ORDER BY o.country LIMIT 1)
        FROM c WHERE c.country IS NOT NULL
    )
    SELECT country FROM c WHERE country IS NOT NULL
"""
_COUNTRIES_WITH_PEOPLE = """
    WITH RECURSIVE c(country) AS (
        SELECT (SELECT o.country FROM contacts_organisation o WHERE o.merged_into_id IS NULL
                AND EXISTS (SELECT 1 FROM contacts_person p WHERE p.organisation_id = o.id)
                ORDER BY o.country LIMIT 1)
        UNION ALL
        SELECT (SELECT o.country FROM contacts_organisation o WHERE o.merged_into_id IS NULL AND o.country > c.country
                AND EXISTS (SELECT 1 FROM contacts_person p WHERE p.organisation_id = o.id)
                ORDER BY o.country LIMIT 1)
        FROM c WHERE c.country IS NOT NULL
    )
    SELECT country FROM c WHERE country IS NOT NULL
"""
