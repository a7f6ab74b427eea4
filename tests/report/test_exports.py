"""Every export of the demo mission, parsed back and compared with the report
page: same figures, Japanese names intact, formulas inert, every export logged."""

import csv
import io
import re
import zipfile
from datetime import datetime
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from contacts.models import Organisation
from followups.models import ReportExport

from .conftest import export_url, number, page_kpis, report_url

HOSTILE = '=HYPERLINK("x")'


@pytest.fixture
def hostile_counterpart(demo):
    """A counterpart whose name a spreadsheet would run as a formula."""
    org = Organisation.objects.create(name=HOSTILE, country="JP", kind=Organisation.Kind.COMPANY)
    meeting = demo.meetings.get(topic__startswith="Peptide drug discovery")
    meeting.counterpart_organisations.add(org)
    return org


def csv_sections(text: str) -> dict[str, list[list[str]]]:
    sections, current = {}, None
    for row in csv.reader(io.StringIO(text)):
        if row and row[0].startswith("# "):
            current = sections.setdefault(row[0][2:], [])
        elif row and current is not None:
            current.append(row)
    return sections


def test_csv_streams_the_same_figures_as_the_page(manager_client, demo, hostile_counterpart):
    kpis = page_kpis(manager_client.get(report_url(demo)).content.decode())
    response = manager_client.post(export_url(demo, "csv"))
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="uk-life-sciences-delegation-to-biojapan')
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the byte order mark to read UTF-8"
    text = raw.decode("utf-8-sig")
    sections = csv_sections(text)
    assert list(sections)[:6] == [
        "Summary",
        "Partnering meetings",
        "Follow-ups",
        "Outcomes",
        "Counterpart organisations",
        "Delegates",
    ]
    summary = {row[0]: number(row[1]) for row in sections["Summary"][1:] if len(row) >= 2 and row[0] in kpis}
    assert summary == kpis
    # Detailed tables have one row per record, no cap.
    assert len(sections["Partnering meetings"]) - 1 == demo.meetings.count()
    assert len(sections["Follow-ups"]) - 1 == 11
    # Japanese names round-trip.
    assert "Takeda Pharmaceutical (武田薬品工業)" in text
    orgs = {row[0]: row for row in sections["Counterpart organisations"][1:]}
    assert orgs["Takeda Pharmaceutical"][1] == "武田薬品工業"
    # The formula is inert: a leading quote, never a bare "=".
    assert orgs["'" + HOSTILE][0] == "'" + HOSTILE
    assert not any(cell.startswith(("=", "+", "@")) for row in csv.reader(io.StringIO(text)) for cell in row)
    assert ReportExport.objects.filter(mission=demo, format="csv", served_directly=True).count() == 1


def test_xlsx_has_a_sheet_per_section_with_real_types(manager_client, demo, hostile_counterpart):
    error_lookalike = Organisation.objects.create(name="#N/A", country="JP", kind=Organisation.Kind.COMPANY)
    demo.meetings.get(topic__startswith="Peptide drug discovery").counterpart_organisations.add(error_lookalike)
    kpis = page_kpis(manager_client.get(report_url(demo)).content.decode())
    response = manager_client.post(export_url(demo, "xlsx"))
    assert response.status_code == 200
    content = response.content
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames[:6] == [
        "Summary",
        "Partnering meetings",
        "Follow-ups",
        "Outcomes",
        "Counterpart organisations",
        "Delegates",
    ]
    summary = {row[0]: row[1] for row in wb["Summary"].iter_rows(min_row=2, values_only=True) if row[0] in kpis}
    assert {k: number(v) for k, v in summary.items()} == kpis
    assert isinstance(summary["Outcome value (JPY)"], int | float | Decimal)  # a number, not text

    meetings = wb["Partnering meetings"]
    assert meetings.freeze_panes == "A2"
    assert meetings["A1"].value.startswith("Starts (Asia/Tokyo)")
    assert isinstance(meetings["A2"].value, datetime)  # a real date, sortable in Excel
    assert meetings.max_row - 1 == demo.meetings.count()
    widths = {k: d.width for k, d in meetings.column_dimensions.items()}
    assert widths["E"] > widths["D"] > 8  # counterpart names are wider than statuses

    orgs = wb["Counterpart organisations"]
    cells = {row[0].value: row for row in orgs.iter_rows(min_row=2)}
    assert cells["Takeda Pharmaceutical"][1].value == "武田薬品工業"
    hostile = cells[HOSTILE][0]
    assert hostile.data_type == "s", "stored as text, not as a formula"
    assert hostile.quotePrefix, "and stays text when someone edits it in Excel"
    assert cells["#N/A"][0].data_type == "s", "text, not an error value"
    assert cells["Takeda Pharmaceutical"][0].data_type == "s" and not cells["Takeda Pharmaceutical"][0].quotePrefix
    steps = [row[10] for row in meetings.iter_rows(min_row=2) if row[10].value and len(row[10].value) > 60]
    assert steps and all(cell.alignment.wrap_text for cell in steps), "long text wraps"
    assert (
        meetings["A2"].number_format == "yyyy-mm-dd hh:mm" and meetings["M2"].data_type == "n"
    )  # minutes, after the notes
    # And in the file itself: no formula anywhere.
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(re.search(rb"<f[ >]", archive.read(n)) for n in sheets)

    outcomes = wb["Outcomes"]
    values = {(row[5], row[4]) for row in outcomes.iter_rows(min_row=2, values_only=True) if row[4] is not None}
    assert values == {("GBP", 750000), ("JPY", 45000000)}
    assert ReportExport.objects.filter(mission=demo, format="xlsx").count() == 1


