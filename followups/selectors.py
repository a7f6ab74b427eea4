from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from contacts.models import Organisation, Person
from events.access import delegates_visible_to, enquiries_visible_to, meetings_visible_to, missions_visible_to
from events.models import Delegate, Enquiry, Event, Mission, PartneringMeeting

from .access import followups_visible_to, outcomes_visible_to
from .models import FollowUp, FollowUpNote, Outcome


def followup_base_queryset() -> QuerySet[FollowUp]:
    return FollowUp.objects.select_related(
        "mission", "assignee__person", "meeting__event", "enquiry__organisation"
    ).prefetch_related(
        "meeting__counterpart_organisations",
        "meeting__counterpart_people",
        Prefetch("notes", queryset=FollowUpNote.objects.select_related("author").order_by("created_at", "id")),
    )


@dataclass
class FollowUpBuckets:
    overdue: list[FollowUp] = field(default_factory=list)
    this_week: list[FollowUp] = field(default_factory=list)
    later: list[FollowUp] = field(default_factory=list)
    done: list[FollowUp] = field(default_factory=list)
    # How many there are in each, when a bucket shows only the first ones.
    counts: dict[str, int] = field(default_factory=dict)


def my_followups(*, user, today: date, open_limit: int | None = None, done_limit: int = 20) -> FollowUpBuckets:
    """The user's own follow-ups as overdue / due within seven days / later / recently done, with how
    many each bucket holds. Each open bucket keeps its first `open_limit` rows (the most urgent), done
    its `done_limit` most recent: only those are loaded in full, so a delegate with hundreds of open
    follow-ups costs the same queries and not much more time."""
    mine = FollowUp.objects.filter(assignee__person__user=user)
    week_end = today + timedelta(days=7)
    ids: dict[str, list[int]] = {"overdue": [], "this_week": [], "later": []}
    open_rows = mine.filter(status=FollowUp.Status.OPEN).order_by("due_on", "-priority", "pk")
    for pk, due_on in open_rows.values_list("pk", "due_on"):
        key = "overdue" if due_on < today else "this_week" if due_on <= week_end else "later"
        ids[key].append(pk)
    shown = {key: pks[:open_limit] for key, pks in ids.items()}
    rows = followup_base_queryset().in_bulk([pk for pks in shown.values() for pk in pks])
    buckets = FollowUpBuckets(
        overdue=[rows[pk] for pk in shown["overdue"] if pk in rows],
        this_week=[rows[pk] for pk in shown["this_week"] if pk in rows],
        later=[rows[pk] for pk in shown["later"] if pk in rows],
        done=list(
            followup_base_queryset()
            .filter(assignee__person__user=user, status=FollowUp.Status.DONE)
            .order_by("-completed_at", "-pk")[:done_limit]
        ),
        counts={key: len(pks) for key, pks in ids.items()},
    )
    buckets.counts["done"] = mine.filter(status=FollowUp.Status.DONE).count()
    return buckets


# Contact activity
#
# contacts may not import events or followups, so the directory gets everything
# it shows about missions through this object, which followups registers in
# contacts.registry (FollowupsConfig.ready). Each kind of object is loaded
# through its own access rule, the one its own page uses: meetings and enquiries
# of missions the viewer may see, follow-ups and outcomes as followups/access.py
# allows (a delegate: their own follow-ups and the outcomes recorded on them).


@dataclass
class ContactActivity:
    meetings: list = field(default_factory=list)
    followups: list = field(default_factory=list)
    outcomes: list = field(default_factory=list)
    enquiries: list = field(default_factory=list)
    delegations: list = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.meetings or self.followups or self.outcomes or self.enquiries or self.delegations)


def _either(model, *conditions: Q):
    """Ids of `model` rows meeting any of the conditions, as a UNION of one indexed query per
    condition: an OR across many-to-many joins makes PostgreSQL read the whole table."""
    first, *rest = [model.objects.filter(condition).order_by().values("pk") for condition in conditions]
    return first.union(*rest)


