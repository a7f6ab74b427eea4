"""What each row of a file would create or match, without writing: the plan the preview shows and
the import executes."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db.models import Q
from django.db.models.functions import Lower

from contacts.identity.names import fold_vowels, latin_words, organisation_keys, query_keys
from contacts.identity.resolver import resolve_organisation, resolve_organisations
from contacts.models import Organisation, Person
from contacts.search import reading_words

from ..models import Delegate
from .files import Table, cell_text
from .values import has_japanese, native_key, normalise_name, parse_choice, parse_country


@dataclass(eq=False)
class Planned:
    """An organisation, person, delegate or meeting a row refers to: existing, or to create."""

    kind: str  # "organisation", "person", "delegate", "meeting"
    existing: object | None = None
    values: dict = field(default_factory=dict)
    first_row: int = 0
    obj: object | None = None  # set by the executor once created (or to `existing`)

    @property
    def is_new(self) -> bool:
        return self.existing is None

    def label(self) -> str:
        v = self.values
        if v.get("label"):
            return v["label"]
        if self.existing is not None:
            return str(self.existing)
        if self.kind == "organisation":
            native = v.get("name_native") if v.get("name_native") != v.get("name") else ""
            return " ".join(p for p in [v.get("name"), f"({native})" if native else ""] if p)
        if self.kind == "person":
            parts = [v.get("given_name"), v.get("family_name")]
            if v.get("name_order") == Person.NameOrder.FAMILY_FIRST:
                parts.reverse()  # 田中 裕子 stays 田中 裕子
            name = " ".join(p for p in parts if p)
            if v.get("name_native"):
                return (
                    v["name_native"]
                    if native_key(v["name_native"]) == native_key(name)
                    else f"{name} ({v['name_native']})"
                )
            return name
        return v.get("label", "")


@dataclass
class RowPlan:
    number: int
    cells: dict[str, str]  # mapped field -> text, for the preview
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)  # kind -> why this row matched an existing record
    # Names of our side that are nobody on the mission's delegate list, and the organisation of our
    # side if it is one we have: the preview offers to add them to the mission.
    unknown_delegates: list[str] = field(default_factory=list)
    our_organisation: Organisation | None = None
    organisation: Planned | None = None
    person: Planned | None = None
    delegate: Planned | None = None
    meeting: Planned | None = None
    meeting_delegates: list[Delegate] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def planned(self) -> list[Planned]:
        return [p for p in (self.organisation, self.person, self.delegate, self.meeting) if p is not None]

    @property
    def planned_with_reasons(self) -> list[tuple[Planned, str]]:
        """What the row refers to, each with why this row's name matched an existing record."""
        return [(p, self.reasons.get(p.kind, "") if p.existing is not None else "") for p in self.planned]

    @property
    def creates(self) -> list[Planned]:
        """What this row would create that no earlier row creates."""
        return [p for p in self.planned if p.is_new and p.first_row == self.number]

    @property
    def outcome(self) -> str:
        if self.errors:
            return "error"
        return "new" if self.creates else "existing"


@dataclass
class Plan:
    kind: str
    rows: list[RowPlan]

    @property
    def error_rows(self) -> list[RowPlan]:
        return [r for r in self.rows if r.errors]

    @property
    def ok_rows(self) -> list[RowPlan]:
        return [r for r in self.rows if not r.errors]

    def row(self, number: int) -> RowPlan | None:
        return next((row for row in self.rows if row.number == number), None)

    def new_organisation_on(self, number: int) -> Planned | None:
        """The organisation first named on row ``number`` that the import would create."""
        for row in self.rows:
            if row.number == number:
                planned = row.organisation
                return planned if planned is not None and planned.is_new and planned.first_row == number else None
        return None

    def counts(self) -> dict[str, int]:
        return {
            "rows": len(self.rows),
            "errors": len(self.error_rows),
            "new": sum(1 for r in self.rows if r.outcome == "new"),
            "existing": sum(1 for r in self.rows if r.outcome == "existing"),
        }

    def totals(self) -> dict[str, dict[str, int]]:
        """Per kind of record: how many new and existing ones the good rows refer to."""
        seen: set[int] = set()
        totals: dict[str, dict[str, int]] = defaultdict(lambda: {"new": 0, "existing": 0})
        for row in self.ok_rows:
            for planned in row.planned:
                if id(planned) in seen:
                    continue
                seen.add(id(planned))
                totals[planned.kind]["new" if planned.is_new else "existing"] += 1
        return dict(totals)


