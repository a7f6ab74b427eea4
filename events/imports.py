"""Reading and checking import files: delegates, contacts and partnering-meeting lists.

Nothing here writes. ``read_table`` turns the uploaded bytes into a header and
rows (CSV by content, in UTF-8 or an encoding the user chose; XLSX through
openpyxl in read-only mode). ``guess_mapping`` proposes which column feeds
which field. ``plan_import`` resolves every row against the database without
writing: per-row errors, and for each organisation, person, delegate or
meeting whether it already exists (matched on natural keys: name in either
script, email, the mission's delegate, the meeting's time and counterpart) or
will be created. The preview shows the plan; ``events.services`` executes a
fresh plan inside one transaction, so the same file imported twice creates
nothing new.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import time
import unicodedata
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db.models import Q
from django.db.models.functions import Lower
from django_countries import countries

from contacts.identity.names import organisation_keys, query_keys
from contacts.identity.resolver import resolve_organisation, resolve_organisations
from contacts.models import Organisation, Person

from .models import Delegate, Event, ImportJob, Mission, PartneringMeeting

# What one upload may cost, checked before and while it is parsed (each refusal says which).
MAX_ROWS = 50_000
MAX_COLUMNS = 200
MAX_CELLS = 2_000_000  # rows × columns
MAX_CELL_CHARS = 32_767  # the most Excel itself puts in a cell
MAX_INFLATED_BYTES = 64 * 1024 * 1024  # what an .xlsx (a ZIP) may unpack to, all parts together
MAX_READ_SECONDS = 20.0


class ImportFileError(Exception):
    """The file cannot be read; the message is shown to the user as is."""


# ---------------------------------------------------------------------------
# Reading the file


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list]]  # (row number as the user sees it in their spreadsheet, cells)
    file_format: str
    encoding: str = ""


ENCODING_CHOICES = [
    ("auto", "UTF-8 (recommended; detected automatically)"),
    ("shift_jis", "Shift_JIS (CSV saved by Japanese Excel)"),
    ("cp1252", "Windows-1252 (CSV saved by older Western Excel)"),
]
_CODECS = {
    "utf-8": "utf-8-sig",
    "utf-16": "utf-16",
    "utf-16-le": "utf-16-le",
    "utf-16-be": "utf-16-be",
    "shift_jis": "cp932",
    "cp1252": "cp1252",
}
_ENCODING_NAMES = {
    "shift_jis": "Shift_JIS",
    "cp1252": "Windows-1252",
    "utf-8": "UTF-8",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
}


class _Deadline:
    """Stops a parse that has run for longer than MAX_READ_SECONDS."""

    def __init__(self):
        self.ends = time.monotonic() + MAX_READ_SECONDS

    def check(self):
        if time.monotonic() > self.ends:
            raise ImportFileError(
                f"Reading this file took longer than {MAX_READ_SECONDS:.0f} seconds, so it was stopped. "
                "Split it into smaller files. Nothing was imported."
            )


def max_upload_bytes() -> int:
    return settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_table(data: bytes, *, encoding: str = "auto") -> Table:
    """The header row and data rows of a CSV or XLSX file, recognised by content."""
    if not data.strip():
        raise ImportFileError("The file is empty.")
    if len(data) > max_upload_bytes():
        raise ImportFileError(too_large_message(len(data)))
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            "This is an old Excel 97–2003 (.xls) workbook. Open it in Excel and save it as .xlsx "
            "(Excel Workbook) or as “CSV UTF-8”, then upload that."
        )
    if data.startswith(b"%PDF"):
        raise ImportFileError("This is a PDF. Upload a CSV file or an Excel workbook (.xlsx).")
    return _read_csv(data, encoding)


def too_large_message(size: int) -> str:
    return (
        f"The file is {size / 1024 / 1024:.1f} MB; the largest file you can import is "
        f"{settings.IMPORT_MAX_UPLOAD_MB} MB. Split it into smaller files."
    )


def _utf16_without_bom(data: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" for UTF-16 text saved without its byte-order mark
    (some exporters do): it decodes cleanly, has no NUL, has lines, and is at least
    partly ASCII (the commas, digits and emails of a CSV). None for anything else."""
    if b"\x00" not in data[:4096]:
        return None
    head = data[:4096] if len(data) >= 4096 else data[: len(data) - len(data) % 2]
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = head.decode(codec)
        except UnicodeDecodeError:
            continue
        ascii_share = sum(ch.isascii() for ch in text) / max(len(text), 1)
        if "\x00" not in text and ("\n" in text or len(head) == len(data)) and ascii_share >= 0.3:
            return codec
    return None


