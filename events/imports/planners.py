"""Planning each kind of import: delegates, contacts, partnering-meeting lists (one-sided or
two-sided exports)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from contacts.search import reading_words

from ..models import Delegate, Event, ImportJob, Mission, PartneringMeeting
from .fields import MEETING_MARGIN_DAYS, TWO_SIDED
from .files import Table, is_blank
from .plan import Directory, Plan, Planned, RowPlan, check_org_values, check_person_values, text_cells
from .values import (
    has_japanese,
    native_key,
    normalise_name,
    parse_choice,
    parse_country,
    parse_date,
    parse_status,
    parse_time,
    parse_time_range,
    split_date_time,
    split_person_name,
)


def plan_import(*, job: ImportJob, table: Table) -> Plan:
    rows = text_cells(table, job.mapping)
    org_names, emails, families, natives = set(), set(), set(), set()
    for _, _, text in rows:
        for latin, native in (("organisation", "organisation_native"), ("company", "company_native")):
            if text.get(latin) or text.get(native):
                org_names.add((text.get(latin, ""), text.get(native, "")))
        for side in ("organisation_a", "organisation_b"):  # a two-sided export: one name column per side
            if text.get(side):
                org_names.add((text[side], ""))
        if text.get("email"):
            emails.add(text["email"].casefold())
        if text.get("family_name"):
            families.add(normalise_name(text["family_name"]))
        if text.get("name_native"):
            natives.add(text["name_native"])
        # The people a meeting list names in one cell: its contact, or both sides of a two-sided export.
        for name in ("contact", "participant_a", "participant_b"):
            if text.get(name):
                split = split_person_name(text[name])
                families.add(normalise_name(split["family_name"]))
                if split["name_native"]:
                    natives.add(split["name_native"])
                    # ... and by reading, so 佐藤 健 finds the Ken Sato we have: "sato".
                    families.update(reading_words(split["family_name"])[:1])
    directory = Directory(org_names=org_names, emails=emails, family_names=families, natives=natives)
    planner = {
        ImportJob.Kind.DELEGATES: _plan_delegates,
        ImportJob.Kind.CONTACTS: _plan_contacts,
        ImportJob.Kind.MEETINGS: _plan_meetings,
    }[job.kind]
    return Plan(kind=job.kind, rows=planner(job, rows, directory))


def _plan_delegates(job: ImportJob, rows, directory: Directory) -> list[RowPlan]:
    mission = job.mission
    existing = {d.person_id: d for d in Delegate.objects.filter(mission=mission)}
    planned_delegates: dict[int, Planned] = {}
    plans = []
    for number, _raw, text in rows:
        row = RowPlan(number, text)
        values = check_person_values(text, row.errors)
        if not values["family_name"]:
            row.errors.append("The family name is missing.")
        role = Delegate.Role.DELEGATE
        if text.get("role"):
            try:
                role = parse_choice(text["role"], Delegate.Role.choices, "role")
            except ValueError as error:
                row.errors.append(f"{error}.")
        if text.get("organisation") or text.get("organisation_native"):
            row.organisation = directory.organisation(
                row, name=text.get("organisation", ""), name_native=text.get("organisation_native", ""), defaults={}
            )
        if values["family_name"]:
            row.person = directory.person(number, values, row.organisation, row.notes)
            key = id(row.person)
            if row.person.existing is not None and row.person.existing.pk in existing:
                delegate = existing[row.person.existing.pk]
                row.delegate = planned_delegates.setdefault(key, Planned("delegate", existing=delegate))
                if delegate.role != role:
                    row.notes.append(f"Already on the mission as {delegate.get_role_display()}; the role is kept.")
            elif key in planned_delegates:
                row.delegate = planned_delegates[key]
                row.notes.append(f"Same delegate as row {row.delegate.first_row}.")
            else:
                row.delegate = planned_delegates[key] = Planned(
                    "delegate", values={"role": role, "label": row.person.label()}, first_row=number
                )
        plans.append(row)
    return plans


def _plan_contacts(job: ImportJob, rows, directory: Directory) -> list[RowPlan]:
    plans = []
    for number, _raw, text in rows:
        row = RowPlan(number, text)
        org_values = check_org_values(text, row.errors)
        person_values = check_person_values(text, row.errors)
        has_org = text.get("organisation") or text.get("organisation_native")
        has_person = person_values["family_name"] or person_values["given_name"] or person_values["email"]
        if not has_org and not has_person:
            row.errors.append("Neither an organisation nor a person on this row.")
        if has_person and not person_values["family_name"]:
            row.errors.append("The person's family name is missing.")
        if has_org:
            row.organisation = directory.organisation(
                row, name=text.get("organisation", ""), name_native=text.get("organisation_native", ""),
                defaults=org_values,
            )  # fmt: skip
        if person_values["family_name"]:
            row.person = directory.person(number, person_values, row.organisation, row.notes)
        plans.append(row)
    return plans


def _delegates_named(name: str, by_key: dict, delegates: list[Delegate]) -> list[Delegate]:
    """The mission's delegates a name in the file may be: full name either way round, email, or family name."""
    key = native_key(name) if has_japanese(name) else normalise_name(name).rstrip(".")
    key = re.sub(r"^(prof|professor|dr|mr|mrs|ms)\.? ", "", key)
    return by_key.get(key) or [d for d in delegates if normalise_name(d.person.family_name) == key]