class Directory:
    """Existing organisations and people named in the file, loaded in a constant number of queries,
    plus what earlier rows of the same file will create."""

    def __init__(self, *, org_names: set[tuple[str, str]], emails: set[str], family_names: set[str], natives: set[str]):
        # Which organisation each name in the file is: the one resolver every page uses.
        self.resolved = resolve_organisations(org_names)
        self.existing_orgs: dict[int, Planned] = {}
        self.new_orgs: dict[str, Planned] = {}  # identity key -> organisation an earlier row creates
        self.people_by_email: dict[str, Planned] = {}
        self.people_by_name: dict[str, list[Planned]] = defaultdict(list)
        people: list[Person] = []
        query = Q()
        if emails:
            query |= Q(lemail__in=emails)
        if family_names:
            query |= Q(lfamily__in=family_names)
        if natives:
            query |= Q(name_native__in=natives)
        if query:
            people = (
                Person.objects.filter(merged_into__isnull=True)
                .annotate(lemail=Lower("email"), lfamily=Lower("family_name"))
                .filter(query)
                .select_related("organisation")
                .order_by("pk")
            )
        for person in people:
            planned = Planned("person", existing=person)
            if person.email:
                self.people_by_email.setdefault(person.email.casefold(), planned)
            for key in self._person_keys(person.given_name, person.family_name, person.name_native):
                self.people_by_name[key].append(planned)

    @staticmethod
    def _person_keys(given: str, family: str, native: str) -> set[str]:
        keys = set()
        if family:
            keys.add(normalise_name(f"{given} {family}"))
            keys.add(normalise_name(f"{family} {given}"))
        if native:
            keys.add(native_key(native))
        # Across scripts, by the family name's reading: someone known only as 佐藤 健 ("rj:") and
        # someone known only as Ken Sato ("rl:"). Given names are left out: 健 is Ken, Takeshi or
        # Tsuyoshi. A lookup of one script meets the other only (_across), never two Japanese names
        # (佐藤 健 and 佐藤 謙 read alike and are two people), and person() accepts such a match only
        # within the row's organisation.
        if has_japanese(native or family) and not latin_words(f"{given} {family}"):
            keys.add("rj:" + " ".join(reading_words(family or native.split()[0])))
        elif family and not native and not has_japanese(f"{given} {family}"):
            keys.add("rl:" + " ".join(fold_vowels(w) for w in latin_words(family)))
        return keys - {"", "rj:", "rl:"}

    @staticmethod
    def _across(keys: set[str]) -> set[str]:
        """A person's reading keys as the other script's: "rj:sato" looks up "rl:sato" and back."""
        swap = {"rj:": "rl:", "rl:": "rj:"}
        return {swap[key[:3]] + key[3:] for key in keys if key[:3] in swap}

    @staticmethod
    def _as_written(keys: set[str]) -> set[str]:
        return {key for key in keys if key[:3] not in ("rj:", "rl:")}

    def _existing_org(self, organisation: Organisation) -> Planned:
        return self.existing_orgs.setdefault(organisation.pk, Planned("organisation", existing=organisation))

    def organisation(self, row: RowPlan, *, name: str, name_native: str, defaults: dict) -> Planned:
        pair = (name, name_native)
        resolutions = self.resolved[pair] if pair in self.resolved else resolve_organisation(*pair)
        if resolutions:
            row.reasons["organisation"] = resolutions[0].reason
            if len(resolutions) > 1:
                others = "; ".join(str(r.organisation) for r in resolutions[1:3])
                row.notes.append(f"“{name or name_native}” could also be {others}: check it is the right one.")
            return self._existing_org(resolutions[0].organisation)
        for key in query_keys(name, name_native):
            if key in self.new_orgs:
                return self.new_orgs[key]
        # Written as people expect to read it: full-width katakana and half-width Latin (ｺｳﾍﾞ -> コウベ,
        # ＣＨＵＧＡＩ -> CHUGAI), single spaces.
        name, name_native = (re.sub(r"\s+", " ", unicodedata.normalize("NFKC", v)).strip() for v in pair)
        if has_japanese(name) and not name_native:  # a Japanese name in the Latin column
            name_native = name
        planned = Planned(
            "organisation",
            values={"name": name or name_native, "name_native": name_native, **defaults},
            first_row=row.number,
        )
        for key in organisation_keys(name, name_native):
            self.new_orgs.setdefault(key, planned)
        return planned

    def person(self, row: int, values: dict, organisation: Planned | None, notes: list[str]) -> Planned:
        email = values.get("email", "").casefold()
        if email and email in self.people_by_email:
            return self.people_by_email[email]
        keys = self._person_keys(
            values.get("given_name", ""), values.get("family_name", ""), values.get("name_native", "")
        )
        candidates: list[Planned] = []
        for key in self._as_written(keys):
            candidates += [c for c in self.people_by_name.get(key, []) if c not in candidates]
        if not candidates and organisation is not None:
            by_reading = {id(c): c for key in self._across(keys) for c in self.people_by_name.get(key, [])}
            colleagues = [c for c in by_reading.values() if self._org_of(c) is organisation]
            if len(colleagues) == 1 and not (email and self._email_of(colleagues[0])):
                notes.append(f"{colleagues[0].label()} by the reading of the family name, at the same organisation.")
                return colleagues[0]
        if organisation is not None and len(candidates) > 1:
            same_org = [c for c in candidates if self._org_of(c) is organisation]
            candidates = same_org or candidates
        usable = [c for c in candidates if not email or not self._email_of(c)]
        if len(usable) == 1 and (organisation is None or self._org_of(usable[0]) in (None, organisation)):
            return usable[0]
        if candidates:
            names = "; ".join(c.label() for c in candidates[:3])
            notes.append(
                f"Possible duplicate of {names}: a new person is created because the email or organisation differs."
            )
        planned = Planned("person", values={**values, "organisation": organisation}, first_row=row)
        if email:
            self.people_by_email[email] = planned
        for key in keys:
            self.people_by_name[key].append(planned)
        return planned

    def _org_of(self, person: Planned) -> Planned | None:
        if person.existing is not None:
            org = person.existing.organisation
            if org is None:
                return None
            return self._existing_org(org)
        return person.values.get("organisation")

    @staticmethod
    def _email_of(person: Planned) -> str:
        return (person.existing.email if person.existing is not None else person.values.get("email", "")) or ""


