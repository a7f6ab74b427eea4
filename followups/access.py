"""Who may see and change follow-ups and outcomes.

A delegate sees the follow-ups assigned to them; a mission's organisers see
every follow-up of that mission; managers see all. Anything else is a 404.
Whoever sees a follow-up may complete, snooze and annotate it; only the
mission's organisers (and managers) reassign it (403 for the assignee).

Outcomes belong to a mission: its organisers and managers see and edit them;
a delegate sees (and may correct) the outcomes recorded on their own
follow-ups, and records new ones only from their own follow-up.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from contacts.models import Person, User
from events.access import missions_organised_by

from .models import FollowUp, Outcome, ReportExport


def followups_visible_to(user) -> QuerySet[FollowUp]:
    if not user.is_authenticated:
        return FollowUp.objects.none()
    if user.is_manager:
        return FollowUp.objects.all()
    return FollowUp.objects.filter(Q(assignee__person__user=user) | Q(mission__in=missions_organised_by(user)))


def can_reassign(user, followup: FollowUp) -> bool:
    return missions_organised_by(user).filter(pk=followup.mission_id).exists()


def get_followup_for_user(user, pk, *, reassign: bool = False) -> FollowUp:
    try:
        followup = followups_visible_to(user).select_related("mission", "assignee__person").get(pk=pk)
    except (FollowUp.DoesNotExist, ValueError, TypeError):
        raise Http404("No such follow-up.") from None
    if reassign and not can_reassign(user, followup):
        raise PermissionDenied("Only the mission's organisers can reassign follow-ups.")
    return followup


def followups_for_bulk(user, mission, ids) -> QuerySet[FollowUp]:
    """The selected follow-ups of this mission that the user may act on; others are silently left out."""
    clean_ids = [int(i) for i in ids if str(i).isascii() and str(i).isdigit()]
    visible = followups_visible_to(user).filter(mission=mission, pk__in=clean_ids)
    return visible.select_related("assignee__person", "mission")


def outcomes_visible_to(user) -> QuerySet[Outcome]:
    if not user.is_authenticated:
        return Outcome.objects.none()
    if user.is_manager:
        return Outcome.objects.all()
    return Outcome.objects.filter(Q(mission__in=missions_organised_by(user)) | Q(followup__assignee__person__user=user))


def get_outcome_for_user(user, pk) -> Outcome:
    try:
        return outcomes_visible_to(user).select_related("mission", "followup").get(pk=pk)
    except (Outcome.DoesNotExist, ValueError, TypeError):
        raise Http404("No such outcome.") from None


def get_user_by_calendar_token(token: str) -> User:
    """The active user whose private feed this is; an unknown or revoked token is a 404."""
    if not token or len(token) > 64:
        raise Http404("No such calendar.")
    try:
        return User.objects.get(calendar_token=token, is_active=True)
    except User.DoesNotExist:
        raise Http404("No such calendar.") from None


def get_report_export_for_user(user, pk) -> ReportExport:
    """An export of a mission report, for those who may see that mission's report."""
    try:
        return (
            ReportExport.objects.filter(mission__in=missions_organised_by(user))
            .select_related("mission", "requested_by")
            .get(pk=pk)
        )
    except (ReportExport.DoesNotExist, ValueError, TypeError):
        raise Http404("No such export.") from None


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
