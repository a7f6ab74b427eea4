"""Every figure of the mission report, for the page, the comparison and the
three exports alike, so that they can never disagree.

`mission_report` returns the aggregates (a constant number of queries, however
many meetings the mission has: the counting happens in the database); the
`*_table` functions stream the detailed tables for the exports, one query each
with the names joined by the database, through a server-side cursor.

Filters narrow the activity: meetings and stand enquiries in the chosen event
and between the chosen dates (days in the mission's time zone). Follow-ups and
outcomes are then those that came from the selected meetings or enquiries; the
roster of delegates and their quotes are the mission's whatever the filter.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, TruncDate
from django.utils import timezone
from django_countries import countries

from contacts.bidi import Isolate, isolate
from contacts.models import Organisation, Person
from events.models import Delegate, Enquiry, Event, Mission, PartneringMeeting

from .models import FollowUp, Outcome, Testimonial


class Median(Aggregate):
    """PostgreSQL's ordered-set aggregate; works on intervals as well as numbers."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


@dataclass(frozen=True)
class ReportFilters:
    event: Event | None = None
    date_from: date | None = None
    date_to: date | None = None

    @property
    def active(self) -> bool:
        return bool(self.event or self.date_from or self.date_to)

    def as_dict(self) -> dict:
        """JSON-safe, for the export log and the export job."""
        return {
            "event": self.event.pk if self.event else None,
            "event_title": self.event.title if self.event else "",
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }

    @classmethod
    def from_dict(cls, mission: Mission, data: dict) -> "ReportFilters":
        event = mission.events.filter(pk=data["event"]).first() if data.get("event") else None
        return cls(
            event=event,
            date_from=date.fromisoformat(data["date_from"]) if data.get("date_from") else None,
            date_to=date.fromisoformat(data["date_to"]) if data.get("date_to") else None,
        )

    def describe(self) -> str:
        parts = []
        if self.event:
            parts.append(f"event: {self.event.title}")
        if self.date_from or self.date_to:
            parts.append(f"from {self.date_from or '…'} to {self.date_to or '…'}")
        return "; ".join(parts) or "whole mission"


@dataclass
class Count2:
    """A label and a number, for tables and bar charts."""

    label: str
    value: int
    extra: str = ""


@dataclass
class OutcomeLine:
    kind: str
    label: str
    count: int = 0
    jobs: int | None = None  # None: no outcome of this kind says how many jobs (unknown, not zero)
    values: dict[str, Decimal] = field(default_factory=dict)  # currency -> total


@dataclass
class MissionReport:
    mission: Mission
    filters: ReportFilters
    today: date
    delegates: int
    organisations_represented: int
    represented_by_kind: list[dict]  # kind label, organisations, delegates
    events: list[Event]  # annotated with meetings_held
    attendance_total: int
    meetings_total: int
    meetings_held: int
    meetings_by_status: list[Count2]
    meetings_by_day: list[tuple[date, int]]
    meetings_by_event: list[Count2]
    meetings_by_delegate: list[Count2]
    counterparts: int
    counterparts_by_country: list[Count2]
    counterparts_by_sector: list[Count2]
    enquiries: int
    enquiries_by_category: list[Count2]
    followups_created: int
    followups_done: int
    followups_open: int
    followups_overdue: int
    followups_cancelled: int
    median_days_to_done: float | None
    completion_by_day: list[tuple[date, int]]  # cumulative follow-ups done by each day
    outcomes: int
    outcome_lines: list[OutcomeLine]
    value_by_currency: dict[str, Decimal]
    jobs: int | None  # None when no outcome gives a number of jobs
    quotes: list[Testimonial]

    @property
    def done_percent(self) -> int:
        relevant = self.followups_created - self.followups_cancelled
        return round(100 * self.followups_done / relevant) if relevant else 0

    def kpis(self) -> list[tuple[str, object]]:
        """The headline figures, in the order every format shows them."""
        rows = [
            ("Delegates", self.delegates),
            ("Organisations represented", self.organisations_represented),
            ("Events", len(self.events)),
            ("Event attendance", self.attendance_total),
            ("Partnering meetings held", self.meetings_held),
            ("Counterpart organisations met", self.counterparts),
            ("Stand enquiries", self.enquiries),
            ("Follow-ups created", self.followups_created),
            ("Follow-ups done", self.followups_done),
            ("Follow-ups overdue", self.followups_overdue),
            (
                "Median days to complete a follow-up",
                round(self.median_days_to_done, 1) if self.median_days_to_done is not None else "",
            ),
            ("Outcomes", self.outcomes),
            ("Jobs created or safeguarded", "" if self.jobs is None else self.jobs),
        ]
        rows += [(f"Outcome value ({currency})", total) for currency, total in self.value_by_currency.items()]
        return rows