def text_cells(table: Table, mapping: dict) -> list[tuple[int, dict, dict]]:
    index = {header: i for i, header in enumerate(table.headers)}
    out = []
    for number, cells in table.rows:
        raw = {name: cells[index[header]] for name, header in mapping.items() if header in index}
        text = {name: cell_text(value) for name, value in raw.items()}
        out.append((number, raw, text))
    return out


def check_person_values(text: dict, errors: list[str]) -> dict:
    values = {
        "honorific": text.get("honorific", "")[:40],
        "given_name": text.get("given_name", "")[:100],
        "family_name": text.get("family_name", "")[:100],
        "name_native": text.get("name_native", "")[:200],
        "job_title": text.get("job_title", "")[:200],
        "email": text.get("email", ""),
        "phone": text.get("phone", "")[:50],
    }
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            errors.append(f"“{values['email']}” is not an email address.")
    if values["name_native"] and has_japanese(values["name_native"]):
        values["name_order"] = Person.NameOrder.FAMILY_FIRST
    return values


def check_org_values(text: dict, errors: list[str], *, prefix: str = "organisation") -> dict:
    values: dict = {}
    if text.get("kind"):
        try:
            values["kind"] = parse_choice(text["kind"], Organisation.Kind.choices, "kind of organisation")
        except ValueError as error:
            errors.append(f"{error}.")
    if text.get("country"):
        try:
            values["country"] = parse_country(text["country"])
        except ValueError as error:
            errors.append(f"{error}.")
    if text.get("city"):
        values["city"] = text["city"][:100]
    if text.get("website"):
        url = text["website"] if "://" in text["website"] else f"https://{text['website']}"
        try:
            URLValidator()(url)
            values["website"] = url
        except ValidationError:
            errors.append(f"“{text['website']}” is not a web address.")
    return values
