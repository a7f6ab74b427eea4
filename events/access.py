"""Who may see and change missions and what belongs to them.

Every view, export and endpoint that touches a mission (or its events,
delegates, meetings and enquiries) loads it through these helpers. An object
the user may not see is a 404, so ids of other missions reveal nothing; an
object they may see but not change is a 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from contacts.models import User

from .models import Delegate, Enquiry, Event, ImportJob, Mission, PartneringMeeting


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


def get_mission_for_report(user, pk) -> Mission:
    """The mission whose report (and exports) this user may see: managers see
    every mission's, organisers their own missions'. A delegate on the mission
    gets a 403, anyone else a 404."""
    return get_mission_for_user(user, pk, organise=True)


def navigation_role(user) -> str | None:
    """The role a user's navigation and landing page are built for."""
    if not user.is_authenticated:
        return None
    if user.is_manager:
        return "manager"
    if user.role == user.Role.ORGANISER or organises_any_mission(user):
        return "organiser"
    return "delegate"


# Partnering meetings and enquiries
#
# Whoever sees a mission sees its meetings and enquiries (the mission is one team at
# the conference). Logging: the mission's organisers (and managers) log meetings and
# enquiries for any of its delegates; a delegate on the mission logs them only with
# themselves among "our delegates" and only assigns follow-ups to themselves
# (assigning work to others is the organisers' job). Editing a meeting: the
# organisers, and a delegate who logged it or is one of its delegates.


def delegate_for_user(user, mission: Mission) -> Delegate | None:
    if not user.is_authenticated:
        return None
    return mission.delegates.select_related("person").filter(person__user=user).first()


def meetings_visible_to(user) -> QuerySet[PartneringMeeting]:
    return PartneringMeeting.objects.filter(mission__in=missions_visible_to(user))


def enquiries_visible_to(user) -> QuerySet[Enquiry]:
    return Enquiry.objects.filter(mission__in=missions_visible_to(user))


def delegates_visible_to(user) -> QuerySet[Delegate]:
    """Delegate rows whoever sees a mission sees (its roster summary); managing them is for organisers."""
    return Delegate.objects.filter(mission__in=missions_visible_to(user))


def can_edit_meeting(user, meeting: PartneringMeeting) -> bool:
    if not user.is_authenticated:
        return False
    if meeting.logged_by_id == user.pk and delegate_for_user(user, meeting.mission) is not None:
        return True
    if can_organise(user, meeting.mission):
        return True
    return meeting.delegates.filter(person__user=user).exists()


def get_meeting_for_user(user, pk, *, edit: bool = False) -> PartneringMeeting:
    """The meeting with this id if the user may see it (and edit it, when asked)."""
    try:
        meeting = meetings_visible_to(user).select_related("mission", "event").get(pk=pk)
    except (PartneringMeeting.DoesNotExist, ValueError, TypeError):
        raise Http404("No such meeting.") from None
    if edit and not can_edit_meeting(user, meeting):
        raise PermissionDenied("Only the mission's organisers and the meeting's own delegates can edit it.")
    return meeting


def get_mission_for_logging(user, pk) -> Mission:
    """A mission the user may log meetings and enquiries on: any mission they are on or manage."""
    mission = get_mission_for_user(user, pk)
    if not can_organise(user, mission) and delegate_for_user(user, mission) is None:
        raise PermissionDenied("Only the mission's delegates and organisers can log meetings.")
    return mission


def may_import_contacts(user) -> bool:
    """Contacts imports write to the shared directory: organisers (account role) and managers."""
    return user.is_authenticated and (user.is_manager or user.role == user.Role.ORGANISER)


def get_import_job_for_user(user, pk):
    """An import job: mission imports to the mission's organisers; contacts imports to their uploader
    and managers."""
    if not user.is_authenticated:
        raise Http404("No such import.")
    jobs = ImportJob.objects.select_related("mission", "uploaded_by")
    if not user.is_manager:
        jobs = jobs.filter(Q(mission__in=missions_organised_by(user)) | Q(mission__isnull=True, uploaded_by=user))
    try:
        return jobs.get(pk=pk)
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise Http404("No such import.") from None


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
            delegates_visible_to(user).select_related("mission", "person__organisation", "person__user").get(pk=pk)
        )
    except (Delegate.DoesNotExist, ValueError, TypeError):
        raise Http404("No such delegate.") from None
    if not can_organise(user, delegate.mission):
        raise PermissionDenied("Only the mission's organisers can manage its delegates.")
    return delegate


def require_manager(user) -> None:
    """User accounts are administered by managers only."""
    if not (user.is_authenticated and user.is_manager):
        raise PermissionDenied("Only managers administer user accounts.")


def get_account_for_manager(user, pk) -> User:
    """An account a manager may change. Superuser and staff accounts (the admin site's) are changed
    by superusers only: otherwise a manager could redirect one's email and reset its password."""
    require_manager(user)
    try:
        account = User.objects.select_related("person").get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404("No such user.") from None
    if not may_change_account(user, account):
        raise PermissionDenied("Only a superuser can change an administrator's account.")
    return account


def may_change_account(user, account) -> bool:
    return user.is_superuser or not (account.is_superuser or account.is_staff)


# Merging contacts
#
# contacts asks this (through contacts.registry) before a merge: a merge moves the rows of the
# record it retires (delegate roles, meetings, enquiries, event speakers, outcomes, reminders…)
# to the survivor, so it may only move rows of missions the user organises.


def _mission_paths(model) -> list[str]:
    """Lookups from a model to the mission(s) it belongs to: its own foreign keys to Mission,
    else those of a model it points at (a speaker's event)."""
    if model is Mission:
        return ["pk"]
    fields = [f for f in model._meta.concrete_fields if f.is_relation and f.many_to_one]
    direct = [f.name for f in fields if f.related_model is Mission]
    if direct:
        return direct
    return [
        f"{f.name}__{inner.name}"
        for f in fields
        for inner in f.related_model._meta.concrete_fields
        if inner.is_relation and inner.many_to_one and inner.related_model is Mission
    ]


class ContactMergeScope:
    def mission_ids(self, rows) -> set[int] | None:
        paths = _mission_paths(rows.model)
        if not paths:
            return None
        found: set[int] = set()
        for path in paths:
            found.update(rows.filter(**{f"{path}__isnull": False}).values_list(path, flat=True).distinct())
        return found

    def not_organised(self, user, mission_ids: set[int]) -> list[str]:
        if not mission_ids:
            return []
        missions = Mission.objects.filter(pk__in=mission_ids).exclude(pk__in=missions_organised_by(user).values("pk"))
        return list(missions.order_by("title", "pk").values_list("title", flat=True))


contact_merge_scope = ContactMergeScope()
