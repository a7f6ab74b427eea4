"""The fields of each kind of import, and which column of a file feeds which field: guessed from
the headers (English or Japanese), remembered from the last import, checked for what is missing."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..models import ImportJob, Mission


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    required: bool = False
    synonyms: tuple[str, ...] = ()
    help: str = ""


_PERSON_FIELDS = [
    Field("honorific", "Title", synonyms=("honorific", "salutation", "title", "敬称")),
    Field("given_name", "Given name", synonyms=("first name", "forename", "given name", "firstname", "名")),
    Field("family_name", "Family name", synonyms=("last name", "surname", "family name", "lastname", "姓")),
    Field("email", "Email", synonyms=("email", "e-mail", "email address", "mail", "メール", "メールアドレス")),
    Field("job_title", "Job title", synonyms=("job title", "position", "job", "役職")),
    Field("phone", "Phone", synonyms=("phone", "telephone", "tel", "mobile", "電話", "電話番号")),
]

FIELDS: dict[str, list[Field]] = {
    ImportJob.Kind.DELEGATES: [
        *_PERSON_FIELDS[:3],
        Field(
            "name_native",
            "Name in native script",
            synonyms=(
                "name in japanese",
                "name japanese",
                "japanese name",
                "native name",
                "name native",
                "氏名",
                "漢字",
            ),
        ),
        *_PERSON_FIELDS[3:],
        Field("organisation", "Organisation", synonyms=("organisation", "organization", "company", "institution")),
        Field(
            "organisation_native",
            "Organisation in native script",
            synonyms=(
                "organisation in japanese",
                "company name in japanese",
                "company name japanese",
                "company japanese",
                "所属",
                "会社名",
            ),
        ),
        Field("role", "Role on the mission", synonyms=("role", "delegate role"), help="Lead, organiser, delegate, …"),
    ],
    ImportJob.Kind.CONTACTS: [
        Field("organisation", "Organisation", synonyms=("organisation", "organization", "company", "institution")),
        Field(
            "organisation_native",
            "Organisation in native script",
            synonyms=(
                "organisation in japanese",
                "organisation japanese",
                "company name in japanese",
                "company name japanese",
                "company japanese",
                "会社名",
                "企業名",
                "組織名",
            ),
        ),
        Field("kind", "Kind of organisation", synonyms=("kind", "type", "organisation type", "category")),
        Field("country", "Country", synonyms=("country", "国", "国名")),
        Field("city", "City", synonyms=("city", "town", "市", "都市")),
        Field("website", "Website", synonyms=("website", "web", "url", "web site", "ウェブサイト")),
        *_PERSON_FIELDS[:3],
        Field(
            "name_native",
            "Person's name in native script",
            synonyms=("name in japanese", "name japanese", "japanese name", "氏名", "native name"),
        ),
        *_PERSON_FIELDS[3:],
    ],
    ImportJob.Kind.MEETINGS: [
        Field("date", "Date", required=True, synonyms=("date", "day", "meeting date", "日付", "日程")),
        Field(
            "time",
            "Time",
            synonyms=(
                "time",
                "slot",
                "start time",
                "time slot",
                "start",
                "時間",
                "時刻",
                "開始",
                "開始時間",
                "開始時刻",
                "開始日時",
            ),
            help="A start time or a range such as 10:00–10:30; may be left out if the date column has times.",
        ),
        Field("table", "Table or room", synonyms=("table", "room", "location", "booth", "テーブル", "場所")),
        Field(
            "end",
            "End time",
            synonyms=("end", "end time", "finish", "finish time", "ends", "終了", "終了時間", "終了時刻", "終了日時"),
            help="When the meeting ends: its duration.",
        ),
        Field(
            "delegates",
            "Our delegate(s)",
            synonyms=("our delegate", "delegate", "delegates", "our delegates", "attendee", "requester"),
            help="Names as on the mission's delegate list; several separated by ; or /. "
            "Not needed for a two-sided export (Participant A / B).",
        ),
        Field("company", "Company", synonyms=("company", "organisation", "organization", "counterpart", "partner")),
        Field(
            "company_native",
            "Company name in Japanese",
            synonyms=(
                "company name in japanese",
                "company name japanese",
                "company japanese",
                "japanese company name",
                "会社名",
                "企業名",
                "社名",
            ),
        ),
        Field("contact", "Contact person", synonyms=("contact person", "contact", "participant", "担当者", "氏名")),
        Field("status", "Status", synonyms=("status", "state", "ステータス", "状態")),
        Field("duration", "Duration (minutes)", synonyms=("duration", "length", "minutes")),
        Field("event", "Event", synonyms=("event", "session"), help="The event's title on this mission."),
        Field("topic", "Topic", synonyms=("topic", "subject", "agenda", "議題")),
        Field("notes", "Notes", synonyms=("notes", "comments", "memo", "備考")),
        *(
            spec
            for side in "AB"
            for spec in (
                Field(
                    f"participant_{side.lower()}",
                    f"Participant {side}",
                    synonyms=(f"participant {side}", f"person {side}", f"name {side}", f"参加者{side}", f"氏名{side}"),
                    help="Two-sided exports: one side is ours, the other the counterpart.",
                ),
                Field(
                    f"organisation_{side.lower()}",
                    f"Organisation {side}",
                    synonyms=(
                        f"organisation {side}",
                        f"organization {side}",
                        f"company {side}",
                        f"組織{side}",
                        f"会社{side}",
                        f"会社名{side}",
                        f"所属{side}",
                    ),
                ),  # fmt: skip
                Field(f"country_{side.lower()}", f"Country {side}", synonyms=(f"country {side}", f"国{side}")),
            )
        ),
    ],
}
TWO_SIDED = ("participant_a", "organisation_a", "participant_b", "organisation_b")
# How far before the first or after the last day of the mission a meeting may be: a wrong year
# or month is a typo, a follow-up call the week after is not.
MEETING_MARGIN_DAYS = 3


def fields_for(kind: str) -> list[Field]:
    return FIELDS[kind]


def _normalise_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\W_]+", "", text)


def guess_mapping(kind: str, headers: list[str], remembered: dict | None = None) -> dict[str, str]:
    """Field -> header: a remembered mapping where its columns exist, else a guess from the header names."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for name, header in (remembered or {}).items():
        if header in headers and header not in used and name in {f.name for f in FIELDS[kind]}:
            mapping[name] = header
            used.add(header)
    normalised = {header: _normalise_header(header) for header in headers}
    for exact in (True, False):
        for spec in FIELDS[kind]:
            if spec.name in mapping:
                continue
            candidates = {_normalise_header(s) for s in (spec.name, spec.label, *spec.synonyms)}
            for header, norm in normalised.items():
                if header in used or not norm:
                    continue
                hit = norm in candidates if exact else any(len(c) > 3 and c in norm for c in candidates)
                if hit:
                    mapping[spec.name] = header
                    used.add(header)
                    break
    if kind == ImportJob.Kind.MEETINGS and "date" not in mapping and "time" in mapping:
        # Platforms write "Start: 2026-12-02 10:00" and no date column: the date column holds the times.
        mapping["date"] = mapping.pop("time")
    return mapping