# --- Base querysets, filtered -----------------------------------------------------------------


def _in_scope(
    qs: QuerySet, mission: Mission, filters: ReportFilters, *, event: str, since: str, until: str
) -> QuerySet:
    """Rows of the mission within the report's scope: the chosen event (``event`` is its lookup) and
    the date range, whole days in the mission's time zone (``since`` and ``until`` are the lookups
    that compare the row with the range's first moment and with the moment after its last day)."""
    qs = qs.filter(mission=mission)
    if filters.event:
        qs = qs.filter(**{event: filters.event.pk})
    if filters.date_from:
        qs = qs.filter(**{since: datetime.combine(filters.date_from, time.min, mission.tz)})
    if filters.date_to:
        qs = qs.filter(**{until: datetime.combine(filters.date_to + timedelta(days=1), time.min, mission.tz)})
    return qs


def report_meetings(mission: Mission, filters: ReportFilters) -> QuerySet[PartneringMeeting]:
    return _in_scope(
        PartneringMeeting.objects.all(), mission, filters, event="event", since="starts_at__gte", until="starts_at__lt"
    )


def report_enquiries(mission: Mission, filters: ReportFilters) -> QuerySet[Enquiry]:
    return _in_scope(
        Enquiry.objects.all(), mission, filters, event="event", since="asked_at__gte", until="asked_at__lt"
    )


def report_events(mission: Mission, filters: ReportFilters) -> QuerySet[Event]:
    """Events overlapping the range (a reception that starts the evening before still counts)."""
    return _in_scope(Event.objects.all(), mission, filters, event="pk", since="ends_at__gt", until="starts_at__lt")


def report_followups(mission: Mission, filters: ReportFilters) -> QuerySet[FollowUp]:
    qs = FollowUp.objects.filter(mission=mission)
    if filters.active:
        qs = qs.filter(
            Q(meeting__in=report_meetings(mission, filters).values("pk"))
            | Q(enquiry__in=report_enquiries(mission, filters).values("pk"))
        )
    return qs


def report_outcomes(mission: Mission, filters: ReportFilters) -> QuerySet[Outcome]:
    qs = Outcome.objects.filter(mission=mission)
    if filters.active:
        meetings = report_meetings(mission, filters).values("pk")
        qs = qs.filter(
            Q(meeting__in=meetings) | Q(followup__in=report_followups(mission, filters).values("pk"))
        ).distinct()
    return qs


def held(meetings: QuerySet[PartneringMeeting]) -> QuerySet[PartneringMeeting]:
    return meetings.filter(status=PartneringMeeting.Status.HELD)


def counterpart_organisations(mission: Mission, filters: ReportFilters) -> QuerySet[Organisation]:
    """Distinct organisations met in held meetings."""
    return Organisation.objects.filter(
        pk__in=held(report_meetings(mission, filters)).values("counterpart_organisations")
    )


# --- The report ---------------------------------------------------------------------------------


def _person_name(given: str, family: str, order: str) -> str:
    parts = [given, family]
    if order == Person.NameOrder.FAMILY_FIRST:
        parts.reverse()
    return " ".join(p for p in parts if p)


def _days_to_done_expression():
    # From the meeting or enquiry that raised the follow-up (follow-ups are often
    # typed in later), else from when it was logged.
    return ExpressionWrapper(
        F("completed_at") - Coalesce("meeting__starts_at", "enquiry__asked_at", "created_at"),
        output_field=DurationField(),
    )


def _median_days(followups: QuerySet[FollowUp]) -> float | None:
    done = followups.filter(status=FollowUp.Status.DONE)
    median = done.aggregate(m=Median(_days_to_done_expression()))["m"]
    return max(median.total_seconds() / 86400, 0) if median is not None else None