def _our_side(job: ImportJob, text: dict, *, is_ours) -> tuple[dict, str]:
    """For a two-sided export's row: the fields of a one-sided row (our delegates, their company,
    contact and country), or the reason the row cannot say which side is ours."""
    sides = {
        side: {part: text.get(f"{part}_{side}", "") for part in ("participant", "organisation", "country")}
        for side in "ab"
    }
    ours = job.our_side or ""
    if not ours:
        candidates = [side for side in "ab" if is_ours(sides[side])]
        if len(candidates) != 1:
            who = " and ".join(
                "“" + ", ".join(p for p in (sides[s]["participant"], sides[s]["organisation"]) if p) + "”" for s in "ab"
            )
            if not candidates:
                return {}, (
                    f"Neither side is ours: {who} are not delegates of this mission nor from its organisations. "
                    "Add the delegate to the mission, or say which side is ours on the columns step."
                )
            return {}, f"Both sides look like ours ({who}): say which side is ours on the columns step."
        ours = candidates[0]
    theirs = sides["b" if ours == "a" else "a"]
    return {
        "delegates": sides[ours]["participant"],
        "our_organisation": sides[ours]["organisation"],
        "company": theirs["organisation"],
        "contact": theirs["participant"],
        "their_country": theirs["country"],
    }, ""


def _parse_end(value, *, day: dt.date, month_first: bool, tz) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=tz)
    date_part, time_part = split_date_time(value)
    if time_part is None:  # a time alone: the meeting's own day
        return dt.datetime.combine(day, parse_time(date_part), tz)
    return dt.datetime.combine(parse_date(date_part, month_first=month_first), parse_time(time_part), tz)


def _delegate_keys(delegate: Delegate) -> set[str]:
    person = delegate.person
    keys = {
        normalise_name(f"{person.given_name} {person.family_name}"),
        normalise_name(f"{person.family_name} {person.given_name}"),
        normalise_name(f"{person.honorific} {person.given_name} {person.family_name}"),
        native_key(person.name_native),
        (person.email or "").casefold(),
    }
    return keys - {""}


def _split_delegate_names(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"\s*(?:;|/|、|\n|,| & | and )\s*", text) if part.strip()]


