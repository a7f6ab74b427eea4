"""Who may see and change missions and what belongs to them.

Every view, export and endpoint that touches a mission (or its events,
delegates, meetings and enquiries) loads it through these helpers. An object
the user may not see is a 404, so ids of other missions reveal nothing; an
object they may see but not change is a 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from .models import Delegate, Event, Mission


def missions_visible_to(user) -> QuerySet[Mission]:
    if not user.is_authenticated:
        return Mission.objects.none()
    if user.is_manager:
        return Mission.objects.all()
    return Mission.objects.filter(Exists(Delegate.objects.filter(mission=OuterRef("pk"), person__user=user)))


def missions_organised_by(user) -> QuerySet[Mission]:
    if not user.is_authenticated:
        return Mission.objects.none()
    if user.is_manager:
        return Mission.objects.all()
    return Mission.objects.filter(
        Exists(Delegate.objects.filter(mission=OuterRef("pk"), person__user=user, role__in=Delegate.ORGANISING_ROLES))
    )


def can_organise(user, mission: Mission) -> bool:
    return missions_organised_by(user).filter(pk=mission.pk).exists()


def organises_any_mission(user) -> bool:
    if not user.is_authenticated:
        return False
    return Delegate.objects.filter(person__user=user, role__in=Delegate.ORGANISING_ROLES).exists()


def get_mission_for_user(user, pk, *, organise: bool = False) -> Mission:
    """The mission with this id if the user may see it (and organise it, when asked)."""
    try:
        mission = missions_visible_to(user).get(pk=pk)
    except (Mission.DoesNotExist, ValueError, TypeError):
        raise Http404("No such mission.") from None
    if organise and not can_organise(user, mission):
        raise PermissionDenied("Only the mission's organisers can do this.")
    return mission


def navigation_role(user) -> str | None:
    """The role a user's navigation and landing page are built for."""
    if not user.is_authenticated:
        return None
    if user.is_manager:
        return "manager"
    if user.role == user.Role.ORGANISER or organises_any_mission(user):
        return "organiser"
    return "delegate"


# Missions, events and rosters


def can_create_mission(user) -> bool:
    """Managers and organisers start missions; a delegate cannot."""
    if not user.is_authenticated:
        return False
    return user.is_manager or user.role == user.Role.ORGANISER or organises_any_mission(user)


def get_event_for_user(user, pk, *, organise: bool = False) -> Event:
    """The event with this id if its mission is visible to the user (and organised by them, when asked)."""
    try:
        event = Event.objects.filter(mission__in=missions_visible_to(user)).select_related("mission").get(pk=pk)
    except (Event.DoesNotExist, ValueError, TypeError):
        raise Http404("No such event.") from None
    if organise and not can_organise(user, event.mission):
        raise PermissionDenied("Only the mission's organisers can change its events.")
    return event


def get_delegate_for_user(user, pk) -> Delegate:
    """A delegate row, for managing the roster: only the mission's organisers (and managers) may.

    Delegates of the same mission may see the roster summary but not manage it, so a
    delegate on the mission gets a 403; anyone else a 404.
    """
    try:
        delegate = (
            Delegate.objects.filter(mission__in=missions_visible_to(user))
            .select_related("mission", "person__organisation", "person__user")
            .get(pk=pk)
        )
    except (Delegate.DoesNotExist, ValueError, TypeError):
        raise Http404("No such delegate.") from None
    if not can_organise(user, delegate.mission):
        raise PermissionDenied("Only the mission's organisers can manage its delegates.")
    return delegate