def mission_report(
    *, mission: Mission, filters: ReportFilters | None = None, today: date | None = None
) -> MissionReport:
    filters = filters or ReportFilters()
    today = today or timezone.localdate()
    tz = mission.tz
    meetings = report_meetings(mission, filters)
    held_meetings = held(meetings)
    followups = report_followups(mission, filters)
    outcomes = report_outcomes(mission, filters)
    enquiries = report_enquiries(mission, filters)
    counterparts = counterpart_organisations(mission, filters)

    # Delegates and the organisations they represent, by kind of organisation.
    kind_labels = dict(Organisation.Kind.choices)
    represented = []
    delegates_total = 0
    for row in (
        Delegate.objects.filter(mission=mission)
        .values("person__organisation__kind")
        .annotate(delegates=Count("pk"), organisations=Count("person__organisation", distinct=True))
        .order_by("-delegates", "person__organisation__kind")
    ):
        delegates_total += row["delegates"]
        kind = row["person__organisation__kind"]
        represented.append(
            {
                "kind": kind_labels.get(kind, "No organisation"),
                "organisations": row["organisations"],
                "delegates": row["delegates"],
            }
        )

    events = list(
        report_events(mission, filters)
        .annotate(
            meetings_held=Count(
                "meetings",
                filter=Q(meetings__status=PartneringMeeting.Status.HELD, meetings__in=meetings.values("pk")),
                distinct=True,
            )
        )
        .order_by("starts_at")
    )

    status_labels = dict(PartneringMeeting.Status.choices)
    by_status = {
        row["status"]: row["n"] for row in meetings.order_by().values("status").annotate(n=Count("pk")).order_by()
    }
    meetings_by_status = [Count2(label, by_status.get(value, 0)) for value, label in status_labels.items()]

    meetings_by_day = [
        (row["day"], row["n"])
        for row in held_meetings.annotate(day=TruncDate("starts_at", tzinfo=tz))
        .order_by()
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    ]
    meetings_by_event = [
        Count2(row["event__title"] or "Not at an event", row["n"])
        for row in held_meetings.order_by()
        .values("event__title", "event__starts_at")
        .annotate(n=Count("pk"))
        .order_by("event__starts_at", "event__title")
    ]
    through = PartneringMeeting.delegates.through
    meetings_by_delegate = [
        Count2(
            _person_name(
                row["delegate__person__given_name"],
                row["delegate__person__family_name"],
                row["delegate__person__name_order"],
            ),
            row["n"],
            row["delegate__person__organisation__name"] or "",
        )
        for row in through.objects.filter(partneringmeeting__in=held_meetings.values("pk"))
        .values(
            "delegate_id",
            "delegate__person__given_name",
            "delegate__person__family_name",
            "delegate__person__name_order",
            "delegate__person__organisation__name",
        )
        .annotate(n=Count("partneringmeeting_id", distinct=True))
        .order_by("-n", "delegate__person__family_name", "delegate_id")
    ]

    counterparts_by_country = [
        Count2(countries.name(row["country"]) if row["country"] else "Not recorded", row["n"], row["country"])
        for row in counterparts.order_by()
        .values("country")
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", "country")
    ]
    counterparts_by_sector = [
        Count2(row["sectors__name"] or "Not recorded", row["n"])
        for row in counterparts.order_by()
        .values("sectors__name")
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", "sectors__name")
    ]
    counterparts_total = sum(c.value for c in counterparts_by_country)

    category_labels = dict(Enquiry.Category.choices)
    enquiries_by_category = [
        Count2(category_labels.get(row["category"], row["category"]), row["n"])
        for row in enquiries.order_by().values("category").annotate(n=Count("pk")).order_by("-n", "category")
    ]

    S = FollowUp.Status
    fu = followups.aggregate(
        created=Count("pk"),
        done=Count("pk", filter=Q(status=S.DONE)),
        open=Count("pk", filter=Q(status=S.OPEN)),
        overdue=Count("pk", filter=Q(status=S.OPEN, due_on__lt=today)),
        cancelled=Count("pk", filter=Q(status=S.CANCELLED)),
    )
    completion_by_day = []
    running = 0
    for row in (
        followups.filter(status=S.DONE)
        .annotate(day=TruncDate("completed_at", tzinfo=tz))
        .order_by()
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    ):
        running += row["n"]
        completion_by_day.append((row["day"], running))

    outcome_kinds = dict(Outcome.Kind.choices)
    lines: dict[str, OutcomeLine] = {}
    value_by_currency: dict[str, Decimal] = defaultdict(Decimal)
    outcome_rows = (
        outcomes.order_by()
        .values("kind", "currency")
        .annotate(n=Count("pk", distinct=True), total=Sum("value"), jobs=Sum("jobs"))
        .order_by("kind", "currency")
    )
    if filters.active:
        # The .distinct() of the filtered queryset would fold equal values together.
        outcome_rows = (
            Outcome.objects.filter(pk__in=outcomes.values("pk"))
            .values("kind", "currency")
            .annotate(n=Count("pk"), total=Sum("value"), jobs=Sum("jobs"))
            .order_by("kind", "currency")
        )
    for row in outcome_rows:
        line = lines.setdefault(row["kind"], OutcomeLine(row["kind"], outcome_kinds.get(row["kind"], row["kind"])))
        line.count += row["n"]
        if row["jobs"] is not None:
            line.jobs = (line.jobs or 0) + row["jobs"]
        if row["total"] is not None and row["currency"]:
            line.values[row["currency"]] = line.values.get(row["currency"], Decimal(0)) + row["total"]
            value_by_currency[row["currency"]] += row["total"]
    outcome_lines = sorted(lines.values(), key=lambda line: (-line.count, line.label))

    quotes = list(
        Testimonial.objects.filter(mission=mission, approved=True).select_related("person__organisation").order_by("pk")
    )

    return MissionReport(
        mission=mission,
        filters=filters,
        today=today,
        delegates=delegates_total,
        organisations_represented=sum(r["organisations"] for r in represented),
        represented_by_kind=represented,
        events=events,
        attendance_total=sum(e.attendance or 0 for e in events),
        meetings_total=sum(c.value for c in meetings_by_status),
        meetings_held=by_status.get(PartneringMeeting.Status.HELD, 0),
        meetings_by_status=meetings_by_status,
        meetings_by_day=meetings_by_day,
        meetings_by_event=meetings_by_event,
        meetings_by_delegate=meetings_by_delegate,
        counterparts=counterparts_total,
        counterparts_by_country=counterparts_by_country,
        counterparts_by_sector=counterparts_by_sector,
        enquiries=sum(c.value for c in enquiries_by_category),
        enquiries_by_category=enquiries_by_category,
        followups_created=fu["created"],
        followups_done=fu["done"],
        followups_open=fu["open"],
        followups_overdue=fu["overdue"],
        followups_cancelled=fu["cancelled"],
        median_days_to_done=_median_days(followups),
        completion_by_day=completion_by_day,
        outcomes=sum(line.count for line in outcome_lines),
        outcome_lines=outcome_lines,
        value_by_currency=dict(sorted(value_by_currency.items())),
        jobs=_sum_known(line.jobs for line in outcome_lines),
        quotes=quotes,
    )


