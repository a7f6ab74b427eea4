"""What contacts asks the apps that know about missions.

contacts may not import events or followups (the import-linter layers contract), yet a
contact's page lists meetings, follow-ups and outcomes, the directory filters by mission,
and a merge must know which missions the rows it would move belong to. The apps that know
register the answers here, in their AppConfig.ready():

- events registers the *mission scope* (``register_mission_scope``): which missions a set
  of rows belongs to, and which of those a user does not organise;
- followups registers the *contact activity* (``register_activity``): what a contact's page
  lists and what the directory's mission filter finds, each loaded through the access rule
  of its own kind of object.

Asking for a hook nobody registered is a configuration error, never a silent "nothing".
"""

from typing import Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet


class MissionScope(Protocol):
    def mission_ids(self, rows: QuerySet) -> set[int] | None:
        """The missions these rows belong to, or None when rows of their kind belong to no mission."""

    def not_organised(self, user, mission_ids: set[int]) -> list[str]:
        """The titles of the missions among these that the user does not organise, sorted."""


class ContactActivitySource(Protocol):
    def missions(self, *, user): ...

    def organisations_met_at(self, *, user, mission_id): ...

    def people_met_at(self, *, user, mission_id): ...

    def for_organisation(self, *, user, organisation): ...

    def for_person(self, *, user, person): ...


_hooks: dict[str, object] = {}


def register_mission_scope(scope: MissionScope) -> None:
    _hooks["mission_scope"] = scope


def register_activity(source: ContactActivitySource) -> None:
    _hooks["activity"] = source


def _get(name: str, app: str):
    try:
        return _hooks[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"No {name.replace('_', ' ')} is registered for contacts: is {app!r} in INSTALLED_APPS?"
        ) from None


def mission_scope() -> MissionScope:
    return _get("mission_scope", "events")


def activity() -> ContactActivitySource:
    return _get("activity", "followups")
