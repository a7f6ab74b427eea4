"""Who may see and change follow-ups and outcomes.

A delegate sees the follow-ups assigned to them; a mission's organisers see
every follow-up of that mission; managers see all. Anything else is a 404.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from contacts.models import Person
from events.access import missions_organised_by, missions_visible_to

from .models import FollowUp, Outcome


def followups_visible_to(user) -> QuerySet[FollowUp]:
    if not user.is_authenticated:
        return FollowUp.objects.none()
    if user.is_manager:
        return FollowUp.objects.all()
    return FollowUp.objects.filter(Q(assignee__person__user=user) | Q(mission__in=missions_organised_by(user)))


def get_followup_for_user(user, pk, *, reassign: bool = False) -> FollowUp:
    try:
        followup = followups_visible_to(user).select_related("mission", "assignee__person").get(pk=pk)
    except (FollowUp.DoesNotExist, ValueError, TypeError):
        raise Http404("No such follow-up.") from None
    if reassign and not missions_organised_by(user).filter(pk=followup.mission_id).exists():
        raise PermissionDenied("Only the mission's organisers can reassign follow-ups.")
    return followup


def outcomes_visible_to(user) -> QuerySet[Outcome]:
    """Outcomes are the mission's results: everyone on the mission may see them."""
    return Outcome.objects.filter(mission__in=missions_visible_to(user))


def get_outcome_for_user(user, pk, *, organise: bool = False) -> Outcome:
    try:
        outcome = outcomes_visible_to(user).select_related("mission").get(pk=pk)
    except (Outcome.DoesNotExist, ValueError, TypeError):
        raise Http404("No such outcome.") from None
    if organise and not missions_organised_by(user).filter(pk=outcome.mission_id).exists():
        raise PermissionDenied("Only the mission's organisers can change outcomes.")
    return outcome


def get_person_for_manager(user, pk) -> Person:
    """A person's privacy pages (consent, subject-access export, erasure) are for managers only."""
    if not (user.is_authenticated and user.is_manager):
        raise PermissionDenied("Only managers handle personal-data requests.")
    try:
        return Person.objects.select_related("organisation", "user").get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404("No such person.") from None


def require_manager(user) -> None:
    if not (user.is_authenticated and user.is_manager):
        raise PermissionDenied("Only managers handle personal-data requests.")