# --- Detailed tables for the exports ------------------------------------------------------------
#
# Each detailed table is one query whose rows arrive as tuples through a
# server-side cursor: the names a row links to (counterparts, delegates,
# sectors…) are joined into one cell by the database, as a COPY would. Model
# instances with per-chunk prefetches cost about 25× the database's time at
# 20 000 rows. The SQL name expressions below mirror the models' Python ones
# (Organisation.__str__, Person.full_name, Person.display_name); a test keeps
# them in step.

ROW_CHUNK = 2000  # rows per round trip of the server-side cursor
NAME_SEPARATOR = "; "


@dataclass
class Table:
    """One section of an export: a title, column headers and rows of plain values
    (str, int, Decimal, date, naive datetime in the mission's time zone)."""

    key: str
    title: str
    headers: list[str]
    rows: Iterator[list]
    count: int  # rows that `rows` will yield


def _joined(through, owner: str, name, order_by: list[str], outer: str = "pk") -> Subquery:
    """The `name`s of the rows of a many-to-many `through` table whose `owner` is
    the outer row's `outer` column, '; '-separated in `order_by` order (NULL if none)."""
    links = through.objects.filter(**{owner: OuterRef(outer)})
    return Subquery(
        links.order_by()
        .values(owner)
        .annotate(names=StringAgg(name, NAME_SEPARATOR, order_by=order_by))
        .values("names"),
        output_field=TextField(),
    )