def _plan_meetings(job: ImportJob, rows, directory: Directory) -> list[RowPlan]:
    mission = job.mission
    tz = mission.tz
    delegates = list(Delegate.objects.filter(mission=mission).select_related("person"))
    by_key: dict[str, list[Delegate]] = defaultdict(list)
    for delegate in delegates:
        for key in _delegate_keys(delegate):
            by_key[key].append(delegate)
    events = list(Event.objects.filter(mission=mission).order_by("starts_at"))
    events_by_title = {normalise_name(e.title): e for e in events}
    default_country = mission.destination_country.code if mission.direction == Mission.Direction.OUTBOUND else ""
    two_sided = all(job.mapping.get(name) for name in TWO_SIDED)
    our_organisations = {d.person.organisation_id for d in delegates if d.person.organisation_id}

    def is_ours(side: dict) -> bool:
        named = _split_delegate_names(side["participant"])
        if any(_delegates_named(name, by_key, delegates) for name in named):
            return True
        resolved = directory.resolved.get((side["organisation"], "")) or []
        return any(resolution.organisation.pk in our_organisations for resolution in resolved)

    month_first = job.date_order == ImportJob.DateOrder.MONTH_FIRST
    now = dt.datetime.now(dt.UTC)
    first_day = mission.start_date - dt.timedelta(days=MEETING_MARGIN_DAYS)
    last_day = mission.end_date + dt.timedelta(days=MEETING_MARGIN_DAYS)

    parsed = []
    for number, raw, text in rows:
        row = RowPlan(number, text)
        country = default_country
        if two_sided:
            one_sided, problem = _our_side(job, text, is_ours=is_ours)
            if problem:  # the one thing to fix on this row: what follows from a side would only repeat it
                row.errors.append(problem)
                parsed.append((row, None, 30, PartneringMeeting.Status.SCHEDULED, None))
                continue
            text = {**text, **one_sided}
            resolved = directory.resolved.get((text.get("our_organisation", ""), "")) or []
            row.our_organisation = resolved[0].organisation if resolved else None
            if text.get("their_country"):
                try:
                    country = parse_country(text["their_country"])
                except ValueError as error:
                    row.errors.append(f"{error}.")
        starts_at, duration = None, 30
        date_value, time_value = raw.get("date"), raw.get("time")
        if is_blank(date_value):
            row.errors.append("The date is missing.")
        else:
            date_part, time_in_date = split_date_time(date_value)
            if is_blank(time_value):
                time_value = time_in_date
            try:
                day = parse_date(date_part, month_first=month_first)
                if is_blank(time_value):
                    raise ValueError("The time is missing")
                start, end = parse_time_range(time_value)
                starts_at = dt.datetime.combine(day, start, tz)
                ends_at = None
                if not is_blank(raw.get("end")):
                    ends_at = _parse_end(raw["end"], day=day, month_first=month_first, tz=tz)
                elif end is not None:
                    ends_at = dt.datetime.combine(day, end, tz)
                if ends_at is not None:
                    if ends_at <= starts_at:
                        raise ValueError(
                            f"It ends ({ends_at:%H:%M}) before it starts ({starts_at:%H:%M}): check the times"
                        )
                    duration = int((ends_at - starts_at).total_seconds() // 60)
                    if duration > 24 * 60:
                        raise ValueError(f"It would last {duration // 60} hours: check the end")
                if not first_day <= day <= last_day:
                    raise ValueError(
                        f"{day:%-d %b %Y} is outside the mission's dates "
                        f"({mission.start_date:%-d %b} – {mission.end_date:%-d %b %Y})"
                    )
            except ValueError as error:
                starts_at = None
                row.errors.append(f"{error}.")
        if text.get("duration"):
            try:
                duration = int(float(text["duration"]))
                if not 0 < duration <= 24 * 60:
                    raise ValueError
            except ValueError:
                row.errors.append(f"“{text['duration']}” is not a number of minutes.")
        status = PartneringMeeting.Status.SCHEDULED
        if text.get("status"):
            try:
                ended = starts_at is not None and starts_at + dt.timedelta(minutes=duration) <= now
                status = parse_status(text["status"], ended=ended)
            except ValueError as error:
                row.errors.append(f"{error}.")
        ours: list[Delegate] = []
        if not text.get("delegates"):
            row.errors.append("Our delegate is missing.")
        for name in _split_delegate_names(text.get("delegates", "")):
            matches = _delegates_named(name, by_key, delegates)
            if len(matches) == 1:
                if matches[0] not in ours:
                    ours.append(matches[0])
            elif matches:
                row.errors.append(f"“{name}” matches several delegates; use the full name.")
            else:
                row.errors.append(f"Unknown delegate “{name}”: not on this mission's delegate list.")
                row.unknown_delegates.append(name)
        row.meeting_delegates = ours
        if not (text.get("company") or text.get("company_native")):
            row.errors.append("The company is missing.")
        else:
            row.organisation = directory.organisation(
                row,
                name=text.get("company", ""),
                name_native=text.get("company_native", ""),
                defaults={"country": country} if country else {},
            )
        if text.get("contact"):
            person_values = split_person_name(text["contact"])
            row.person = directory.person(number, person_values, row.organisation, row.notes)
        event = None
        if text.get("event"):
            event = events_by_title.get(normalise_name(text["event"]))
            if event is None:
                row.errors.append(f"Unknown event “{text['event']}” on this mission.")
        elif starts_at is not None:
            during = [e for e in events if e.starts_at <= starts_at < e.ends_at]
            partnering = [e for e in during if e.kind == Event.Kind.PARTNERING]
            event = (partnering or during or [None])[0]
        parsed.append((row, starts_at, duration, status, event))

    times = {s for _, s, *_ in parsed if s is not None}
    existing_meetings: dict[tuple, PartneringMeeting] = {}
    if times:
        for meeting in PartneringMeeting.objects.filter(mission=mission, starts_at__in=times).prefetch_related(
            "counterpart_organisations"
        ):
            for org in meeting.counterpart_organisations.all():
                existing_meetings[(meeting.starts_at, org.pk)] = meeting
    planned_meetings: dict[tuple, Planned] = {}
    plans = []
    for row, starts_at, duration, status, event in parsed:
        if starts_at is not None and row.organisation is not None:
            org_key = row.organisation.existing.pk if row.organisation.existing is not None else id(row.organisation)
            key = (starts_at, org_key)
            label = f"{starts_at.astimezone(tz):%a %d %b %H:%M %Z} with {row.organisation.label()}"
            if key in planned_meetings:
                row.meeting = planned_meetings[key]
                row.notes.append(f"Same meeting as row {row.meeting.first_row}.")
            elif row.organisation.existing is not None and key in existing_meetings:
                row.meeting = planned_meetings[key] = Planned(
                    "meeting", existing=existing_meetings[key], values={"label": label}
                )
            else:
                row.meeting = planned_meetings[key] = Planned(
                    "meeting",
                    values={
                        "label": label,
                        "starts_at": starts_at,
                        "duration_minutes": duration,
                        "location": row.cells.get("table", "")[:100],
                        "status": status,
                        "event": event,
                        "topic": row.cells.get("topic", "")[:300],
                        "notes": row.cells.get("notes", ""),
                        "delegates": row.meeting_delegates,
                    },
                    first_row=row.number,
                )
        plans.append(row)
    return plans
