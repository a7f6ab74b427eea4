"""Turning cells into values: dates (day or month first), times and ranges, names as people write
them, countries and statuses."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django_countries import countries

from contacts.models import Person

from ..models import PartneringMeeting
from .files import cell_text, is_japanese

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


def parse_choice(value: str, choices, what: str) -> str:
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