def _org_label(prefix: str = "", nullable: str = ""):
    """Organisation.__str__ in SQL: 'Takeda Pharmaceutical (武田薬品工業)', or the name
    alone; '' when the (nullable) relation `nullable` is empty."""
    name, native = f"{prefix}name", f"{prefix}name_native"
    cases = [When(Q(**{f"{nullable}__isnull": True}), then=Value(""))] if nullable else []
    return Case(
        *cases,
        When(Q(**{native: ""}) | Q(**{name: F(native)}), then=F(name)),
        default=Concat(Isolate(F(name)), Value(" ("), Isolate(F(native)), Value(")")),
        output_field=CharField(),
    )


def _full_name(prefix: str = ""):
    """Person.full_name in SQL."""
    given, family = F(f"{prefix}given_name"), F(f"{prefix}family_name")
    return Isolate(
        Case(
            When(Q(**{f"{prefix}given_name": ""}), then=family),
            When(Q(**{f"{prefix}name_order": Person.NameOrder.FAMILY_FIRST}), then=Concat(family, Value(" "), given)),
            default=Concat(given, Value(" "), family),
            output_field=CharField(),
        )
    )


def _display_name(prefix: str = ""):
    """Person.display_name in SQL: honorific (given-name-first names only), name, native name."""
    honorific = Case(
        When(
            Q(**{f"{prefix}name_order": Person.NameOrder.GIVEN_FIRST}) & ~Q(**{f"{prefix}honorific": ""}),
            then=Concat(F(f"{prefix}honorific"), Value(" ")),
        ),
        default=Value(""),
        output_field=CharField(),
    )
    name = Isolate(Concat(honorific, _full_name(prefix), output_field=CharField()))
    return Case(
        When(Q(**{f"{prefix}name_native": ""}), then=name),
        default=Concat(name, Value(" ("), Isolate(F(f"{prefix}name_native")), Value(")")),
        output_field=CharField(),
    )


def _head(qs: QuerySet, limit: int | None) -> QuerySet:
    """The first `limit` rows (a LIMIT in SQL), or all."""
    return qs if limit is None else qs[:limit]


def _labels(choices) -> dict:
    """Value -> label of a choices class, as plain strings (translated once, not per row)."""
    return {value: str(label) for value, label in choices.choices}


def _country_namer():
    """Country code -> name, looked up once per country (django-countries translates on every call)."""
    names: dict[str, str] = {}

    def name(code: str) -> str:
        if code not in names:
            names[code] = str(countries.name(code)) if code else ""
        return names[code]

    return name


def _localiser(mission: Mission):
    """Aware datetimes to naive ones in the mission's time zone: spreadsheets have
    no time zones, so the header names the zone instead."""
    tz = mission.tz

    def local(dt: datetime | None) -> datetime | None:
        return dt.astimezone(tz).replace(tzinfo=None) if dt is not None else None

    return local