def _decode(data: bytes, encoding: str) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif encoding in ("auto", "utf-8") and (without_bom := _utf16_without_bom(data)):
        encoding = without_bom
    elif encoding == "auto":
        encoding = "utf-8"
    try:
        return data.decode(_CODECS[encoding]), encoding
    except (UnicodeDecodeError, KeyError):
        pass
    if encoding != "utf-8":
        raise ImportFileError(
            f"The file could not be read as {_ENCODING_NAMES.get(encoding, encoding)} either. "
            "Save it from Excel as “CSV UTF-8 (comma delimited)” or as an .xlsx workbook and upload it again."
        )
    if b"\x00" in data[:8192]:
        raise ImportFileError("This is not a CSV file or an Excel workbook (.xlsx).")
    guess = _guess_legacy_encoding(data)
    where = _first_bad_utf8_line(data)
    if guess == "shift_jis":
        raise ImportFileError(
            f"The file is not UTF-8 text (first unreadable character on line {where}): it looks like Shift_JIS, "
            "the encoding Japanese Excel uses for CSV. Choose “Shift_JIS” as the file's encoding and upload it "
            "again, or save it from Excel as “CSV UTF-8” or .xlsx. Nothing was imported."
        )
    raise ImportFileError(
        f"The file is not UTF-8 text (first unreadable character on line {where}): it looks like Windows-1252 "
        "(older Western Excel). Choose “Windows-1252” as the file's encoding and upload it again, or save it "
        "from Excel as “CSV UTF-8” or .xlsx. Nothing was imported."
    )


