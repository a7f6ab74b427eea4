"""Who may browse and change the contacts directory.

Any signed-in user may browse organisations and people and add new ones (a
delegate at the stand meets people first and asks later); only organisers
(account role) and managers may change existing records or merge duplicates.

A merge moves everything linked to the record it retires to the survivor, so an
organiser may merge two records only when every mission row that would move
(delegate roles, meetings, enquiries, outcomes, event speakers…) belongs to a
mission they organise, and never a person who has a login (the login, and with
it the account's missions, would change hands): managers may merge anything.
Which meetings, follow-ups and outcomes a viewer sees on a contact's page is
decided by the mission and follow-up rules (see contacts/registry.py).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from . import registry
from .models import Organisation, Person


def can_browse_directory(user) -> bool:
    return user.is_authenticated


def can_edit_directory(user) -> bool:
    """Change existing organisations and people, and merge them."""
    return user.is_authenticated and (user.is_manager or user.role == user.Role.ORGANISER)


def _check(user, *, edit: bool) -> None:
    if not can_browse_directory(user):
        raise PermissionDenied("Sign in to see the contacts directory.")
    if edit and not can_edit_directory(user):
        raise PermissionDenied("Only organisers and managers can change or merge existing contacts.")


def get_organisation_for_user(user, pk, *, edit: bool = False, queryset=None) -> Organisation:
    """The organisation with this id (merged ones included: their page points to the survivor)."""
    _check(user, edit=edit)
    try:
        return (queryset if queryset is not None else Organisation.objects.all()).get(pk=pk)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise Http404("No such organisation.") from None


def get_person_for_user(user, pk, *, edit: bool = False, queryset=None) -> Person:
    _check(user, edit=edit)
    try:
        return (queryset if queryset is not None else Person.objects.all()).get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404("No such person.") from None


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def merge_refusal(user, *, survivor, other) -> str | None:
    """Why this user may not merge `other` into `survivor` (None when they may).

    Only the rows of `other` move; the survivor keeps its own. Rows of contacts' own models
    (people of an organisation, subsidiaries, earlier traces) belong to no mission and move
    freely; any other kind of row must belong to a mission the user organises. A kind the
    mission scope knows nothing about is refused too (only a manager may move it)."""
    if not can_edit_directory(user):
        return "Only organisers and managers can change or merge existing contacts."
    if user.is_manager:
        return None
    scope = registry.mission_scope()
    kinds_by_mission: dict[str, list[str]] = {}
    unscoped: list[str] = []
    model = type(survivor)
    for rel in model._meta.related_objects:
        related = rel.related_model
        if related is None or related._meta.app_label == model._meta.app_label:
            continue
        rows = related._base_manager.filter(**{rel.field.name: other})
        if not rows.exists():
            continue
        noun = str(related._meta.verbose_name_plural)
        if rel.many_to_many:
            noun = f"{noun} as {rel.field.verbose_name}"
        mission_ids = scope.mission_ids(rows)
        if mission_ids is None:
            unscoped.append(noun)
            continue
        for title in scope.not_organised(user, mission_ids):
            if noun not in kinds_by_mission.setdefault(title, []):
                kinds_by_mission[title].append(noun)
    if kinds_by_mission:
        parts = [f"“{title}” ({'; '.join(kinds)})" for title, kinds in sorted(kinds_by_mission.items())]
        one = len(parts) == 1
        return (
            f"{other} is part of the {'mission' if one else 'missions'} {_and(parts)}, which you do not organise, "
            f"so you may not merge {other} into another record: ask one of {'its' if one else 'their'} "
            "organisers or a manager."
        )
    if isinstance(survivor, Person):
        for record in (other, survivor):
            if record.user_id:
                return (
                    f"{record} has a login: merging would move the other record's missions and roles to that "
                    f"account, or that account to the other record, so only a manager can merge {record}."
                )
    if unscoped:
        return f"{other} has {_and(unscoped)} linked to it, which only a manager can move: ask a manager to merge them."
    return None
