"""Hostile input and where it is shown: the registry the hostile-input tests walk.

To cover a new page, add it to PAGES (who opens it, and its URL from the `world`
fixture); to cover a new text field, add it to FIELDS (which record, which field,
and the PAGES keys that show it).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.urls import reverse

from followups.models import Testimonial

SCRIPT = '<script>window.__xss=1;alert("xss")</script><img src=x id=xss onerror="window.__xss=1;alert(1)">'
TEMPLATE = "{{ 7|add:1 }} {% now 'Y' %} {% csrf_token %} {{ request.user.password }}"
RTL = "\u202eevil.exe\u202c Sato \u2067مرحبا\u2069 \u200f"
EMOJI = "👩\u200d🔬 Dr Sato 🧬🇯🇵 佐藤"
LONG_LENGTH = 10_000


def long_text(length: int = LONG_LENGTH) -> str:
    """One unbroken word (the worst case for the layout), marked at both ends."""
    return "BEGIN" + "x" * (length - len("BEGIN") - len("END")) + "END"


PAYLOADS = {
    "script": SCRIPT,
    "template": TEMPLATE,
    "rtl": RTL,
    "emoji": EMOJI,
    "long": long_text(),
}


@dataclass(frozen=True)
class Page:
    persona: str
    url: Callable[[object], str]


PAGES: dict[str, Page] = {
    "mission-list": Page("alice", lambda w: reverse("events:mission-list")),
    "mission-detail": Page("dave", lambda w: reverse("events:mission-detail", args=[w.mission_a.pk])),
    "mission-history": Page("alice", lambda w: reverse("events:mission-history", args=[w.mission_a.pk])),
    "event-history": Page("alice", lambda w: reverse("events:event-history", args=[w.event.pk])),
    "my-followups": Page("dave", lambda w: reverse("followups:my-followups")),
    "followup-history": Page("dave", lambda w: reverse("followups:followup-history", args=[w.followup.pk])),
    "outcome-history": Page("alice", lambda w: reverse("followups:outcome-history", args=[w.outcome.pk])),
    "privacy-person": Page("mary", lambda w: reverse("followups:privacy-person", args=[w.person.pk])),
    "privacy-search": Page("mary", lambda w: reverse("followups:privacy-retention") + "?q=Ken"),
}


def _testimonial(world):
    testimonial = getattr(world, "testimonial", None)
    if testimonial is None:
        testimonial = world.testimonial = Testimonial.objects.create(
            mission=world.mission_a, person=world.person, attribution="Ken Sato, Takeda", quote="A superb delegation."
        )
    return testimonial


@dataclass(frozen=True)
class Field:
    record: Callable[[object], models.Model]
    name: str
    pages: tuple[str, ...]
    exports: tuple[str, ...] = ()

    def value(self, record, payload: str) -> str:
        """The payload, cut to the field's maximum length (a 10 000-character text goes in whole)."""
        max_length = record._meta.get_field(self.name).max_length
        return payload[:max_length] if max_length else payload


SAR = ("followups:privacy-export-json", "followups:privacy-export-csv")

FIELDS: dict[str, Field] = {
    "mission title": Field(lambda w: w.mission_a, "title", ("mission-list", "mission-detail", "mission-history")),
    "mission programme": Field(lambda w: w.mission_a, "programme", ("mission-detail", "mission-history")),
    "mission city": Field(lambda w: w.mission_a, "destination_city", ("mission-list", "mission-detail")),
    "event title": Field(lambda w: w.event, "title", ("mission-detail", "event-history")),
    "event venue": Field(lambda w: w.event, "venue", ("mission-detail", "event-history")),
    "event description": Field(lambda w: w.event, "description", ("event-history",)),
    "delegate given name": Field(lambda w: w.dave_delegate.person, "given_name", ("mission-detail",)),
    "delegate native name": Field(lambda w: w.dave_delegate.person, "name_native", ("mission-detail",)),
    "person family name": Field(lambda w: w.person, "family_name", ("privacy-person",), SAR),
    "person job title": Field(lambda w: w.person, "job_title", ("privacy-person",), SAR),
    "consent source": Field(lambda w: w.person, "consent_source", ("privacy-person",), SAR),
    "organisation name": Field(lambda w: w.organisation, "name", ("my-followups", "privacy-person")),
    "organisation native name": Field(lambda w: w.organisation, "name_native", ("my-followups",)),
    "follow-up title": Field(lambda w: w.followup, "title", ("my-followups", "followup-history")),
    "follow-up details": Field(lambda w: w.followup, "details", ("followup-history",)),
    "outcome title": Field(lambda w: w.outcome, "title", ("outcome-history",)),
    "outcome description": Field(lambda w: w.outcome, "description", ("outcome-history",)),
    "testimonial quote": Field(_testimonial, "quote", (), SAR),
}


def store(world, field: Field, payload: str) -> str:
    record = field.record(world)
    value = field.value(record, payload)
    setattr(record, field.name, value)
    record.save()
    return value