def _held_count(through, owner: str, held_meetings: QuerySet[PartneringMeeting]) -> Coalesce:
    """How many of `held_meetings` the outer row took part in, as a correlated count."""
    return Coalesce(
        Subquery(
            through.objects.filter(**{owner: OuterRef("pk")}, partneringmeeting__in=held_meetings.values("pk"))
            .order_by()
            .values(owner)
            .annotate(n=Count("partneringmeeting_id", distinct=True))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def _sum_known(values) -> int | None:
    """The sum of the figures that are known; None when none is."""
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def meeting_table(
    mission: Mission, filters: ReportFilters, count: int | None = None, limit: int | None = None
) -> Table:
    qs = report_meetings(mission, filters)
    meeting = PartneringMeeting
    rows_qs = (
        qs.annotate(
            organisations=_joined(
                meeting.counterpart_organisations.through,
                "partneringmeeting",
                _org_label("organisation__"),
                ["organisation__name", "organisation_id"],
            ),
            people=_joined(
                meeting.counterpart_people.through,
                "partneringmeeting",
                _display_name("person__"),
                ["person__family_name", "person__given_name", "person_id"],
            ),
            our_delegates=_joined(
                meeting.delegates.through,
                "partneringmeeting",
                _full_name("delegate__person__"),
                ["delegate__person__family_name", "delegate__person__given_name", "delegate_id"],
            ),
            sector_names=_joined(meeting.sectors.through, "partneringmeeting", F("sector__name"), ["sector__name"]),
        )
        .order_by("starts_at", "pk")
        .values_list(
            "starts_at",
            "event__title",
            "location",
            "status",
            "organisations",
            "people",
            "our_delegates",
            "sector_names",
            "topic",
            "interest",
            "next_steps",
            "notes",
            "duration_minutes",
        )
    )
    status_labels = _labels(meeting.Status)
    interest_labels = _labels(meeting.Interest)
    local = _localiser(mission)

    def rows():
        for (
            starts,
            event,
            location,
            status,
            orgs,
            people,
            delegates,
            sectors,
            topic,
            interest,
            steps,
            notes,
            minutes,
        ) in _head(rows_qs, limit).iterator(chunk_size=ROW_CHUNK):
            yield [
                local(starts),
                event or "",
                location,
                status_labels.get(status, status),
                orgs or "",
                people or "",
                delegates or "",
                sectors or "",
                topic,
                interest_labels.get(interest, ""),
                steps,
                notes,
                minutes,
            ]

    return Table(
        "meetings",
        "Partnering meetings",
        [
            f"Starts ({mission.time_zone})",
            "Event",
            "Table or room",
            "Status",
            "Counterpart organisations",
            "Counterpart people",
            "Our delegates",
            "Sectors",
            "Topic",
            "Interest",
            "Next steps",
            "Notes",
            "Minutes",
        ],
        rows(),
        qs.count() if count is None else count,
    )


def followup_table(
    mission: Mission,
    filters: ReportFilters,
    today: date | None = None,
    count: int | None = None,
    limit: int | None = None,
) -> Table:
    today = today or timezone.localdate()
    qs = report_followups(mission, filters)
    # Where the follow-up came from: the meeting's counterparts, else the enquiry's
    # organisation or asker. Correlated lookups, evaluated only for the branch taken
    # (a join would hash all organisations).
    meeting_organisations = _joined(
        PartneringMeeting.counterpart_organisations.through,
        "partneringmeeting",
        _org_label("organisation__"),
        ["organisation__name", "organisation_id"],
        outer="meeting_id",
    )
    enquiry_source = Subquery(
        Enquiry.objects.filter(pk=OuterRef("enquiry_id"))
        .annotate(
            source=Case(
                When(Q(organisation__isnull=True), then=F("asker_name")),
                default=_org_label("organisation__"),
                output_field=CharField(),
            )
        )
        .values("source"),
        output_field=CharField(),
    )
    rows_qs = (
        qs.annotate(
            assignee_name=_full_name("assignee__person__"),
            source=Case(
                When(Q(meeting__isnull=False), then=meeting_organisations),
                When(Q(enquiry__isnull=False), then=enquiry_source),
                default=Value(""),
                output_field=CharField(),
            ),
        )
        .order_by("due_on", "pk")
        .values_list(
            "title",
            "assignee_name",
            "source",
            "due_on",
            "status",
            "priority",
            "completed_at",
            "completion_note",
        )
    )
    status_labels = _labels(FollowUp.Status)
    priority_labels = _labels(FollowUp.Priority)
    open_status = FollowUp.Status.OPEN
    local = _localiser(mission)

    def rows():
        for title, assignee, source, due_on, status, priority, completed_at, note in _head(rows_qs, limit).iterator(
            chunk_size=ROW_CHUNK
        ):
            label = status_labels.get(status, status)
            yield [
                title,
                assignee,
                source or "",
                due_on,
                label + " (overdue)" if status == open_status and due_on < today else label,
                priority_labels.get(priority, priority),
                local(completed_at),
                note,
            ]

    return Table(
        "followups",
        "Follow-ups",
        [
            "Follow-up",
            "Assigned to",
            "Counterpart",
            "Due",
            "Status",
            "Priority",
            f"Completed ({mission.time_zone})",
            "Completion note",
        ],
        rows(),
        qs.count() if count is None else count,
    )


def outcome_table(
    mission: Mission, filters: ReportFilters, count: int | None = None, limit: int | None = None
) -> Table:
    outcomes = report_outcomes(mission, filters)
    if filters.active:
        # The filtered queryset is .distinct(): on plain values it would fold equal rows together.
        outcomes = Outcome.objects.filter(pk__in=outcomes.values("pk"))
    rows_qs = (
        outcomes.annotate(
            organisation_names=_joined(
                Outcome.organisations.through,
                "outcome",
                _org_label("organisation__"),
                ["organisation__name", "organisation_id"],
            )
        )
        .order_by("achieved_on", "pk")
        .values_list("achieved_on", "kind", "title", "organisation_names", "value", "currency", "jobs", "description")
    )
    kind_labels = _labels(Outcome.Kind)

    def rows():
        for achieved_on, kind, title, orgs, value, currency, jobs, description in _head(rows_qs, limit).iterator(
            chunk_size=ROW_CHUNK
        ):
            yield [achieved_on, kind_labels.get(kind, kind), title, orgs or "", value, currency, jobs, description]

    return Table(
        "outcomes",
        "Outcomes",
        ["Achieved on", "Kind", "Outcome", "Organisations", "Value", "Currency", "Jobs", "Description"],
        rows(),
        outcomes.count() if count is None else count,
    )


def organisation_table(
    mission: Mission, filters: ReportFilters, count: int | None = None, limit: int | None = None
) -> Table:
    # Grouped from the held meetings' counterpart links: one pass, and the
    # organisations met are exactly the groups (see counterpart_organisations).
    held_meetings = held(report_meetings(mission, filters))
    rows_qs = (
        PartneringMeeting.counterpart_organisations.through.objects.filter(
            partneringmeeting__in=held_meetings.values("pk")
        )
        .values("organisation_id")
        .annotate(meetings_held=Count("partneringmeeting_id", distinct=True))
        .annotate(
            sector_names=_joined(
                Organisation.sectors.through,
                "organisation",
                F("sector__name"),
                ["sector__name"],
                outer="organisation_id",
            )
        )
        .order_by("-meetings_held", "organisation__name", "organisation_id")
        .values_list(
            "organisation__name",
            "organisation__name_native",
            "organisation__kind",
            "organisation__country",
            "organisation__city",
            "sector_names",
            "meetings_held",
        )
    )
    kind_labels = _labels(Organisation.Kind)
    country_name = _country_namer()

    def rows():
        for name, native, kind, country, city, sectors, meetings_held in _head(rows_qs, limit).iterator(
            chunk_size=ROW_CHUNK
        ):
            yield [
                name,
                native,
                kind_labels.get(kind, kind),
                country_name(country),
                city,
                sectors or "",
                meetings_held,
            ]

    return Table(
        "organisations",
        "Counterpart organisations",
        ["Organisation", "Native name", "Kind", "Country", "City", "Sectors", "Meetings held"],
        rows(),
        counterpart_organisations(mission, filters).count() if count is None else count,
    )


def delegate_table(
    mission: Mission, filters: ReportFilters, count: int | None = None, limit: int | None = None
) -> Table:
    held_meetings = held(report_meetings(mission, filters))
    qs = Delegate.objects.filter(mission=mission)
    rows_qs = (
        qs.annotate(
            meetings_held=_held_count(PartneringMeeting.delegates.through, "delegate", held_meetings),
            name=_full_name("person__"),
            organisation_name=_org_label("person__organisation__", nullable="person__organisation"),
        )
        .order_by("person__family_name", "person__given_name", "pk")
        .values_list(
            "name",
            "person__name_native",
            "role",
            "person__job_title",
            "organisation_name",
            "person__organisation__kind",
            "meetings_held",
        )
    )
    role_labels = _labels(Delegate.Role)
    kind_labels = _labels(Organisation.Kind)

    def rows():
        for name, native, role, job_title, organisation, kind, meetings_held in _head(rows_qs, limit).iterator(
            chunk_size=ROW_CHUNK
        ):
            yield [
                name,
                native,
                role_labels.get(role, role),
                job_title,
                organisation,
                kind_labels.get(kind, kind or ""),
                meetings_held,
            ]

    return Table(
        "delegates",
        "Delegates",
        ["Delegate", "Native name", "Role", "Job title", "Organisation", "Kind of organisation", "Meetings held"],
        rows(),
        qs.count() if count is None else count,
    )


def event_table(report: MissionReport, limit: int | None = None) -> Table:
    mission = report.mission
    local = _localiser(mission)
    rows = [
        [
            local(e.starts_at),
            e.title,
            e.get_kind_display(),
            ", ".join(isolate(p) for p in [e.venue, e.city] if p),
            e.capacity,
            e.attendance,
            e.meetings_held,
        ]
        for e in report.events[:limit]
    ]
    return Table(
        "events",
        "Events",
        [f"Starts ({mission.time_zone})", "Event", "Kind", "Venue", "Capacity", "Attendance", "Meetings held"],
        iter(rows),
        len(report.events),
    )


def summary_table(report: MissionReport) -> Table:
    m = report.mission
    rows: list[list] = [
        ["Mission", m.title],
        ["Dates", f"{m.start_date.isoformat()} to {m.end_date.isoformat()}"],
        ["Destination", ", ".join(p for p in [m.destination_city, m.destination_country.name] if p)],
        ["Filters", report.filters.describe()],
        ["Report date", report.today],
        [],
        *[[label, value] for label, value in report.kpis()],
        [],
        ["Outcomes by kind", "Count", "Jobs", "Value", "Currency"],
    ]
    for line in report.outcome_lines:
        if line.values:
            for currency, total in line.values.items():
                rows.append([line.label, line.count, line.jobs, total, currency])
        else:
            rows.append([line.label, line.count, line.jobs, None, ""])
    rows += [[], ["Organisations represented, by kind", "Organisations", "Delegates"]]
    rows += [[r["kind"], r["organisations"], r["delegates"]] for r in report.represented_by_kind]
    rows += [[], ["Meetings held, by day", "Meetings"]]
    rows += [[day, n] for day, n in report.meetings_by_day]
    rows += [[], ["Meetings held, by event", "Meetings"]]
    rows += [[c.label, c.value] for c in report.meetings_by_event]
    rows += [[], ["Meetings, by status", "Meetings"]]
    rows += [[c.label, c.value] for c in report.meetings_by_status]
    rows += [[], ["Counterpart organisations, by country", "Organisations"]]
    rows += [[c.label, c.value] for c in report.counterparts_by_country]
    rows += [[], ["Counterpart organisations, by sector", "Organisations"]]
    rows += [[c.label, c.value] for c in report.counterparts_by_sector]
    rows += [[], ["Stand enquiries, by category", "Enquiries"]]
    rows += [[c.label, c.value] for c in report.enquiries_by_category]
    rows += [[], ["Quotes from delegates", "Attribution"]]
    rows += [[q.quote, q.attribution] for q in report.quotes]
    return Table("summary", "Summary", ["Figure", "Value"], iter(rows), len(rows))


def report_tables(report: MissionReport, limit: int | None = None) -> list[Table]:
    """The sections of every export, in order: summary, meetings, follow-ups,
    outcomes, organisations, delegates, events. Their row counts are the
    report's own figures (the same selections, already counted); with a
    `limit`, the detailed tables yield only their first rows (count stays the total)."""
    m, f = report.mission, report.filters
    return [
        summary_table(report),
        meeting_table(m, f, count=report.meetings_total, limit=limit),
        followup_table(m, f, report.today, count=report.followups_created, limit=limit),
        outcome_table(m, f, count=report.outcomes, limit=limit),
        organisation_table(m, f, count=report.counterparts, limit=limit),
        delegate_table(m, f, count=report.delegates, limit=limit),
        event_table(report, limit=limit),
    ]


def export_row_estimate(*, mission: Mission, filters: ReportFilters) -> int:
    """Rows the detailed tables will hold: decides whether an export is built by a worker."""
    return report_meetings(mission, filters).count() + report_followups(mission, filters).count()
