"""Which organisation a typed or imported name is: one answer for every page that asks.

The importer, the meeting form's inline create, the directory's add page and the
duplicate finder all call :func:`resolve_organisations`. A name matches a record
when it shares a key with one of the record's names (its romanised name, its
native name, its reading) or with one of its aliases; see ``names`` for what a key
forgives. Two queries for any number of names, so an import of a thousand rows
resolves its organisations in two round trips.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from ..models import Organisation, OrganisationAlias
from .names import organisation_keys, query_keys

# Best reason first: a shared name says more than a shared reading.
_RANK = {"name": 0, "native name": 1, "reading": 2, "alias": 3}


@dataclass(frozen=True)
class Resolution:
    organisation: Organisation
    how: str  # "name", "native name", "reading" or "alias"
    alias: str = ""

    @property
    def reason(self) -> str:
        if self.how == "alias":
            return f"also known as “{self.alias}”"
        return {"name": "same name", "native name": "same name in Japanese", "reading": "same reading"}[self.how]


def _typed_names(name: str, name_native: str = "") -> tuple[str, ...]:
    return tuple(value.strip() for value in (name, name_native) if value and value.strip())


def resolve_organisations(
    names: Iterable[tuple[str, str]], *, exclude_pk=None
) -> dict[tuple[str, str], list[Resolution]]:
    """For each (name, native name) typed, the live organisations it names, best reason first
    (empty when it names none). Merged-away records are never answered: their names were
    recorded as aliases of the record they were merged into."""
    wanted = {pair: query_keys(*_typed_names(*pair)) for pair in names}
    every_key = sorted({key for keys in wanted.values() for key in keys})
    results: dict[tuple[str, str], list[Resolution]] = {pair: [] for pair in wanted}
    if not every_key:
        return results
    live = Organisation.objects.filter(merged_into__isnull=True)
    if exclude_pk:
        live = live.exclude(pk=exclude_pk)
    by_key: dict[str, list[tuple[Organisation, str]]] = {}
    for organisation in live.filter(identity_keys__overlap=every_key).order_by("pk"):
        for key in organisation.identity_keys:
            by_key.setdefault(key, []).append((organisation, ""))
    aliases = (
        OrganisationAlias.objects.filter(keys__overlap=every_key, organisation__in=live)
        .select_related("organisation")
        .order_by("organisation_id", "pk")
    )
    for alias in aliases:
        for key in alias.keys:
            by_key.setdefault(key, []).append((alias.organisation, alias.name))
    for pair, keys in wanted.items():
        best: dict[int, Resolution] = {}
        for key, how in keys.items():
            for organisation, alias in by_key.get(key, []):
                found = Resolution(organisation, "alias" if alias else how, alias)
                current = best.get(organisation.pk)
                if current is None or _RANK[found.how] < _RANK[current.how]:
                    best[organisation.pk] = found
        results[pair] = sorted(best.values(), key=lambda r: (_RANK[r.how], r.organisation.pk))
    return results


def resolve_organisation(name: str, name_native: str = "", *, exclude_pk=None) -> list[Resolution]:
    return resolve_organisations([(name, name_native)], exclude_pk=exclude_pk)[(name, name_native)]


def add_alias(
    organisation: Organisation, name: str, *, source: str = OrganisationAlias.Source.OTHER, acting_user=None
) -> OrganisationAlias | None:
    """Remember another name of an organisation, unless one of its names already says the same."""
    name = (name or "").strip()[:200]
    keys = organisation_keys(name)
    if not keys or set(keys) <= set(organisation.identity_keys):
        return None
    existing = organisation.aliases.filter(keys__contains=keys).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return OrganisationAlias.objects.create(
                organisation=organisation, name=name, source=source, created_by=acting_user
            )
    except IntegrityError:  # the same name, recorded meanwhile
        return organisation.aliases.get(name=name)