def _first_bad_utf8_line(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return data[: error.start].count(b"\n") + 1
    return 1


def _guess_legacy_encoding(data: bytes) -> str:
    """Shift_JIS when the bytes decode as it into mostly Japanese text, else Windows-1252."""
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError:
        return "cp1252"
    non_ascii = [ch for ch in text if ord(ch) > 127]
    japanese = [ch for ch in non_ascii if is_japanese(ch)]
    return "shift_jis" if non_ascii and len(japanese) >= 0.8 * len(non_ascii) else "cp1252"


def is_japanese(ch: str) -> bool:
    code = ord(ch)
    return (
        0x3040 <= code <= 0x30FF  # hiragana, katakana
        or 0x4E00 <= code <= 0x9FFF  # CJK ideographs
        or 0x3000 <= code <= 0x303F  # CJK punctuation
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
    )


def _read_csv(data: bytes, encoding: str) -> Table:
    deadline = _Deadline()
    text, used = _decode(data, encoding)
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    raw_rows = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            raw_rows.append(row)
            if len(raw_rows) % 1000 == 0:
                deadline.check()
            if len(raw_rows) > MAX_ROWS + 1:
                break
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise ImportFileError(_cell_too_long_message(reader.line_num)) from None
        raise ImportFileError(f"The CSV file could not be read: {error}.") from None
    return _table(raw_rows, "csv", used, deadline)


def _where(row_number: int, header: str = "") -> str:
    return f"row {row_number}" + (f", column “{header[:60]}”" if header else "")


def _cell_too_long_message(row_number: int, header: str = "") -> str:
    return (
        f"A cell ({_where(row_number, header)}) holds more than {MAX_CELL_CHARS:,} characters, more than Excel itself allows in a "
        "cell; the file may be damaged. Nothing was imported."
    )


def _check_zip(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook that would unpack to more than MAX_INFLATED_BYTES (a ZIP
    bomb), from the sizes its directory declares; reading never goes past them."""
    inflated = sum(member.file_size for member in archive.infolist())
    if inflated > MAX_INFLATED_BYTES:
        raise ImportFileError(
            f"This workbook unpacks to {inflated / 1024 / 1024:,.0f} MB of data; the most an import reads is "
            f"{MAX_INFLATED_BYTES // 1024 // 1024} MB. Save the sheet you need as “CSV UTF-8” or split it. "
            "Nothing was imported."
        )


def _read_xlsx(data: bytes) -> Table:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                raise ImportFileError("This ZIP file is not an Excel workbook. Upload a CSV or an .xlsx file.")
            _check_zip(archive)
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ImportFileError:
        raise
    except Exception:  # a damaged workbook can fail in many ways inside openpyxl
        raise ImportFileError("The Excel workbook could not be opened; it may be damaged or protected.") from None
    deadline = _Deadline()
    try:
        sheet = workbook.worksheets[0]
        raw_rows = []
        # One column past the limit is read, to tell a sheet that is too wide.
        for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1):
            raw_rows.append(list(values))
            if len(raw_rows) % 1000 == 0:
                deadline.check()
            if len(raw_rows) > MAX_ROWS + 1:
                break
    except ImportFileError:
        raise
    except Exception:  # damaged XML inside the workbook
        raise ImportFileError("The Excel workbook could not be read; it may be damaged.") from None
    finally:
        workbook.close()
    return _table(raw_rows, "xlsx", "", deadline)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _unique_headers(header_cells: list) -> list[str]:
    """Header names, blank ones named by position and repeats numbered ("Email",
    "Email (2)", "Email (3)"), in one pass however many repeat."""
    headers: list[str] = []
    taken: set[str] = set()
    counts: dict[str, int] = {}
    for index, cell in enumerate(header_cells, start=1):
        base = cell_text(cell) or f"Column {index}"
        name = base
        while name in taken:
            counts[base] = counts.get(base, 1) + 1
            name = f"{base} ({counts[base]})"
        taken.add(name)
        headers.append(name)
    return headers


def _refuse_nul(number: int, header: str) -> None:
    raise ImportFileError(
        f"The file holds a NUL character (byte 0) at {_where(number, header)}, which no spreadsheet writes in a CSV: it may be "
        "damaged or not a CSV file. Save it again from Excel as “CSV UTF-8” or .xlsx. Nothing was imported."
    )


def _check_cells(number: int, cells: list, headers: list[str]) -> None:
    for index, value in enumerate(cells):
        if isinstance(value, str):
            header = headers[index] if index < len(headers) else ""
            if "\x00" in value:
                _refuse_nul(number, header)
            if len(value) > MAX_CELL_CHARS:
                raise ImportFileError(_cell_too_long_message(number, header))


def _table(raw_rows: list[list], file_format: str, encoding: str, deadline: _Deadline) -> Table:
    numbered = [(number, row) for number, row in enumerate(raw_rows, start=1) if not all(_blank(v) for v in row)]
    if not numbered:
        raise ImportFileError("The file has no rows.")
    header_number, header_cells = numbered[0]
    while header_cells and _blank(header_cells[-1]):
        header_cells = header_cells[:-1]
    widest = max(
        len(cells) - next((i for i, v in enumerate(reversed(cells)) if not _blank(v)), 0) for _, cells in numbered
    )
    if max(len(header_cells), widest) > MAX_COLUMNS:
        raise ImportFileError(
            f"The file has more than {MAX_COLUMNS} columns; an import reads at most {MAX_COLUMNS}. Delete the "
            "columns you do not need and upload it again. Nothing was imported."
        )
    _check_cells(header_number, header_cells, [])
    headers = _unique_headers(header_cells)
    data_rows = numbered[1:]
    if not data_rows:
        raise ImportFileError(f"The file has a header row (row {header_number}) but no data rows.")
    if len(data_rows) > MAX_ROWS:
        raise ImportFileError(f"The file has more than {MAX_ROWS:,} rows; split it into smaller files.")
    if len(data_rows) * max(len(headers), 1) > MAX_CELLS:
        raise ImportFileError(
            f"The file has {len(data_rows):,} rows of {len(headers)} columns, more than the {MAX_CELLS:,} cells one "
            "import reads. Split it into smaller files. Nothing was imported."
        )
    rows = []
    for count, (number, cells) in enumerate(data_rows, start=1):
        _check_cells(number, cells, headers)
        rows.append((number, (list(cells) + [None] * len(headers))[: len(headers)]))
        if count % 1000 == 0:
            deadline.check()
    return Table(headers=headers, rows=rows, file_format=file_format, encoding=encoding)


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat(timespec="minutes") if isinstance(value, dt.time) else value.isoformat()
    return unicodedata.normalize("NFC", str(value)).strip()


# ---------------------------------------------------------------------------
# Fields of each kind of import, and guessing the mapping


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


# ---------------------------------------------------------------------------
# Parsing cell values

_DATE_FORMATS = [
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%d/%m/%y",
    "%Y%m%d",
]
# The same with month and day swapped where the order is ambiguous (US files).
_MONTH_FIRST_FORMATS = [
    fmt.replace("%d/%m", "%m/%d").replace("%d.%m", "%m.%d").replace("%d-%m", "%m-%d") for fmt in _DATE_FORMATS
]
_JA_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_WEEKDAY = re.compile(r"\s*[(（][^)）]*[)）]\s*$|^(mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+", re.IGNORECASE)
_TIME = re.compile(r"^(\d{1,2})\s*(?:[:.時]\s*(\d{2})\s*分?)?(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$", re.IGNORECASE)
_DATE_THEN_TIME = re.compile(r"^(.*?\d)[ T]+(\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:am|pm)?(?:\s*[-–~〜].*)?)$", re.I)
_RANGE = re.compile(r"\s*(?:-|–|—|〜|~|～|to)\s*", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})\b")


def parse_date(value, *, month_first: bool = False) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = unicodedata.normalize("NFKC", cell_text(value)).replace(",", " ")
    text = re.sub(r"\s+", " ", _WEEKDAY.sub("", text)).strip()
    if match := _JA_DATE.match(text):
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    for fmt in _MONTH_FIRST_FORMATS if month_first else _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    example = "10/08/2026, month first" if month_first else "08/10/2026, day first"
    raise ValueError(f"“{cell_text(value)}” is not a date (use e.g. 2026-10-08 or {example})")


def guess_date_order(values) -> str:
    """ "mdy" when the numeric dates can only be month first (a second number over 12 and
    no first number over 12), otherwise "dmy", the order of UK, European and Japanese files."""
    firsts, seconds = set(), set()
    for value in values:
        if isinstance(value, dt.date):
            continue
        if match := _NUMERIC_DATE.match(unicodedata.normalize("NFKC", cell_text(value))):
            firsts.add(int(match.group(1)))
            seconds.add(int(match.group(2)))
    if seconds and max(seconds) > 12 and not (firsts and max(firsts) > 12):
        return "mdy"
    return "dmy"


def parse_time(value) -> dt.time:
    if isinstance(value, dt.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, float) and 0 <= value < 1:  # an Excel time stored as a fraction of a day
        minutes = round(value * 24 * 60)
        return dt.time(minutes // 60, minutes % 60)
    text = unicodedata.normalize("NFKC", cell_text(value))
    match = _TIME.match(text)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        meridiem = (match.group(4) or "").lower().replace(".", "")
        if meridiem == "pm" and hour < 12:
            hour += 12
        elif meridiem == "am" and hour == 12:
            hour = 0
        if hour < 24 and minute < 60 and (match.group(2) or meridiem):
            return dt.time(hour, minute)
    raise ValueError(f"“{text}” is not a time (use e.g. 10:30)")


def parse_time_range(value) -> tuple[dt.time, dt.time | None]:
    if not isinstance(value, str):
        return parse_time(value), None
    parts = _RANGE.split(unicodedata.normalize("NFKC", value).strip())
    if len(parts) == 2 and parts[0] and parts[1]:
        return parse_time(parts[0]), parse_time(parts[1])
    return parse_time(value), None


def split_date_time(value) -> tuple[object, object | None]:
    """A cell holding both a date and a time, as the two parts (the time may be None)."""
    if isinstance(value, dt.datetime):
        return value.date(), (value.time() if value.time() != dt.time(0, 0) else None)
    if isinstance(value, str):
        match = _DATE_THEN_TIME.match(value.strip())
        if match:
            return match.group(1), match.group(2)
    return value, None


def normalise_name(text: str) -> str:
    """A key for comparing names: width-folded, case-folded, single-spaced."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return re.sub(r"\s+", " ", text).strip()


def native_key(text: str) -> str:
    """Native-script names are compared without spaces: 佐藤 健 = 佐藤健."""
    return re.sub(r"\s+", "", normalise_name(text))


def has_japanese(text: str) -> bool:
    return any(is_japanese(ch) for ch in text or "")


_HONORIFICS = {"prof", "professor", "dr", "mr", "mrs", "ms", "miss", "sir", "dame", "lord", "baroness", "cllr"}


def split_person_name(text: str) -> dict[str, str]:
    """Given, family and native names from one “contact person” cell: 佐藤 健, Ken Sato, SATO Ken, Dr Ken Sato."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    text = re.sub(r"(様|さん|氏)$", "", text).strip()
    if has_japanese(text):
        parts = text.split(" ")
        family = parts[0] if len(parts) > 1 else text
        given = " ".join(parts[1:])
        return {
            "name_native": text,
            "family_name": family,
            "given_name": given,
            "name_order": Person.NameOrder.FAMILY_FIRST,
        }
    words = text.split(" ")
    honorific = ""
    if len(words) > 1 and words[0].rstrip(".").casefold() in _HONORIFICS:
        honorific, words = words[0], words[1:]
    capitals = [w for w in words if len(w) > 1 and w.isupper()]
    if len(words) > 1 and len(capitals) == 1:  # SATO Ken: the family name in capitals
        family = capitals[0].capitalize()
        given = " ".join(w for w in words if w is not capitals[0])
    else:
        family, given = words[-1], " ".join(words[:-1])
    return {"honorific": honorific, "given_name": given, "family_name": family, "name_native": ""}


def _choice(value: str, choices, what: str) -> str:
    key = normalise_name(value)
    for code, label in choices:
        if key in (normalise_name(code), normalise_name(str(label)), normalise_name(str(label)).split(" (")[0]):
            return code
    names = ", ".join(str(label) for _, label in choices)
    raise ValueError(f"Unknown {what} “{value}” (expected one of: {names})")


# How files write countries besides their ISO names: short English names, Japanese names.
_COUNTRY_ALIASES = {
    "uk": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "northern ireland": "GB", "イギリス": "GB", "英国": "GB",
    "usa": "US", "us": "US", "united states": "US", "america": "US", "アメリカ": "US", "米国": "US",
    "日本": "JP", "japan": "JP", "korea": "KR", "south korea": "KR", "韓国": "KR", "中国": "CN", "台湾": "TW",
    "ドイツ": "DE", "フランス": "FR", "スイス": "CH", "オランダ": "NL", "シンガポール": "SG", "カナダ": "CA",
}  # fmt: skip


def parse_country(value: str) -> str:
    key = normalise_name(value)
    if key in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[key]
    if len(key) == 2 and key.upper() in dict(countries):
        return key.upper()
    code = countries.by_name(value.strip(), insensitive=True)
    if code:
        return code
    raise ValueError(f"Unknown country “{value}”")


_STATUSES = {
    PartneringMeeting.Status.REQUESTED: ("requested", "request", "pending", "proposed", "invited", "申請中", "依頼中"),
    PartneringMeeting.Status.SCHEDULED: ("scheduled", "accepted", "confirmed", "booked", "確定", "承認"),
    PartneringMeeting.Status.HELD: ("held", "done", "completed", "met", "attended", "実施", "実施済"),
    PartneringMeeting.Status.CANCELLED: ("cancelled", "canceled", "declined", "rejected", "キャンセル", "辞退"),
    PartneringMeeting.Status.NO_SHOW: ("no-show", "no show", "noshow", "absent", "欠席"),
}


# Said of a meeting agreed beforehand: once its time has passed, it was held.
_ACCEPTED = ("accepted", "confirmed", "booked", "確定", "承認")


def parse_status(value: str, *, ended: bool = False) -> str:
    """Our status for a platform's word; ``ended``: the meeting's time has passed, so an
    accepted or confirmed meeting was held."""
    if ended and normalise_name(value) in _ACCEPTED:
        return PartneringMeeting.Status.HELD
    key = normalise_name(value)
    for status, words in _STATUSES.items():
        if key in words:
            return status
    raise ValueError(f"Unknown status “{value}” (use requested, scheduled, held, cancelled or no-show)")


# ---------------------------------------------------------------------------
# Planning: what each row would create or match, without writing


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


class _Directory:
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
        return keys - {""}

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
        for key in keys:
            candidates += [c for c in self.people_by_name.get(key, []) if c not in candidates]
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


def _text_cells(table: Table, mapping: dict) -> list[tuple[int, dict, dict]]:
    index = {header: i for i, header in enumerate(table.headers)}
    out = []
    for number, cells in table.rows:
        raw = {name: cells[index[header]] for name, header in mapping.items() if header in index}
        text = {name: cell_text(value) for name, value in raw.items()}
        out.append((number, raw, text))
    return out


def _check_person_values(text: dict, errors: list[str]) -> dict:
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


def _check_org_values(text: dict, errors: list[str], *, prefix: str = "organisation") -> dict:
    values: dict = {}
    if text.get("kind"):
        try:
            values["kind"] = _choice(text["kind"], Organisation.Kind.choices, "kind of organisation")
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


def plan_import(*, job: ImportJob, table: Table) -> Plan:
    rows = _text_cells(table, job.mapping)
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
        if text.get("contact"):
            split = split_person_name(text["contact"])
            families.add(normalise_name(split["family_name"]))
            if split["name_native"]:
                natives.add(split["name_native"])
    directory = _Directory(org_names=org_names, emails=emails, family_names=families, natives=natives)
    planner = {
        ImportJob.Kind.DELEGATES: _plan_delegates,
        ImportJob.Kind.CONTACTS: _plan_contacts,
        ImportJob.Kind.MEETINGS: _plan_meetings,
    }[job.kind]
    return Plan(kind=job.kind, rows=planner(job, rows, directory))


def _plan_delegates(job: ImportJob, rows, directory: _Directory) -> list[RowPlan]:
    mission = job.mission
    existing = {d.person_id: d for d in Delegate.objects.filter(mission=mission)}
    planned_delegates: dict[int, Planned] = {}
    plans = []
    for number, _raw, text in rows:
        row = RowPlan(number, text)
        values = _check_person_values(text, row.errors)
        if not values["family_name"]:
            row.errors.append("The family name is missing.")
        role = Delegate.Role.DELEGATE
        if text.get("role"):
            try:
                role = _choice(text["role"], Delegate.Role.choices, "role")
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


def _plan_contacts(job: ImportJob, rows, directory: _Directory) -> list[RowPlan]:
    plans = []
    for number, _raw, text in rows:
        row = RowPlan(number, text)
        org_values = _check_org_values(text, row.errors)
        person_values = _check_person_values(text, row.errors)
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


def _plan_meetings(job: ImportJob, rows, directory: _Directory) -> list[RowPlan]:
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
            if problem:
                row.errors.append(problem)
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
        if _blank(date_value):
            row.errors.append("The date is missing.")
        else:
            date_part, time_in_date = split_date_time(date_value)
            if _blank(time_value):
                time_value = time_in_date
            try:
                day = parse_date(date_part, month_first=month_first)
                if _blank(time_value):
                    raise ValueError("The time is missing")
                start, end = parse_time_range(time_value)
                starts_at = dt.datetime.combine(day, start, tz)
                ends_at = None
                if not _blank(raw.get("end")):
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