def is_two_sided(kind: str, *, headers: list[str], mapping: dict | None = None) -> bool:
    """Does the file list both sides of each meeting (Participant A / Organisation A, … B)?"""
    if kind != ImportJob.Kind.MEETINGS:
        return False
    mapping = mapping or guess_mapping(kind, headers)
    return all(mapping.get(name) for name in ("organisation_a", "organisation_b"))


def remembered_mapping(*, kind: str, mission: Mission | None, user) -> dict:
    """The mapping of the last import of this kind into this mission (contacts: by this user)."""
    jobs = ImportJob.objects.filter(kind=kind, mission=mission).exclude(mapping={})
    if mission is None:
        jobs = jobs.filter(uploaded_by=user)
    last = jobs.order_by("-created_at").values_list("mapping", flat=True).first()
    return last or {}


def mapping_problems(kind: str, mapping: dict) -> list[str]:
    problems = [f"Choose the column for “{f.label}”." for f in FIELDS[kind] if f.required and not mapping.get(f.name)]
    if kind == ImportJob.Kind.DELEGATES and not mapping.get("family_name"):
        problems.append("Choose the column for “Family name”.")
    if kind == ImportJob.Kind.CONTACTS and not (
        mapping.get("organisation") or mapping.get("organisation_native") or mapping.get("family_name")
    ):
        problems.append("Choose a column for the organisation or for the person's family name.")
    two_sided = kind == ImportJob.Kind.MEETINGS and all(mapping.get(name) for name in TWO_SIDED)
    if kind == ImportJob.Kind.MEETINGS and not two_sided:
        if any(mapping.get(name) for name in TWO_SIDED):
            missing = [spec.label for spec in FIELDS[kind] if spec.name in TWO_SIDED and not mapping.get(spec.name)]
            problems.append(f"A two-sided export needs all four columns: choose {', '.join(missing)}.")
        if not mapping.get("delegates"):
            problems.append("Choose the column for “Our delegate(s)”.")
        if not (mapping.get("company") or mapping.get("company_native")):
            problems.append("Choose the column for “Company” or “Company name in Japanese”.")
    columns = [header for header in mapping.values() if header]
    for header in sorted({h for h in columns if columns.count(h) > 1}):
        problems.append(f"The column “{header}” is chosen for more than one field.")
    return problems
