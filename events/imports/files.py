"""Reading an uploaded file into a table: CSV (UTF-8, or an encoding the user chose) or XLSX,
with every bound on what one upload may cost checked before and while it is parsed."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import time
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings

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


def is_blank(value) -> bool:
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
    numbered = [(number, row) for number, row in enumerate(raw_rows, start=1) if not all(is_blank(v) for v in row)]
    if not numbered:
        raise ImportFileError("The file has no rows.")
    header_number, header_cells = numbered[0]
    while header_cells and is_blank(header_cells[-1]):
        header_cells = header_cells[:-1]
    widest = max(
        len(cells) - next((i for i, v in enumerate(reversed(cells)) if not is_blank(v)), 0) for _, cells in numbered
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
