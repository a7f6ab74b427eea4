"""Comparison keys for names, so that one organisation written many ways gives one key.

"Ajinomoto Co., Inc.", 「味の素株式会社」 and 「味の素」 are the same company; so are
Ｔａｋｅｄａ and Takeda, ｺｳﾍﾞ and コウベ, "Chugai" and 中外 (read *chūgai*). A key is:

- **Latin** (``n:`` for a name, ``r:`` for a reading): NFKC, accents dropped, lower
  case, only letters and digits, long vowels folded (ou, uu, oo → o, u, o; so the
  Hepburn "Kōgyō", the typed "Kogyo" and the kana-faithful "kougyou" agree), legal
  form stripped ("Co., Ltd.", "K.K.", "plc"…).
- **Native** (``j:``): NFKC (half-width katakana becomes full width), case-folded,
  spaces and punctuation dropped, legal form stripped (株式会社, (株), ㈱, 一般社団法人…).
- A native name is also **read** in Latin letters (pykakasi: a dictionary-based
  reader in pure Python, small enough to load in every worker; readings are
  Hepburn, so they meet the romanised names people type) and gives an ``r:`` key.

Two names are the same organisation when they share a key. Keys are exact on
purpose: an import decides identity without asking only when a key is shared;
anything looser (a typo, an abbreviation) is a suggestion for a person to confirm.
"""

import re
import threading
import unicodedata

# Trailing Latin words that only say what kind of company it is. Compared after dots in
# abbreviations are dropped ("K.K." -> "KK") and punctuation is turned into spaces.
LATIN_LEGAL_FORMS = frozenset(
    [
        "co",
        "company",
        "ltd",
        "limited",
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "kk",
        "gk",
        "yk",
        "plc",
        "llc",
        "llp",
        "lp",
        "gmbh",
        "ag",
        "kg",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "nv",
        "bv",
        "ab",
        "oy",
        "as",
        "pte",
        "pty",
        "bhd",
        "kabushiki",
        "kaisha",
        "kabushikigaisha",
    ]
)

# Japanese legal forms, before or after the name (after NFKC: ㈱ and （株） are both "(株)").
NATIVE_LEGAL_FORMS = tuple(
    sorted(
        [
            "株式会社",
            "有限会社",
            "合同会社",
            "合資会社",
            "合名会社",
            "(株)",
            "(有)",
            "(同)",
            "(資)",
            "(名)",
            "一般社団法人",
            "公益社団法人",
            "一般財団法人",
            "公益財団法人",
            "国立大学法人",
            "公立大学法人",
            "学校法人",
            "独立行政法人",
            "地方独立行政法人",
            "国立研究開発法人",
            "医療法人社団",
            "医療法人財団",
            "医療法人",
            "社会福祉法人",
            "特定非営利活動法人",
            "NPO法人",
        ],
        key=len,
        reverse=True,
    )
)

_ABBREVIATION_DOT = re.compile(r"\b([A-Za-z])\.")
_NOT_LATIN_WORD = re.compile(r"[^a-z0-9]+")
_DOUBLED_VOWEL = re.compile(r"([aeiou])\1+")
_MIN_KEY = 2

_reader = None
_reader_lock = threading.Lock()


def has_japanese(text: str) -> bool:
    """Kana, CJK ideographs, the prolonged-sound mark or half-width katakana."""
    for char in text or "":
        code = ord(char)
        if 0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF66 <= code <= 0xFF9F:
            return True
    return False


def is_kana_only(text: str) -> bool:
    """Hiragana and katakana (and the prolonged-sound mark) only: how a reading is typed."""
    letters = [c for c in unicodedata.normalize("NFKC", text or "") if not c.isspace()]
    return bool(letters) and all(0x3040 <= ord(c) <= 0x30FF for c in letters)


def _read(text: str) -> str:
    global _reader
    if _reader is None:
        with _reader_lock:
            if _reader is None:
                import pykakasi

                _reader = pykakasi.kakasi()
    return " ".join(part["hepburn"] for part in _reader.convert(text) if part["hepburn"].strip())


