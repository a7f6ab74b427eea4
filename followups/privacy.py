"""Personal data across every app (UK GDPR): subject-access export, erasure and
retention review. Lives in followups, the top of the dependency chain, because
a person's data is spread over contacts, events and followups.

Managers only: the views check that through followups.access.get_person_for_manager.
"""

import csv
import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from contacts import search
from contacts.history import history_user_for
from contacts.models import Person, User
from contacts.privacy import ERASED_NAME, person_anonymise
from events.models import Delegate, Enquiry, PartneringMeeting

from .models import FollowUp, Outcome, Testimonial

ERASED_TEXT = "[erased]"
# Spreadsheets run cells that start with these as formulas: a typed "=HYPERLINK(…)" must stay text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# --- Subject-access export -------------------------------------------------------------------------


def _value(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "code") and hasattr(value, "name"):  # django-countries
        return value.code
    return value


def _row(obj, *, exclude=()) -> dict:
    """Every concrete field of a record, foreign keys as ids, values JSON-ready."""
    return {f.attname: _value(getattr(obj, f.attname)) for f in obj._meta.concrete_fields if f.name not in exclude}


def subject_access_data(person: Person) -> dict:
    """Everything held about the person, section by section."""
    delegations = list(Delegate.objects.filter(person=person).select_related("mission").order_by("mission__start_date"))
    meeting_qs = PartneringMeeting.objects.select_related("mission", "event").prefetch_related(
        "counterpart_organisations", "counterpart_people", "delegates__person"
    )
    as_delegate = list(meeting_qs.filter(delegates__person=person).distinct().order_by("starts_at"))
    as_counterpart = list(meeting_qs.filter(counterpart_people=person).distinct().order_by("starts_at"))
    followups = list(
        FollowUp.objects.filter(assignee__person=person).select_related("mission", "meeting").order_by("due_on")
    )
    meeting_ids = {m.pk for m in as_delegate + as_counterpart}
    outcomes = list(
        Outcome.objects.filter(Q(meeting_id__in=meeting_ids) | Q(followup__in=[f.pk for f in followups]))
        .select_related("mission")
        .prefetch_related("organisations")
        .distinct()
        .order_by("achieved_on")
    )
    enquiries = list(Enquiry.objects.filter(person=person).select_related("mission", "organisation"))
    testimonials = list(Testimonial.objects.filter(person=person).select_related("mission"))
    history = list(person.history.select_related("history_user").order_by("history_date"))

    def meeting(m):
        return {
            **_row(m),
            "mission": m.mission.title,
            "event": m.event.title if m.event else None,
            "counterpart_organisations": [str(o) for o in m.counterpart_organisations.all()],
            "counterpart_people": [p.full_name for p in m.counterpart_people.all()],
            "our_delegates": [d.person.full_name for d in m.delegates.all()],
        }

    return {
        "generated_at": timezone.now().isoformat(),
        "person": {
            **_row(person),
            "organisation": str(person.organisation) if person.organisation_id else None,
            "can_be_emailed": person.can_be_emailed,
        },
        "account": _account(person),
        "delegations": [{**_row(d), "mission": d.mission.title} for d in delegations],
        "events_spoken_at": [
            {"event": e.title, "mission": e.mission.title, "starts_at": _value(e.starts_at)}
            for e in person.events_spoken_at.select_related("mission")
        ],
        "meetings_as_delegate": [meeting(m) for m in as_delegate],
        "meetings_as_counterpart": [meeting(m) for m in as_counterpart],
        "followups": [
            {**_row(f), "mission": f.mission.title, "meeting": str(f.meeting) if f.meeting else None} for f in followups
        ],
        "enquiries": [
            {**_row(e), "mission": e.mission.title, "organisation": str(e.organisation) if e.organisation else None}
            for e in enquiries
        ],
        "outcomes": [
            {**_row(o), "mission": o.mission.title, "organisations": [str(org) for org in o.organisations.all()]}
            for o in outcomes
        ],
        "testimonials": [{**_row(t), "mission": t.mission.title} for t in testimonials],
        "history": [
            {
                **_row(h, exclude=("history_user",)),
                "changed_by": str(h.history_user) if h.history_user else None,
            }
            for h in history
        ],
    }


def _account(person: Person) -> dict | None:
    if not person.user_id:
        return None
    user = person.user
    return {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": user.role,
        "time_zone": user.time_zone,
        "is_active": user.is_active,
        "date_joined": _value(user.date_joined),
        "last_login": _value(user.last_login),
    }


