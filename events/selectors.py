"""Reads for missions, events and meetings: one base queryset per model so
every page loads related rows the same way."""

from collections import defaultdict
from datetime import date

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from contacts.models import Person

from .access import missions_visible_to
from .models import Delegate, Enquiry, Event, Mission, PartneringMeeting


def _count_per_mission(queryset) -> Coalesce:
    """A correlated COUNT per mission row: cheap with the (mission, …) indexes,
    where joining and counting DISTINCT would multiply every meeting by every delegate."""
    counted = queryset.filter(mission=OuterRef("pk")).order_by().values("mission").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def mission_list(*, user) -> QuerySet[Mission]:
    return (
        missions_visible_to(user)
        .prefetch_related("lead_organisations")
        .annotate(
            delegate_count=_count_per_mission(Delegate.objects.all()),
            meeting_count=_count_per_mission(PartneringMeeting.objects.filter(status=PartneringMeeting.Status.HELD)),
        )
        .order_by("-start_date", "title")
    )


def event_list(*, mission: Mission) -> QuerySet[Event]:
    return mission.events.prefetch_related("co_hosts", "sponsors").order_by("starts_at")


def agenda_by_day(*, mission: Mission) -> list[tuple[date, list[Event]]]:
    """Events grouped by their local day in the event's own time zone."""
    days: dict[date, list[Event]] = defaultdict(list)
    for event in event_list(mission=mission):
        days[event.starts_at.astimezone(event.tz).date()].append(event)
    return sorted(days.items())


def delegate_list(*, mission: Mission) -> QuerySet[Delegate]:
    return mission.delegates.select_related("person__organisation", "person__user").order_by(
        "person__family_name", "person__given_name"
    )


# Partnering meetings and enquiries


def meeting_base_queryset() -> QuerySet[PartneringMeeting]:
    return PartneringMeeting.objects.select_related("mission", "event", "logged_by").prefetch_related(
        "counterpart_organisations",
        Prefetch("counterpart_people", queryset=Person.objects.select_related("organisation")),
        Prefetch("delegates", queryset=Delegate.objects.select_related("person")),
        "sectors",
    )


def meeting_list(*, user) -> QuerySet[PartneringMeeting]:
    return meeting_base_queryset().filter(mission__in=missions_visible_to(user)).order_by("-starts_at", "-pk")


def enquiry_list(*, mission: Mission) -> QuerySet[Enquiry]:
    return mission.enquiries.select_related("event", "organisation", "person", "assigned_to__person").order_by(
        "-asked_at", "-pk"
    )
