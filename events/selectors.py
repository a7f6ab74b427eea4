"""Reads for missions, events and meetings: one base queryset per model so
every page loads related rows the same way."""

from collections import Counter, defaultdict
from datetime import date, timedelta

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from contacts.models import Person

from .access import missions_visible_to
from .models import Delegate, Enquiry, Event, Mission, PartneringMeeting


def _count(queryset) -> Subquery:
    """A correlated COUNT(*) subquery (COUNT(*), not COUNT(id): an index-only scan can answer it):
    counting several relations with joins would
    multiply rows (delegates × meetings) and slow down as missions grow."""
    return Coalesce(
        Subquery(queryset.order_by().values("mission").annotate(n=Count("*")).values("n")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def _count_by(queryset, key: str) -> Subquery:
    """A correlated COUNT(*) of `queryset`'s rows, grouped by its `key` column (the outer row)."""
    return Coalesce(
        Subquery(queryset.order_by().values(key).annotate(n=Count("*")).values("n")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


# Where a mission stands on a given day: the mission list shows them in this order.
PHASE_NOW, PHASE_UPCOMING, PHASE_PAST = 0, 1, 2


def mission_list(
    *, user, today: date, status: str | None = None, year: int | None = None, q: str = ""
) -> QuerySet[Mission]:
    """The user's missions, happening now first (ending soonest), then upcoming (starting soonest),
    then past ones (most recent first), each with its counts."""
    missions = missions_visible_to(user)
    if status:
        missions = missions.filter(status=status)
    if year:
        missions = missions.filter(start_date__year=year)
    if q:
        missions = missions.filter(Q(title__icontains=q) | Q(destination_city__icontains=q))
    if user.is_authenticated:
        i_organise = Exists(
            Delegate.objects.filter(mission=OuterRef("pk"), person__user=user, role__in=Delegate.ORGANISING_ROLES)
        )
    else:
        i_organise = Value(False)
    phase = Case(
        When(start_date__gt=today, then=Value(PHASE_UPCOMING)),
        When(end_date__lt=today, then=Value(PHASE_PAST)),
        default=Value(PHASE_NOW),
        output_field=IntegerField(),
    )
    return (
        missions.prefetch_related("lead_organisations")
        .annotate(
            phase=phase,
            # current and upcoming missions: soonest first; past ones (NULL here) by the -start_date below
            soonest=Case(When(end_date__gte=today, then=F("start_date")), default=None),
            delegate_count=_count(Delegate.objects.filter(mission=OuterRef("pk"))),
            meeting_count=_count(
                PartneringMeeting.objects.filter(mission=OuterRef("pk"), status=PartneringMeeting.Status.HELD)
            ),
            event_count=_count(Event.objects.filter(mission=OuterRef("pk"))),
            i_organise=i_organise,
        )
        .order_by("phase", F("soonest").asc(nulls_last=True), "-start_date", "title", "pk")
    )


def mission_years(*, user) -> list[int]:
    """The years in which the user's missions start, newest first, for the year filter."""
    return [d.year for d in missions_visible_to(user).dates("start_date", "year", order="DESC")]


def event_list(*, mission: Mission) -> QuerySet[Event]:
    return mission.events.prefetch_related("co_hosts", "sponsors").order_by("starts_at")


def agenda_by_day(*, mission: Mission) -> list[tuple[date, list[Event]]]:
    """Events grouped by their local day in the event's own time zone."""
    days: dict[date, list[Event]] = defaultdict(list)
    for event in event_list(mission=mission):
        days[event.starts_at.astimezone(event.tz).date()].append(event)
    return sorted(days.items())


def event_detail(*, event: Event) -> Event:
    """The event with everything its page shows, in a fixed number of queries."""
    return (
        Event.objects.select_related("mission")
        .prefetch_related("co_hosts", "sponsors", "speakers__organisation")
        .get(pk=event.pk)
    )


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
    """Newest first. Managers see every mission: the page is read from the newest-first index.
    Anyone else sees a few missions' meetings: sorting those few thousand rows is cheaper than
    walking the index of all 500 000 until 25 of theirs turn up (36 000 rows for an organiser
    of old missions), so their sort key is one the planner cannot take from that index."""
    # What the list shows, and no more: the event by prefetch, so no join runs before the sort.
    meetings = PartneringMeeting.objects.select_related("mission").prefetch_related(
        "event",
        "counterpart_organisations",
        Prefetch("delegates", queryset=Delegate.objects.select_related("person")),
        "sectors",
    )
    if getattr(user, "is_manager", False):
        return meetings.order_by("-starts_at", "-pk")
    same_instant = ExpressionWrapper(F("starts_at") + Value(timedelta(0)), output_field=DateTimeField())
    return meetings.filter(mission__in=missions_visible_to(user)).order_by(same_instant.desc(), "-pk")


def delegate_people(*, user, mission_id: int | None = None) -> QuerySet[Person]:
    """People who are delegates on a mission the user can see (on this one, if given)."""
    delegates = Delegate.objects.filter(person=OuterRef("pk"), mission__in=missions_visible_to(user))
    if mission_id is not None:
        delegates = delegates.filter(mission_id=mission_id)
    return Person.objects.filter(Exists(delegates)).order_by("family_name", "given_name", "pk")


def enquiry_list(*, mission: Mission) -> QuerySet[Enquiry]:
    return mission.enquiries.select_related("event", "organisation", "person", "assigned_to__person").order_by(
        "-asked_at", "-pk"
    )


def roster(*, mission: Mission) -> QuerySet[Delegate]:
    """The delegates with what would stop their removal (meetings, follow-ups), for the roster page."""
    return delegate_list(mission=mission).annotate(
        # Correlated counts, not joins: joining meetings and follow-ups multiplies rows
        # (a delegate with 200 meetings and 300 follow-ups is 60 000 rows).
        meeting_count=_count_by(
            PartneringMeeting.delegates.through.objects.filter(delegate=OuterRef("pk")), "delegate"
        ),
        # by name only: follow-ups live in the followups app, which events must not import
        followup_count=_count_by(
            Delegate._meta.get_field("followups").related_model.objects.filter(assignee=OuterRef("pk")), "assignee"
        ),
    )


ROLE_PLURALS = {
    Delegate.Role.LEAD: ("mission lead", "mission leads"),
    Delegate.Role.ORGANISER: ("organiser", "organisers"),
    Delegate.Role.DELEGATE: ("delegate", "delegates"),
    Delegate.Role.SPEAKER: ("speaker", "speakers"),
    Delegate.Role.INTERPRETER: ("interpreter", "interpreters"),
}


def role_summary(delegates) -> list[tuple[str, int]]:
    """How many delegates hold each role, in the order roles are listed, e.g. [("organisers", 2), …]."""
    counts = Counter(d.role for d in delegates)
    return [(ROLE_PLURALS[value][counts[value] != 1], counts[value]) for value in Delegate.Role.values if counts[value]]