def subject_access_json(person: Person) -> str:
    return json.dumps(subject_access_data(person), ensure_ascii=False, indent=2, default=str)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False, default=str)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def subject_access_csv(person: Person) -> str:
    """The same data as one long table: section, record number, field, value."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "record", "field", "value"])
    for section, content in subject_access_data(person).items():
        if isinstance(content, dict):
            content = [content]
        elif not isinstance(content, list):
            writer.writerow([section, "", "", _cell(content)])
            continue
        for number, record in enumerate(content, start=1):
            for name, value in record.items():
                writer.writerow([section, number, name, _cell(value)])
    return "\ufeff" + out.getvalue()  # BOM: Excel then reads the file as UTF-8 (Japanese names)


# --- Erasure ----------------------------------------------------------------------------------------


@transaction.atomic
def person_erase(*, person: Person, acting_user: User) -> Person:
    """Anonymise the person everywhere their words or names are stored, keeping every
    row (delegations, meetings, follow-ups, testimonials) so the missions' numbers
    do not change. Notes *about* them written inside meeting notes are free text and
    are not searched: the confirmation page says so."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    person_anonymise(person=person, acting_user=acting_user)
    for delegate in Delegate.objects.filter(person=person).exclude(notes=""):
        delegate.notes = ""
        delegate.modified_by = acting_user
        history_user_for(delegate, acting_user)
        delegate.save(update_fields=["notes", "modified_by", "modified_at"])
    Delegate.history.filter(person_id=person.pk).update(notes="")
    enquiries = Enquiry.objects.filter(person=person)
    Enquiry.history.filter(id__in=enquiries.values("pk")).update(asker_name=ERASED_NAME)
    for enquiry in enquiries:
        enquiry.asker_name = ERASED_NAME
        enquiry.modified_by = acting_user
        history_user_for(enquiry, acting_user)
        enquiry.save(update_fields=["asker_name", "modified_by", "modified_at"])
    Testimonial.objects.filter(person=person).update(
        attribution=ERASED_NAME, quote=ERASED_TEXT, approved=False, modified_by=acting_user, modified_at=timezone.now()
    )
    return person


# --- Retention review -------------------------------------------------------------------------------


def retention_cutoff(*, now: datetime | None = None, months: int | None = None) -> datetime:
    months = settings.PERSON_RETENTION_MONTHS if months is None else months
    return (now or timezone.now()) - relativedelta(months=months)


def people_due_for_review(*, now: datetime | None = None, months: int | None = None) -> QuerySet[Person]:
    """People with no activity since the cut-off: their record, missions, meetings (either
    side), enquiries, follow-ups and sign-ins are all older. Erased people are not listed.
    One query, whatever the number of people."""
    cutoff = retention_cutoff(now=now, months=months)
    cutoff_day = timezone.localtime(cutoff).date()
    recent_delegation = Delegate.objects.filter(person=OuterRef("pk")).filter(
        Q(mission__end_date__gte=cutoff_day) | Q(modified_at__gte=cutoff)
    )
    recent_meeting = PartneringMeeting.objects.filter(
        Q(counterpart_people=OuterRef("pk")) | Q(delegates__person=OuterRef("pk")), starts_at__gte=cutoff
    )
    recent_enquiry = Enquiry.objects.filter(person=OuterRef("pk"), asked_at__gte=cutoff)
    recent_followup = FollowUp.objects.filter(assignee__person=OuterRef("pk"), modified_at__gte=cutoff)
    return (
        Person.objects.filter(erased_on__isnull=True, merged_into__isnull=True, modified_at__lt=cutoff)
        .exclude(user__last_login__gte=cutoff)
        .exclude(Exists(recent_delegation))
        .exclude(Exists(recent_meeting))
        .exclude(Exists(recent_enquiry))
        .exclude(Exists(recent_followup))
        .select_related("organisation", "user")
        .annotate(
            last_mission_end=Subquery(
                Delegate.objects.filter(person=OuterRef("pk"))
                .order_by("-mission__end_date")
                .values("mission__end_date")[:1]
            ),
            last_meeting_as_counterpart=Max("meetings__starts_at"),
        )
        .order_by("modified_at")
    )


def last_activity(person: Person) -> date:
    """The latest date among what people_due_for_review annotated, for display."""
    candidates = [timezone.localtime(person.modified_at).date()]
    if getattr(person, "last_mission_end", None):
        candidates.append(person.last_mission_end)
    if getattr(person, "last_meeting_as_counterpart", None):
        candidates.append(timezone.localtime(person.last_meeting_as_counterpart).date())
    if person.user_id and person.user.last_login:
        candidates.append(timezone.localtime(person.user.last_login).date())
    return max(candidates)


def find_people(query: str, *, limit: int = 50) -> QuerySet[Person]:
    """People a subject-access request may be about, merged-away duplicates included: the directory's
    name search (either script, readings, close spellings) plus any part of the email; every arm is an index scan,
    so a manager's search stays fast among a million people."""
    query = query.strip()
    pool = search.candidates(Person.objects.all(), query, limit=limit, include_merged=True) or []
    if len(query) >= 3 and " " not in query:
        pool.append(Person.objects.filter(email__icontains=query).order_by().values("pk")[:limit])
    if not pool:
        return Person.objects.none()
    found = Person.objects.filter(pk__in=pool[0].union(*pool[1:]))
    return search.rank(found, query).select_related("organisation")[:limit]
