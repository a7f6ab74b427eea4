"""Hostile input and where it is shown: the registry the hostile-input tests walk.

To cover a new page, add it to PAGES (who opens it, and its URL from the `world`
fixture); to cover a new text field, add it to FIELDS (which record, which field,
the PAGES keys that show it, and the exports that carry it). A text field shown
nowhere goes in NOT_RENDERED with the reason; `test_every_text_field_is_registered`
fails for a field in neither.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.urls import reverse

from contacts.models import Sector, User
from followups.models import FollowUpNote, Testimonial

SCRIPT = '<script>window.__xss=1;alert("xss")</script><img src=x id=xss onerror="window.__xss=1;alert(1)">'
TEMPLATE = "{{ 7|add:1 }} {% now 'Y' %} {% csrf_token %} {{ request.user.password }}"
RTL = "\u202eevil.exe\u202c Sato \u2067مرحبا\u2069 \u200f"
EMOJI = "👩\u200d🔬 Dr Sato 🧬🇯🇵 佐藤"
# What a spreadsheet would evaluate if a cell started with it (exports only: pages show it as text).
FORMULA = '=HYPERLINK("//evil.example","x")'
LONG_LENGTH = 10_000


def long_text(length: int = LONG_LENGTH, tag: str = "") -> str:
    """One unbroken word (the worst case for the layout), marked at both ends."""
    head = "BEGIN" + tag
    return head + "x" * (length - len(head) - len("END")) + "END"


PAYLOADS = {
    "script": SCRIPT,
    "template": TEMPLATE,
    "rtl": RTL,
    "emoji": EMOJI,
    "long": long_text(),
}
EXPORT_PAYLOADS = {**PAYLOADS, "formula": FORMULA}


@dataclass(frozen=True)
class Page:
    persona: str
    url: Callable[[object], str]


def _report_url(w):
    return reverse("followups:mission-report", args=[w.mission_a.pk])


PAGES: dict[str, Page] = {
    "mission-list": Page("alice", lambda w: reverse("events:mission-list")),
    "mission-detail": Page("dave", lambda w: reverse("events:mission-detail", args=[w.mission_a.pk])),
    "mission-edit": Page("alice", lambda w: reverse("events:mission-edit", args=[w.mission_a.pk])),
    "mission-history": Page("alice", lambda w: reverse("events:mission-history", args=[w.mission_a.pk])),
    "roster": Page("alice", lambda w: reverse("events:delegate-list", args=[w.mission_a.pk])),
    "event-detail": Page("dave", lambda w: reverse("events:event-detail", args=[w.event.pk])),
    "event-edit": Page("alice", lambda w: reverse("events:event-edit", args=[w.event.pk])),
    "event-history": Page("alice", lambda w: reverse("events:event-history", args=[w.event.pk])),
    "meeting-list": Page("dave", lambda w: reverse("meetings:list") + f"?mission={w.mission_a.pk}"),
    "meeting-detail": Page("dave", lambda w: reverse("meetings:detail", args=[w.meeting.pk])),
    "meeting-edit": Page("dave", lambda w: reverse("meetings:edit", args=[w.meeting.pk])),
    "enquiry-list": Page("dave", lambda w: reverse("meetings:enquiry-list") + f"?mission={w.mission_a.pk}"),
    "organisation-list": Page("dave", lambda w: reverse("contacts:organisation-list")),
    "organisation-detail": Page("dave", lambda w: reverse("contacts:organisation-detail", args=[w.organisation.pk])),
    "organisation-update": Page("alice", lambda w: reverse("contacts:organisation-update", args=[w.organisation.pk])),
    "organisation-merge-compare": Page(
        "alice",
        lambda w: reverse("contacts:organisation-merge-compare", args=[w.organisation.pk, w.other_organisation.pk]),
    ),
    "person-list": Page("dave", lambda w: reverse("contacts:person-list")),
    "person-detail": Page("dave", lambda w: reverse("contacts:person-detail", args=[w.person.pk])),
    "person-update": Page("alice", lambda w: reverse("contacts:person-update", args=[w.person.pk])),
    "person-merge-compare": Page(
        "alice", lambda w: reverse("contacts:person-merge-compare", args=[w.person.pk, w.other_person.pk])
    ),
    "my-followups": Page("dave", lambda w: reverse("followups:my-followups")),
    "followup-detail": Page("dave", lambda w: reverse("followups:followup-detail", args=[w.followup.pk])),
    "followup-history": Page("dave", lambda w: reverse("followups:followup-history", args=[w.followup.pk])),
    "mission-followups": Page("alice", lambda w: reverse("followups:mission-followups", args=[w.mission_a.pk])),
    "mission-outcomes": Page("alice", lambda w: reverse("followups:mission-outcomes", args=[w.mission_a.pk])),
    "outcome-edit": Page("alice", lambda w: reverse("followups:outcome-edit", args=[w.outcome.pk])),
    "outcome-history": Page("alice", lambda w: reverse("followups:outcome-history", args=[w.outcome.pk])),
    "mission-reminders": Page("alice", lambda w: reverse("followups:mission-reminders", args=[w.mission_a.pk])),
    "mission-report": Page("alice", _report_url),
    "privacy-person": Page("mary", lambda w: reverse("followups:privacy-person", args=[w.person.pk])),
    "privacy-search": Page("mary", lambda w: reverse("followups:privacy-retention") + "?q=Ken"),
    "users-list": Page("mary", lambda w: reverse("users:list")),
    "users-detail": Page("mary", lambda w: reverse("users:detail", args=[_account(w).pk])),
}

# Forms whose inputs hold hostile values: submitted back unchanged, they must save every value unchanged.
FORMS = (
    "meeting-edit", "event-edit", "mission-edit", "outcome-edit", "organisation-update", "person-update", "users-detail",
)  # fmt: skip


def prepare(world):
    """Link the `world` objects the way real use does, so that every field has a page to show up on:
    the person met at the meeting and asking at the stand, an outcome with its organisation, a note
    on the follow-up, an approved quote, a sector."""
    if getattr(world, "prepared", False):
        return world
    world.prepared = True
    world.meeting.counterpart_people.add(world.person)
    world.outcome.organisations.add(world.organisation)
    world.outcome.followup = world.followup
    world.outcome.save()
    world.enquiry.person = world.person
    world.enquiry.assigned_to = world.dave_delegate
    world.enquiry.save()
    # Pickers show what is picked (not every record): the counterparts speak at and co-host the event,
    # the organisation leads the mission.
    world.event.speakers.add(world.person, world.dave_delegate.person)
    world.event.co_hosts.add(world.organisation)
    world.mission_a.lead_organisations.add(world.organisation)
    world.sector = Sector.objects.create(name="Regenerative medicine")
    world.organisation.sectors.add(world.sector)
    world.meeting.sectors.add(world.sector)
    world.note = FollowUpNote.objects.create(followup=world.followup, author=world.dave, text="Called them.")
    world.testimonial = Testimonial.objects.create(
        mission=world.mission_a,
        person=world.person,
        attribution="Ken Sato, Takeda",
        quote="A superb delegation.",
        approved=True,
    )
    _account(world)
    return world


def _account(world):
    """An account of its own for the Users pages (the personas' usernames must keep signing in)."""
    if getattr(world, "account", None) is None:
        world.account = User.objects.create_user(
            username="kenji", email="kenji@example.jp", first_name="Kenji", last_name="Mori", role=User.Role.ORGANISER
        )
    return world.account


@dataclass(frozen=True)
class Field:
    record: Callable[[object], models.Model]
    name: str
    pages: tuple[str, ...]
    exports: tuple[str, ...] = ()

    def max_length(self, record) -> int | None:
        return record._meta.get_field(self.name).max_length

    def value(self, record, payload: str, tag: str = "") -> str:
        """The payload marked with `tag` (so that a page showing several fields says which is missing),
        cut to the field's maximum length; a 10 000-character text goes in whole."""
        if payload == "long":
            text = long_text(tag=tag)
        elif payload == "formula":
            text = f"{FORMULA} {tag}"  # the formula must stay first in the cell
        else:
            text = tag + EXPORT_PAYLOADS[payload]
        limit = self.max_length(record)
        return text[:limit] if limit else text


SAR = ("followups:privacy-export-json", "followups:privacy-export-csv")
REPORT = ("csv", "xlsx", "pdf")
# The PDF's detailed tables keep their main columns only; the long texts are in the spreadsheets.
SPREADSHEETS = ("csv", "xlsx")

# Pages that show an organisation's names (as a counterpart, in choices, in the directory).
_ORG_PAGES = (
    "meeting-list", "meeting-detail", "meeting-edit", "enquiry-list", "organisation-list", "organisation-detail",
    "organisation-update", "organisation-merge-compare", "person-detail", "person-update", "person-merge-compare",
    "event-edit", "mission-edit", "followup-detail", "my-followups", "mission-followups", "mission-outcomes",
    "outcome-edit", "privacy-person", "outcome-history",
)  # fmt: skip
_ORG_DETAIL = ("organisation-detail", "organisation-update", "organisation-merge-compare")
# Pages that show a counterpart's name (met at the meeting, asked at the stand, in the directory).
_PERSON_NAME_PAGES = (
    "meeting-detail", "meeting-edit", "organisation-detail", "person-list", "person-detail", "person-update",
    "person-merge-compare", "event-edit", "followup-detail", "my-followups", "mission-followups", "privacy-person",
)  # fmt: skip
_PERSON_DETAIL = ("person-detail", "person-update", "person-merge-compare", "privacy-person")
# Pages that show a delegate's name (rosters, who met whom, who follows up).
_DELEGATE_NAME_PAGES = (
    "meeting-list", "meeting-detail", "meeting-edit", "enquiry-list", "organisation-detail", "person-list",
    "person-detail", "event-edit", "mission-detail", "followup-detail", "mission-followups", "mission-outcomes",
    "roster", "mission-reminders", "mission-report", "followup-history",
)  # fmt: skip
_MISSION_TITLE_PAGES = (
    "meeting-list", "meeting-detail", "meeting-edit", "enquiry-list", "organisation-list", "organisation-detail",
    "person-list", "person-detail", "event-detail", "event-edit", "mission-edit", "mission-detail", "mission-list",
    "followup-detail", "my-followups", "mission-followups", "mission-outcomes", "outcome-edit", "roster",
    "mission-reminders", "mission-report", "mission-history", "event-history", "followup-history",
    "outcome-history",
)  # fmt: skip
_EVENT_TITLE_PAGES = (
    "meeting-list", "meeting-detail", "meeting-edit", "enquiry-list", "organisation-detail", "person-detail",
    "event-detail", "event-edit", "mission-detail", "followup-detail", "mission-report", "event-history",
)  # fmt: skip
_FOLLOWUP_TITLE_PAGES = (
    "meeting-detail", "organisation-detail", "person-detail", "followup-detail", "my-followups",
    "mission-followups", "mission-outcomes", "outcome-edit", "followup-history", "outcome-history",
)  # fmt: skip


def _org(w):
    return w.organisation


def _person(w):
    return w.person


def _delegate(w):
    return w.dave_delegate.person


FIELDS: dict[str, Field] = {
    # Organisations
    "organisation name": Field(_org, "name", _ORG_PAGES + ("person-list",), REPORT),
    "organisation native name": Field(_org, "name_native", _ORG_PAGES, REPORT),
    "organisation reading": Field(_org, "name_reading", _ORG_DETAIL),
    "organisation city": Field(_org, "city", _ORG_DETAIL + ("organisation-list",), REPORT),
    "organisation notes": Field(_org, "notes", _ORG_DETAIL),
    "organisation website": Field(_org, "website", _ORG_DETAIL),
    "sector name": Field(
        lambda w: w.sector,
        "name",
        (
            "meeting-list",
            "meeting-detail",
            "meeting-edit",
            "organisation-list",
            "organisation-detail",
            "organisation-update",
            "person-list",
            "mission-edit",
            "mission-report",
        ),  # fmt: skip
        REPORT,
    ),
    # People (a counterpart)
    "person honorific": Field(
        _person, "honorific", ("meeting-edit", "person-list", "event-edit", "followup-detail") + _PERSON_DETAIL, SAR
    ),
    "person given name": Field(_person, "given_name", _PERSON_NAME_PAGES, SAR),
    "person family name": Field(_person, "family_name", _PERSON_NAME_PAGES, SAR),
    "person native name": Field(_person, "name_native", _PERSON_NAME_PAGES, SAR),
    "person reading": Field(_person, "name_reading", _PERSON_DETAIL, SAR),
    "person job title": Field(
        _person,
        "job_title",
        ("meeting-detail", "organisation-detail", "person-list", "followup-detail") + _PERSON_DETAIL,
        SAR,
    ),  # fmt: skip
    "person email": Field(_person, "email", ("person-list",) + _PERSON_DETAIL, SAR),
    "person phone": Field(_person, "phone", _PERSON_DETAIL, SAR),
    "person languages": Field(_person, "languages", _PERSON_DETAIL, SAR),
    "consent source": Field(_person, "consent_source", ("privacy-person",), SAR),
    "consent notes": Field(_person, "consent_notes", ("privacy-person",), SAR),
    # People (a delegate)
    "delegate honorific": Field(_delegate, "honorific", ("person-list", "event-edit", "roster")),
    "delegate given name": Field(_delegate, "given_name", _DELEGATE_NAME_PAGES, REPORT),
    "delegate family name": Field(_delegate, "family_name", _DELEGATE_NAME_PAGES, REPORT),
    "delegate native name": Field(
        _delegate, "name_native", ("person-list", "event-edit", "mission-detail", "roster"), REPORT
    ),
    "delegate job title": Field(_delegate, "job_title", ("person-list",), REPORT),
    "delegate email": Field(_delegate, "email", ("person-list", "roster", "mission-reminders")),
    # Missions and events
    "mission title": Field(lambda w: w.mission_a, "title", _MISSION_TITLE_PAGES, REPORT),
    "mission programme": Field(
        lambda w: w.mission_a, "programme", ("mission-edit", "mission-detail", "mission-history")
    ),
    "mission city": Field(
        lambda w: w.mission_a,
        "destination_city",
        ("mission-edit", "mission-detail", "mission-list", "mission-history"),
        REPORT,
    ),  # fmt: skip
    "event title": Field(lambda w: w.event, "title", _EVENT_TITLE_PAGES, REPORT),
    "event venue": Field(
        lambda w: w.event, "venue", ("event-detail", "event-edit", "mission-detail", "event-history"), REPORT
    ),
    "event city": Field(
        lambda w: w.event,
        "city",
        ("event-detail", "event-edit", "mission-detail", "mission-report", "event-history"),
        REPORT,
    ),  # fmt: skip
    "event description": Field(lambda w: w.event, "description", ("event-detail", "event-edit", "event-history")),
    # Partnering meetings and stand enquiries
    "meeting table": Field(
        lambda w: w.meeting, "location", ("meeting-detail", "meeting-edit", "followup-detail"), SPREADSHEETS
    ),
    "meeting topic": Field(
        lambda w: w.meeting,
        "topic",
        (
            "meeting-list",
            "meeting-detail",
            "meeting-edit",
            "organisation-detail",
            "person-detail",
            "followup-detail",
            "followup-history",
            "outcome-history",
        ),  # fmt: skip
        REPORT,
    ),
    "meeting notes": Field(lambda w: w.meeting, "notes", ("meeting-detail", "meeting-edit")),
    "meeting next steps": Field(
        lambda w: w.meeting, "next_steps", ("meeting-detail", "meeting-edit", "followup-detail"), SPREADSHEETS
    ),
    "enquiry asker": Field(lambda w: w.enquiry, "asker_name", ("enquiry-list",)),
    "enquiry question": Field(lambda w: w.enquiry, "question", ("enquiry-list",)),
    # Follow-ups and outcomes
    "follow-up title": Field(lambda w: w.followup, "title", _FOLLOWUP_TITLE_PAGES, REPORT),
    "follow-up details": Field(lambda w: w.followup, "details", ("followup-detail", "followup-history")),
    "follow-up completion note": Field(
        lambda w: w.followup, "completion_note", ("followup-detail", "my-followups", "followup-history"), SPREADSHEETS
    ),
    "follow-up note": Field(lambda w: w.note, "text", ("followup-detail", "my-followups")),
    "outcome title": Field(
        lambda w: w.outcome,
        "title",
        (
            "organisation-detail",
            "person-detail",
            "followup-detail",
            "mission-outcomes",
            "outcome-edit",
            "outcome-history",
        ),  # fmt: skip
        REPORT,
    ),
    "outcome description": Field(lambda w: w.outcome, "description", ("outcome-edit", "outcome-history"), SPREADSHEETS),
    "testimonial quote": Field(lambda w: w.testimonial, "quote", ("mission-report",), SAR + REPORT),
    "testimonial attribution": Field(lambda w: w.testimonial, "attribution", ("mission-report",), REPORT),
    # User accounts (the manager's Users pages)
    "account first name": Field(_account, "first_name", ("users-list", "users-detail")),
    "account last name": Field(_account, "last_name", ("users-list", "users-detail")),
    "account username": Field(_account, "username", ("users-list", "users-detail")),
    "account email": Field(_account, "email", ("users-list", "users-detail")),
}

# Pages that show only the start of a text, with a link to the whole (the activity lists of the
# organisation and person pages cut next steps and enquiries), are not listed for that field: its
# pages are those that show all of it.

# Text fields of the models above that no page shows, and why.
NOT_RENDERED = {
    "contacts.User.password": "a hash, never shown",
    "events.Delegate.notes": "kept for the organisers in the admin; no page of the app shows it",
}


def store(world, field: Field, payload: str, tag: str = "") -> str:
    """Save the payload (a PAYLOADS key), marked with `tag`, in the field; returns the value saved."""
    record = field.record(world)
    return store_text(world, field, field.value(record, payload, tag))


def store_text(world, field: Field, text: str) -> str:
    record = field.record(world)
    limit = field.max_length(record)
    value = text[:limit] if limit else text
    setattr(record, field.name, value)
    record.save()
    return value


def tag_of(field_name: str) -> str:
    """A short mark, different for every field: F07: and the like."""
    return f"F{sorted(FIELDS).index(field_name):02d}:"


IMPORT_HEADER = ["Date", "Time", "Table", "Our delegate", "Company", "Company name in Japanese", "Contact person",
                 "Topic", "Notes"]  # fmt: skip
IMPORT_NAME = '<img src=x id=xss onerror="window.__xss=1">{{ 7|add:1 }}.csv'


def import_rows(world) -> list[list[str]]:
    """A partnering-platform meeting list with a hostile value in every free-text column, one row per payload."""
    day = world.mission_a.start_date.isoformat()
    delegate = world.dave_delegate.person.full_name
    rows = []
    for i, (name, text) in enumerate(PAYLOADS.items()):
        short = text[:90] if name == "long" else text
        notes = long_text(tag=f"R{i}") if name == "long" else f"R{i} {text}"
        rows.append([day, f"{10 + i}:00", f"T{i} {short}"[:100], delegate, f"R{i} {short}"[:200], short[:200],
                     f"R{i} {short}"[:100], f"R{i} {short}"[:300], notes])  # fmt: skip
    return rows


def hostile_import(world, client) -> object:
    """Upload the hostile meeting list as alice and map its columns: returns the job, ready for its preview."""
    import csv
    import io
    import re

    from django.core.files.uploadedfile import SimpleUploadedFile

    from events.models import ImportJob

    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([IMPORT_HEADER, *import_rows(world)])
    upload = SimpleUploadedFile(IMPORT_NAME, buffer.getvalue().encode(), content_type="text/csv")
    start = reverse("events:import-start", kwargs={"pk": world.mission_a.pk, "kind": "meetings"})
    response = client.post(start, {"file": upload, "encoding": "auto"})
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.get(pk=int(re.search(r"/imports/(\d+)/columns/", response.url).group(1)))
    mapping_url = reverse("events:import-mapping", kwargs={"job_pk": job.pk})
    page = client.get(mapping_url).content.decode()
    data = {}
    for name, body in re.findall(r'<select name="([a-z_]+)"[^>]*>(.*?)</select>', page, re.S):
        selected = re.search(r'<option value="([^"]*)" selected>', body)
        data[name] = selected.group(1) if selected else ""
    for tag in re.findall(r'<input[^>]*type="radio"[^>]*checked[^>]*>', page):  # as a browser sends them
        data[re.search(r'name="([^"]+)"', tag).group(1)] = re.search(r'value="([^"]*)"', tag).group(1)
    response = client.post(mapping_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return job
