"""Who may browse and change the contacts directory.

Any signed-in user may browse organisations and people and add new ones (a
delegate at the stand meets people first and asks later); only organisers
(account role) and managers may change existing records or merge duplicates.
Which meetings, follow-ups and outcomes a viewer sees on a contact's page is
decided by the mission and follow-up rules (see CONTACT_ACTIVITY_PROVIDER).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

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