def pdf_text(content: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def test_pdf_has_cover_figures_charts_japanese_names_and_page_numbers(manager_client, demo):
    html = manager_client.get(report_url(demo)).content.decode()
    kpis = page_kpis(html)
    shown = dict(re.findall(r'<dd data-kpi="([^"]+)">\s*([^<]*?)\s*</dd>', html))
    response = manager_client.post(export_url(demo, "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text, pages = pdf_text(response.content)
    flat = re.sub(r"\s+", " ", text)
    assert flat.startswith(f"MISSION REPORT {demo.title}")  # the cover
    for label, value in kpis.items():
        assert f"{shown[label]} {label}" in flat, (label, value)
    assert "武田薬品工業" in text  # rendered with a CJK font, so extractable as text
    assert "協和キリン" in text
    assert f"Page 2 of {pages}" in flat and f"Page {pages} of {pages}" in flat
    assert "Partnering meetings held per day" in flat and "Outcomes by kind" in flat
    # A mission this size is printed whole; the long free text is left to the spreadsheets.
    assert "more meetings" not in flat and "All columns are in the CSV and XLSX exports." in flat
    assert ReportExport.objects.filter(mission=demo, format="pdf").count() == 1


def test_pdf_prints_the_first_rows_of_each_table_and_says_how_many_more(manager_client, demo, settings):
    settings.REPORT_PDF_ROWS_PER_SECTION = 5
    meetings, followups = demo.meetings.count(), demo.followups.count()
    assert meetings > 5 and followups > 5
    response = manager_client.post(export_url(demo, "pdf"))
    text, _ = pdf_text(response.content)
    flat = re.sub(r"\s+", " ", text)
    assert f"Partnering meetings ({meetings}) The first 5 of {meetings}, by start time." in flat
    assert f"… and {meetings - 5} more meetings: see the CSV or XLSX export." in flat
    assert f"… and {followups - 5} more follow-ups: see the CSV or XLSX export." in flat
    section = flat[flat.index("Partnering meetings (") : flat.index("more meetings")]
    starts = re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d", section)
    first = [timezone.localtime(m.starts_at, demo.tz) for m in demo.meetings.order_by("starts_at", "pk")[:5]]
    assert starts == [f"{dt:%Y-%m-%d %H:%M}" for dt in first], "the first five meetings, in time order"
    # The spreadsheets still hold every row.
    csv_text = b"".join(manager_client.post(export_url(demo, "csv")).streaming_content).decode("utf-8-sig")
    assert len(csv_sections(csv_text)["Partnering meetings"]) - 1 == meetings


def test_invalid_filters_export_nothing(manager_client, demo):
    response = manager_client.post(export_url(demo, "csv"), {"date_from": "soon"})
    assert response.status_code == 302
    assert not ReportExport.objects.exists()
    assert "valid" in manager_client.get(response["Location"]).content.decode()


def test_unknown_format_is_not_found(manager_client, demo):
    assert manager_client.post(export_url(demo, "docx")).status_code == 404


def test_filtered_export_logs_its_filters(manager_client, demo):
    event = demo.events.get(title="BioJapan partnering")
    response = manager_client.post(export_url(demo, "csv"), {"event": event.pk, "date_from": demo.start_date})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Filters,event: BioJapan partnering; from" in text
    log = ReportExport.objects.get()
    assert log.requested_by.username == "manager"
    assert log.filters["event"] == event.pk and log.filters["date_from"] == demo.start_date.isoformat()
    assert "BioJapan partnering" in report_page_exports(manager_client, demo)


def report_page_exports(client, mission) -> str:
    html = client.get(report_url(mission)).content.decode()
    return html[html.index("Recent exports") :]


def test_unknown_jobs_are_blank_not_zero_and_meeting_notes_are_exported(manager_client, demo):
    """An outcome that does not say how many jobs counts as unknown on the page and in the CSV."""
    from followups.models import Outcome

    Outcome.objects.filter(mission=demo).update(jobs=None)
    meeting = demo.meetings.get(topic__startswith="Peptide drug discovery")
    meeting.notes = "Asked for the pre-clinical data pack; 佐藤さん leads"
    meeting.save()
    page = manager_client.get(report_url(demo)).content.decode()
    assert page_kpis(page)["Jobs created or safeguarded"] is None
    sections = csv_sections(
        b"".join(manager_client.post(export_url(demo, "csv")).streaming_content).decode("utf-8-sig")
    )
    summary = {row[0]: row[1:] for row in sections["Summary"] if row}
    assert summary["Jobs created or safeguarded"] == [""]
    kind_rows = [row for row in sections["Summary"] if row and row[0] in dict(Outcome.Kind.choices).values()]
    assert kind_rows and all(row[2] == "" for row in kind_rows)
    headers, *rows = sections["Partnering meetings"]
    notes = [row[headers.index("Notes")] for row in rows]
    assert "Asked for the pre-clinical data pack; 佐藤さん leads" in notes
