"""The mission report as CSV, XLSX and PDF, written from the same selector as the
page (followups/report.py), so the numbers cannot differ.

CSV is one file with a section per table (a title line, the headers, the rows
and a blank line): it streams row by row and opens in Excel with a double
click, which a zip of files would not; the XLSX has one sheet per section for
people who want to sort and filter.

Spreadsheet programs execute cells that start with = + - @ (and tab or CR, which
they strip first): every such text cell is neutralised, in CSV with a leading
single quote, in XLSX by storing the cell explicitly as a string.
"""

import csv
import itertools
import logging
import mimetypes
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .charts import report_charts
from .report import MissionReport, Table, report_tables
from .templatetags.report_tags import cell, cell_class

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (rows written, rows in all)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _no_progress(done: int, total: int) -> None:
    pass


def export_filename(report: MissionReport, fmt: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", report.mission.title).strip("-").lower()[:60] or "mission"
    return f"{slug}-report-{report.today.isoformat()}.{fmt}"


def neutralise(value: str) -> str:
    """A text cell a spreadsheet will show, never evaluate."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def total_rows(tables: list[Table]) -> int:
    return sum(t.count for t in tables) or 1


# --- CSV ---------------------------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_value(value) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise(value)
    return value


def csv_chunks(report: MissionReport, progress: Progress = _no_progress) -> Iterator[str]:
    """The CSV file, line by line: a byte order mark first so Excel reads UTF-8."""
    writer = csv.writer(_Echo())
    tables = report_tables(report)
    total, done = total_rows(tables), 0
    yield "\ufeff"
    for table in tables:
        yield writer.writerow([neutralise(f"# {table.title}")])
        yield writer.writerow(table.headers)
        for row in table.rows:
            yield writer.writerow([_csv_value(v) for v in row])
            done += 1
            if done % 200 == 0:
                progress(done, total)
        yield writer.writerow([])
    progress(total, total)


def write_csv(report: MissionReport, out: IO[bytes], progress: Progress = _no_progress) -> None:
    for chunk in csv_chunks(report, progress):
        out.write(chunk.encode("utf-8"))


# --- XLSX --------------------------------------------------------------------------------------

SAMPLE_ROWS = 200  # rows looked at to size the columns (write-only sheets cannot be resized later)
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def _text_width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    text = str(value)
    # East Asian characters are about twice as wide as Latin ones.
    return max((sum(2 if ord(ch) > 0x2E80 else 1 for ch in line) for line in text.splitlines() or [""]), default=0)


def _style(ws, **attributes):
    """The style array of a cell with these attributes, to stamp onto many cells."""
    cell = WriteOnlyCell(ws)
    for name, value in attributes.items():
        setattr(cell, name, value)
    return cell._style


class _SheetCells:
    """Row values for one write-only sheet. Plain values (most text, numbers,
    blanks) go to openpyxl as they are, which writes them through one reused
    cell; only cells that need a style or an explicit type get their own cell,
    stamped with a style made once per sheet (a style set per cell costs a
    lookup in the workbook's style tables each time)."""

    WRAP_AFTER = 60  # characters; longer text wraps at the column width

    def __init__(self, ws):
        self.ws = ws
        top = Alignment(wrap_text=True, vertical="top")
        self.styles = {
            datetime: _style(ws, number_format=DATETIME_FORMAT),
            date: _style(ws, number_format=DATE_FORMAT),
            Decimal: _style(ws, number_format="#,##0.00"),
            "wrapped": _style(ws, alignment=top),
            # Text that looks like a formula: stored as text, and shown with Excel's
            # quote prefix so it stays text when someone edits the cell.
            "text": _style(ws, quotePrefix=True),
            "wrapped text": _style(ws, quotePrefix=True, alignment=top),
            "header": _style(ws, font=Font(bold=True)),
        }

    def _cell(self, value, style, data_type: str | None = None) -> Cell:
        cell = Cell(self.ws, row=1, column=1, style_array=self.styles[style])
        cell.value = value
        if data_type:
            cell.data_type = data_type
        return cell

    def header(self, headers: list[str]) -> list[Cell]:
        return [self._cell(ILLEGAL_CHARACTERS_RE.sub("", h), "header", "s") for h in headers]

    def row(self, values: list) -> list:
        out = []
        for value in values:
            kind = type(value)
            if kind is str:
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
                long = len(value) > self.WRAP_AFTER
                if value.startswith(FORMULA_TRIGGERS) or value in ERROR_CODES:
                    # openpyxl would store "=…" as a formula and "#N/A" as an error.
                    value = self._cell(value, "wrapped text" if long else "text", "s")
                elif long:
                    value = self._cell(value, "wrapped")
            elif kind in (datetime, date, Decimal):
                value = self._cell(value, kind)
            out.append(value)
        return out


def write_xlsx(report: MissionReport, out: IO[bytes], progress: Progress = _no_progress) -> None:
    """One sheet per section, written in write-only mode (constant memory)."""
    wb = Workbook(write_only=True)
    tables = report_tables(report)
    total, done = total_rows(tables), 0
    for table in tables:
        ws = wb.create_sheet(title=table.title[:31])
        cells = _SheetCells(ws)
        sample = []
        for row in table.rows:
            sample.append(row)
            if len(sample) >= SAMPLE_ROWS:
                break
        widths = [_text_width(h) for h in table.headers]
        for row in sample:
            for i, value in enumerate(row):
                if i >= len(widths):
                    widths.append(0)
                widths[i] = max(widths[i], _text_width(value))
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)
        ws.freeze_panes = "A2"
        ws.append(cells.header(table.headers))
        for row in _chain(sample, table.rows):
            ws.append(cells.row(row))
            done += 1
            if done % 200 == 0:
                progress(done, total)
    wb.save(out)
    progress(total, total)


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


# --- PDF ---------------------------------------------------------------------------------------

# The only files the PDF renderer may read: the project's own print stylesheet.
PDF_ASSET_DIRS = [Path(settings.BASE_DIR) / "static" / "css"]
PDF_BASE_URL = (Path(settings.BASE_DIR) / "static").as_uri() + "/"


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ProjectAssetFetcher(URLFetcher):
        """Refuses every URL except files inside the project's own asset folders:
        report text is untrusted, and a PDF renderer that followed its links
        could be made to read local files or call internal services."""

        def __init__(self):
            super().__init__(allowed_protocols={"file"}, allow_redirects=False, timeout=1)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            path = asset_path(url)
            if path is None:
                self.refused.append(url)
                logger.warning("PDF export refused to fetch %s", url[:200])
                raise ValueError(f"The PDF renderer fetches no URL: {url[:200]}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type})

    return ProjectAssetFetcher


def asset_path(url: str) -> Path | None:
    """The project asset a file: URL names, or None for anything else."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    try:
        path = Path(unquote(parts.path)).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    for allowed in PDF_ASSET_DIRS:
        if path.is_file() and path.is_relative_to(allowed.resolve()):
            return path
    return None


def project_asset_fetcher():
    return _fetcher_class()()


# The detailed sections of the PDF: the columns shown (by position in the export
# table) with their share of the page width. Long free text (next steps,
# completion notes, descriptions) is left to the CSV and XLSX.
PDF_COLUMNS = {
    "meetings": [(0, 11), (1, 13), (3, 7), (4, 25), (6, 17), (8, 21), (9, 6)],
    "followups": [(0, 30), (1, 14), (2, 22), (3, 9), (4, 12), (6, 13)],
    "outcomes": [(0, 9), (1, 12), (2, 30), (3, 27), (4, 10), (5, 6), (6, 6)],
    "organisations": [(0, 24), (1, 20), (2, 12), (3, 12), (4, 10), (5, 14), (6, 8)],
    "delegates": [(0, 17), (1, 13), (2, 10), (3, 20), (4, 22), (5, 11), (6, 7)],
    "events": [(0, 13), (1, 30), (2, 12), (3, 21), (4, 8), (5, 8), (6, 8)],
}
# (one, many, order of the rows) for the line under a shortened section.
PDF_NOUNS = {
    "meetings": ("meeting", "meetings", "by start time"),
    "followups": ("follow-up", "follow-ups", "by due date"),
    "outcomes": ("outcome", "outcomes", "by date achieved"),
    "organisations": ("organisation", "organisations", "most meetings first"),
    "delegates": ("delegate", "delegates", "by family name"),
    "events": ("event", "events", "by start time"),
}


@dataclass
class PdfSection:
    """A detailed table as the PDF prints it: the first rows, formatted."""

    title: str
    count: int
    headers: list[tuple[str, str]]  # (css class, text): numbers' headers align with them
    widths: list[int]
    rows: list[list[tuple[str, str]]]  # (css class, text) per cell
    more: int  # rows left out
    more_line: str
    note: str


def pdf_rows_per_section() -> int:
    return settings.REPORT_PDF_ROWS_PER_SECTION


def pdf_sections(tables: list[Table], limit: int | None = None) -> list[PdfSection]:
    """The detailed tables for the PDF, each cut to its first `limit` rows.

    WeasyPrint takes about 5 ms of CPU to lay out a table row (2-core benchmark
    machine), so the 20 000 rows of a 5 000-meeting mission would take minutes;
    a PDF is read, not sorted or filtered, so it carries the summary, the charts
    and the first rows of each table (a LIMIT in SQL), and says how many more
    the CSV and XLSX hold."""
    limit = pdf_rows_per_section() if limit is None else limit
    sections = []
    for table in tables:
        if table.key == "summary":
            continue
        columns = PDF_COLUMNS.get(table.key) or [(i, 100 // len(table.headers)) for i in range(len(table.headers))]
        rows = []
        for row in itertools.islice(table.rows, limit):
            rows.append([(cell_class(row[i]), cell(row[i])) for i, _ in columns])
        more = max(table.count - len(rows), 0)
        one, many, order = PDF_NOUNS.get(table.key, ("row", "rows", ""))
        more_line = f"… and {more:,} more {one if more == 1 else many}: see the CSV or XLSX export." if more else ""
        note = ""
        if more:
            note = f"The first {len(rows):,} of {table.count:,}, {order}. "
        if len(columns) < len(table.headers):
            note += (
                "Every row and column is in the CSV and XLSX exports."
                if more
                else "All columns are in the CSV and XLSX exports."
            )
        elif more:
            note += "Every row is in the CSV and XLSX exports."
        sections.append(
            PdfSection(
                title=table.title,
                count=table.count,
                headers=[
                    ("num" if rows and "num" in rows[0][n][0] else "", table.headers[i])
                    for n, (i, _) in enumerate(columns)
                ],
                widths=[w for _, w in columns],
                rows=rows,
                more=more,
                more_line=more_line,
                note=note,
            )
        )
    return sections


def pdf_html(report: MissionReport, limit: int | None = None) -> str:
    limit = pdf_rows_per_section() if limit is None else limit
    return render_to_string(
        "followups/report/pdf.html",
        {
            "report": report,
            "charts": report_charts(report),
            "sections": pdf_sections(report_tables(report, limit=limit), limit),
        },
    )


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=project_asset_fetcher()).write_pdf()


def write_pdf(report: MissionReport, out: IO[bytes], progress: Progress = _no_progress) -> None:
    total = 3
    html = pdf_html(report)
    progress(1, total)
    out.write(render_pdf(html))
    progress(total, total)


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "pdf": write_pdf}