class ContactActivityProvider:
    def missions(self, *, user):
        """The missions a viewer may filter the directory by."""
        return missions_visible_to(user).only("pk", "title", "start_date").order_by("-start_date", "title")

    def organisations_met_at(self, *, user, mission_id):
        """Ids of organisations met in a meeting or at the stand on a mission the viewer may see."""
        meetings = meetings_visible_to(user).filter(mission=mission_id)
        enquiries = enquiries_visible_to(user).filter(mission=mission_id)
        return Organisation.objects.filter(Q(meetings__in=meetings) | Q(enquiries__in=enquiries)).values("pk")

    def people_met_at(self, *, user, mission_id):
        meetings = meetings_visible_to(user).filter(mission=mission_id)
        enquiries = enquiries_visible_to(user).filter(mission=mission_id)
        return Person.objects.filter(Q(meetings__in=meetings) | Q(enquiries__in=enquiries)).values("pk")

    def for_organisation(self, *, user, organisation) -> ContactActivity:
        meetings = meetings_visible_to(user).filter(counterpart_organisations=organisation)
        followups = followups_visible_to(user).filter(
            pk__in=_either(
                FollowUp, Q(meeting__counterpart_organisations=organisation), Q(enquiry__organisation=organisation)
            )
        )
        outcomes = outcomes_visible_to(user).filter(organisations=organisation)
        enquiries = enquiries_visible_to(user).filter(organisation=organisation)
        return self._activity(meetings, followups, outcomes, enquiries, Delegate.objects.none())

    def for_person(self, *, user, person) -> ContactActivity:
        meetings = meetings_visible_to(user).filter(
            pk__in=_either(PartneringMeeting, Q(counterpart_people=person), Q(delegates__person=person))
        )
        followups = followups_visible_to(user).filter(
            pk__in=_either(
                FollowUp, Q(meeting__counterpart_people=person), Q(enquiry__person=person), Q(assignee__person=person)
            )
        )
        outcomes = outcomes_visible_to(user).filter(
            pk__in=_either(
                Outcome, Q(meeting__counterpart_people=person), Q(followup__meeting__counterpart_people=person)
            )
        )
        enquiries = enquiries_visible_to(user).filter(person=person)
        delegations = delegates_visible_to(user).filter(person=person)
        return self._activity(meetings, followups, outcomes, enquiries, delegations)

    @staticmethod
    def _activity(meetings, followups, outcomes, enquiries, delegations) -> ContactActivity:
        # The OR filters above cross many-to-many joins; select by id so each row shows once.
        # Meetings' and follow-ups' ids are read first (one query each): as a subquery under
        # eight select_related joins, PostgreSQL joins all 1M follow-ups before filtering.
        return ContactActivity(
            meetings=list(
                PartneringMeeting.objects.filter(pk__in=list(meetings.values_list("pk", flat=True)))
                .select_related("mission", "event")
                .prefetch_related("delegates__person", "counterpart_organisations", "counterpart_people")
                .order_by("-starts_at", "pk")
            ),
            followups=list(
                followup_base_queryset()
                .filter(pk__in=list(followups.values_list("pk", flat=True)))
                .order_by("due_on", "pk")
            ),
            outcomes=list(
                Outcome.objects.filter(pk__in=outcomes.values("pk"))
                .select_related("mission")
                .prefetch_related("organisations")
                .order_by("-achieved_on", "pk")
            ),
            enquiries=list(
                Enquiry.objects.filter(pk__in=enquiries.values("pk"))
                .select_related("mission", "person", "organisation", "assigned_to__person")
                .order_by("-asked_at", "pk")
            ),
            delegations=list(delegations.select_related("mission").order_by("-mission__start_date")),
        )


contact_activity = ContactActivityProvider()


def mission_followups(*, mission: Mission) -> QuerySet[FollowUp]:
    """Every follow-up of a mission, for its organisers: open ones first (soonest due), then done.
    The list shows how many notes each has, not the notes: a count, not a prefetch of every note."""
    notes = FollowUpNote.objects.filter(followup=OuterRef("pk")).order_by().values("followup")
    return (
        followup_base_queryset()
        .prefetch_related(None)
        .prefetch_related("meeting__counterpart_organisations", "meeting__counterpart_people")
        .annotate(note_count=Coalesce(Subquery(notes.annotate(n=Count("*")).values("n")[:1]), 0))
        .filter(mission=mission)
        .order_by("-status", "due_on", "-priority", "pk")
    )


def outcome_base_queryset() -> QuerySet[Outcome]:
    return Outcome.objects.select_related("mission", "followup__assignee__person", "meeting").prefetch_related(
        "organisations", "meeting__counterpart_organisations"
    )


def mission_outcomes(*, mission: Mission) -> QuerySet[Outcome]:
    return outcome_base_queryset().filter(mission=mission).order_by("-achieved_on", "-pk")


@dataclass
class CalendarItems:
    events: list[Event]
    meetings: list[PartneringMeeting]
    followups: list[FollowUp]


def calendar_items(*, user) -> CalendarItems:
    """What goes into a user's private feed: events of missions they are on, partnering
    meetings where they are one of our delegates, and their own follow-ups."""
    events = (
        Event.objects.filter(mission__delegates__person__user=user)
        .select_related("mission")
        .distinct()
        .order_by("starts_at", "pk")
    )
    meetings = (
        PartneringMeeting.objects.filter(delegates__person__user=user)
        .exclude(status=PartneringMeeting.Status.CANCELLED)
        .select_related("mission", "event")
        .prefetch_related("counterpart_organisations", "counterpart_people")
        .distinct()
        .order_by("starts_at", "pk")
    )
    followups = (
        FollowUp.objects.filter(assignee__person__user=user)
        .exclude(status=FollowUp.Status.CANCELLED)
        .select_related("mission", "meeting")
        .prefetch_related("meeting__counterpart_organisations")
        .order_by("due_on", "pk")
    )
    return CalendarItems(list(events), list(meetings), list(followups))


@dataclass
class HistoryEntry:
    when: object
    who: object
    what: str


def followup_history(*, followup: FollowUp, limit: int = 50) -> list[HistoryEntry]:
    """Who did what to a follow-up, newest first, from its simple_history records."""
    records = list(
        followup.history.select_related("history_user", "assignee__person").order_by("history_date", "history_id")[
            :limit
        ]
    )
    entries = []
    previous = None
    for record in records:
        changes = []
        if previous is None:
            changes.append(f"created it for {record.assignee.person.full_name}, due {record.due_on:%-d %b %Y}")
        else:
            if record.status != previous.status:
                done = record.status == FollowUp.Status.DONE
                changes.append("marked it done" if done else f"set it to {record.get_status_display().lower()}")
            if record.due_on != previous.due_on:
                changes.append(f"moved the due date from {previous.due_on:%-d %b} to {record.due_on:%-d %b %Y}")
            if record.assignee_id != previous.assignee_id:
                before, after = previous.assignee.person.full_name, record.assignee.person.full_name
                changes.append(f"reassigned it from {before} to {after}")
            if record.title != previous.title:
                changes.append("changed the title")
        if changes:
            entries.append(HistoryEntry(record.history_date, record.history_user, "; ".join(changes)))
        previous = record
    entries.reverse()
    return entries
