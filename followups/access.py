"""Who may see and change follow-ups and outcomes.

A delegate sees the follow-ups assigned to them; a mission's organisers see
every follow-up of that mission; managers see all. Anything else is a 404.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from events.access import missions_organised_by

from .models import FollowUp, ReportExport


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