def romanise(text: str) -> str:
    """The Hepburn reading of the Japanese in a text (Latin letters left as they are):
    武田薬品工業 -> "takeda yakuhin kougyou"."""
    text = unicodedata.normalize("NFKC", text or "")
    return _read(text) if has_japanese(text) else text


def _ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def fold_vowels(text: str) -> str:
    """Long vowels written any way become one letter: kougyou, kōgyō (already unaccented) and kogyo agree."""
    return _DOUBLED_VOWEL.sub(r"\1", text.replace("ou", "o"))


def latin_words(text: str) -> list[str]:
    """A Latin name's words, lower case and unaccented, with a trailing legal form removed."""
    text = _ABBREVIATION_DOT.sub(r"\1", unicodedata.normalize("NFKC", text or ""))
    words = [w for w in _NOT_LATIN_WORD.split(_ascii_fold(text)) if w]
    while len(words) > 1:
        if words[-1] in LATIN_LEGAL_FORMS:
            words.pop()
        elif len(words) > 2 and words[-2:] == ["k", "k"]:  # "K. K."
            del words[-2:]
        else:
            break
    return words


def latin_key(text: str) -> str:
    return fold_vowels("".join(latin_words(text)))


def strip_native_legal_form(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    # Spaces and punctuation go first (「」, ・, quotes), except the brackets of (株).
    text = "".join(c for c in text if c in "()" or not (c.isspace() or unicodedata.category(c)[0] in "PS"))
    changed = True
    while changed:
        changed = False
        for form in NATIVE_LEGAL_FORMS:
            if text.startswith(form) and len(text) > len(form):
                text, changed = text[len(form) :], True
            elif text.endswith(form) and len(text) > len(form):
                text, changed = text[: -len(form)], True
    return text


def native_key(text: str) -> str:
    """A native-script name without spaces, punctuation or legal form: 「味の素 株式会社」 -> 味の素."""
    return "".join(c for c in strip_native_legal_form(text).casefold() if c.isalnum())


def reading_key(text: str) -> str:
    """The Latin key of a Japanese name's reading: 中外製薬株式会社 -> "chugaiseiyaku"."""
    return latin_key(romanise(strip_native_legal_form(text)))


def name_keys(text: str, *, reading: bool = False) -> dict[str, str]:
    """The keys of one name, each with what it was made from ("name", "native name", "reading").
    ``reading``: the text is itself a romanised reading (the record's "romanised reading" field)."""
    text = (text or "").strip()
    keys: dict[str, str] = {}
    if not text:
        return keys
    if has_japanese(text):
        native = native_key(text)
        if len(native) >= _MIN_KEY:
            keys[f"j:{native}"] = "native name"
        read = reading_key(text)
        if len(read) >= _MIN_KEY:
            keys.setdefault(f"r:{read}", "reading")
    else:
        latin = latin_key(text)
        if len(latin) >= _MIN_KEY:
            keys[f"{'r' if reading else 'n'}:{latin}"] = "reading" if reading else "name"
    return keys


def query_keys(*names: str) -> dict[str, str]:
    """The stored keys a typed name would share with a record, and how: a typed Latin name meets
    the record's names and readings, a typed Japanese name its native names and (read) its Latin ones."""
    wanted: dict[str, str] = {}
    for name in names:
        for key, made_from in name_keys(name).items():
            kind, value = key.split(":", 1)
            if kind == "j":
                wanted.setdefault(key, "native name")
            else:
                for stored in ("n", "r"):
                    how = "name" if made_from == "name" and stored == "n" else "reading"
                    wanted.setdefault(f"{stored}:{value}", how)
    return wanted


def organisation_keys(name: str, name_native: str = "", name_reading: str = "") -> list[str]:
    """Every key of a record's own names, sorted (stored in Organisation.identity_keys)."""
    keys = {**name_keys(name), **name_keys(name_native), **name_keys(name_reading, reading=True)}
    return sorted(keys)
