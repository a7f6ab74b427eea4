"""Hostile input in every text field that a page shows: script tags, template syntax,
right-to-left overrides, emoji and 10 000-character notes. Nothing executes, nothing
breaks the layout, nothing is lost: on the pages, in the forms (values go back unchanged),
in the import preview and in every export. Pages and fields are listed in tests/security/hostile.py."""

import csv
import io
import json
import re
import shutil
import subprocess
import unicodedata
from html.parser import HTMLParser

import openpyxl
import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from ..conftest import PASSWORD, login
from .hostile import (
    EXPORT_PAYLOADS,
    FIELDS,
    FORMS,
    LONG_LENGTH,
    NOT_RENDERED,
    PAGES,
    PAYLOADS,
    SCRIPT,
    TEMPLATE,
    hostile_import,
    import_rows,
    prepare,
    store,
    store_text,
    tag_of,
)

TEXT_MODELS = [
    "contacts.Organisation", "contacts.Person", "contacts.Sector", "events.Mission", "events.Delegate",
    "events.Event", "events.PartneringMeeting", "events.Enquiry", "followups.FollowUp", "followups.FollowUpNote",
    "followups.Outcome", "followups.Testimonial", "contacts.User",
]  # fmt: skip
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hostile(world):
    return prepare(world)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def sign_in(client, persona):
    client.logout()
    assert client.login(username=persona, password=PASSWORD)


def strings_in(data):
    if isinstance(data, dict):
        for value in data.values():
            yield from strings_in(value)
    elif isinstance(data, list):
        for value in data:
            yield from strings_in(value)
    elif isinstance(data, str):
        yield data


def test_every_text_field_is_registered(hostile):
    """A free-text field added to a model must be listed with the pages that show it (or why none does)."""
    registered = {f"{field.record(hostile)._meta.label}.{field.name}" for field in FIELDS.values()}
    assert not set(NOT_RENDERED) & registered
    missing = []
    for label in TEXT_MODELS:
        for f in apps.get_model(label)._meta.get_fields():
            if f.get_internal_type() not in ("CharField", "TextField") if hasattr(f, "get_internal_type") else True:
                continue
            if f.choices or not f.editable or (f.max_length or 10) < 10 or f.name.startswith("search_"):
                continue  # choices, codes and computed search keys are not free text
            name = f"{label}.{f.name}"
            if name not in registered and name not in NOT_RENDERED:
                missing.append(name)
    assert missing == [], "add these to FIELDS (with the pages that show them) or NOT_RENDERED"
    assert all(page in PAGES for field in FIELDS.values() for page in field.pages)


def test_hostile_text_is_stored_whole(hostile):
    for field_name, field in FIELDS.items():
        for payload in PAYLOADS:
            value = store(hostile, field, payload)
            record = field.record(hostile)
            record.refresh_from_db()
            assert getattr(record, field.name) == value, (field_name, payload)  # nothing lost
            if payload == "long" and not field.max_length(record):
                assert len(value) == LONG_LENGTH


@pytest.mark.parametrize("page_name", sorted({p for f in FIELDS.values() for p in f.pages}))
def test_hostile_text_is_shown_whole_as_text(client, hostile, page_name):
    """Every field the page shows, with every payload at once (each marked with its field's tag)."""
    page = PAGES[page_name]
    fields = [name for name, field in FIELDS.items() if page_name in field.pages]
    sign_in(client, page.persona)
    for payload in PAYLOADS:
        values = {name: store(hostile, FIELDS[name], payload, tag_of(name)) for name in fields}
        response = client.get(page.url(hostile))
        assert response.status_code == 200, (page_name, payload)
        html = response.content.decode()
        missing = [name for name, value in values.items() if escape(value) not in html]
        assert missing == [], f"not shown in full on {page_name} ({payload})"
        assert "<script>window.__xss" not in html and "<img src=x" not in html


def test_hostile_text_is_in_the_subject_access_exports_whole(client, hostile):
    fields = [name for name, field in FIELDS.items() if field.exports and field.exports[0].startswith("followups:")]
    sign_in(client, "mary")
    for payload in PAYLOADS:
        values = {name: store(hostile, FIELDS[name], payload, tag_of(name)) for name in fields}
        for export in ("followups:privacy-export-json", "followups:privacy-export-csv"):
            response = client.get(reverse(export, args=[hostile.person.pk]))
            assert response.status_code == 200
            if export.endswith("json"):
                found = set(strings_in(json.loads(response.content)))
            else:
                rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
                found = {cell for row in rows for cell in row}
            missing = [name for name, value in values.items() if value not in found]
            assert missing == [], f"not exported whole in {export} ({payload})"


def _plain(text: str) -> str:
    """Text as PDF extraction gives it back: no white space, no invisible formatting characters, and
    no emoji (the server has no emoji font: they are drawn as boxes and extract as garbage)."""
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) not in ("Cf", "So", "Sk"))


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils is missing: scripts/install-system-deps.sh installs it"
    # -raw: in the order drawn, so a wrapped cell is not interleaved with the cell beside it
    return subprocess.run(
        [pdftotext, "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()


def _in_pdf_text(value: str, text: str) -> bool:
    """Extraction gives text in the order it is drawn: a right-to-left override shows (and extracts)
    "evil.exe" as "exe.live". Each run of letters must be there, one way round or the other."""
    if _plain(value) in text:
        return True
    runs = [run for run in re.split(r"[\s\u200e\u200f\u202a-\u202e\u2066-\u2069]+", value) if run]
    return all(_plain(run) in text or _plain(run)[::-1] in text for run in runs)


def test_hostile_text_is_in_the_report_exports_whole_and_inert(client, hostile, tmp_path):
    """CSV, XLSX and PDF: every value is there in full; no spreadsheet cell starts a formula."""
    fields = [name for name, field in FIELDS.items() if "csv" in field.exports]
    sign_in(client, "alice")
    url = reverse("followups:mission-report-export", args=[hostile.mission_a.pk, "csv"])
    for payload in EXPORT_PAYLOADS:
        values = {name: store(hostile, FIELDS[name], payload, tag_of(name)) for name in fields}

        response = client.post(url)
        assert response.status_code == 200, payload
        cells = [
            c for row in csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))) for c in row
        ]
        risky = [c for c in cells if c.startswith(FORMULA_START) and not re.fullmatch(r"-?[\d.]+", c)]
        assert risky == [], f"CSV cells a spreadsheet would evaluate ({payload})"
        shown = [c[1:] if c.startswith("'") and c[1:].startswith(FORMULA_START) else c for c in cells]
        missing = [name for name, value in values.items() if not any(value in c for c in shown)]
        assert missing == [], f"not in the CSV in full ({payload})"

        response = client.post(url.replace("/csv/", "/xlsx/"))
        assert response.status_code == 200, payload
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
        assert [c.coordinate for c in cells if c.data_type == "f"] == [], f"XLSX formulas ({payload})"
        texts = [c.value for c in cells if isinstance(c.value, str)]
        missing = [name for name, value in values.items() if not any(value in t for t in texts)]
        assert missing == [], f"not in the XLSX in full ({payload})"

    # A PDF takes seconds to lay out: one, with the short payloads dealt round the fields in turn.
    short = [payload for payload in EXPORT_PAYLOADS if payload != "long"]
    in_pdf = [name for name in fields if "pdf" in FIELDS[name].exports]
    values = {name: store(hostile, FIELDS[name], short[i % len(short)], tag_of(name)) for i, name in enumerate(in_pdf)}
    response = client.post(url.replace("/csv/", "/pdf/"))
    assert response.status_code == 200
    text = _plain(_pdf_text(response.content, tmp_path))
    missing = [name for name, value in values.items() if not _in_pdf_text(value, text)]
    assert missing == [], f"not in the PDF text: {[(name, values[name]) for name in missing]}"


def test_hostile_values_in_an_uploaded_file_are_previewed_verbatim(client, hostile):
    sign_in(client, "alice")
    job = hostile_import(hostile, client)
    response = client.get(reverse("events:import-preview", kwargs={"job_pk": job.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>window.__xss" not in html and "<img src=x" not in html
    assert escape(job.original_name) in html
    missing = [
        (r, c) for r, row in enumerate(import_rows(hostile)) for c, cell in enumerate(row) if escape(cell) not in html
    ]
    assert missing == [], "cells of the file not shown verbatim"


class FormReader(HTMLParser):
    """The fields of the page's largest POST form, as the browser would submit them untouched."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.select, self.textarea, self.option = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"method": (a.get("method") or "get").lower(), "data": []})
        elif not self.forms or "disabled" in a:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self.forms[-1]["data"].append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and a.get("name"):
            self.textarea = [a["name"], ""]
        elif tag == "select" and a.get("name"):
            self.select = a["name"]
        elif tag == "option" and self.select and "selected" in a:
            self.option = a.get("value")
            if self.option is not None:
                self.forms[-1]["data"].append((self.select, self.option))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            self.forms[-1]["data"].append((name, text[1:] if text.startswith("\n") else text))
            self.textarea = None
        elif tag == "select":
            self.select = None

    def submission(self) -> dict:
        form = max((f for f in self.forms if f["method"] == "post"), key=lambda f: len(f["data"]))
        data = {}
        for name, value in form["data"]:
            data.setdefault(name, []).append(value)
        return data


VALIDATED = {
    "person email",
    "delegate email",
    "organisation website",
    "account email",
}  # addresses a form checks, not free text


@pytest.mark.parametrize("page_name", FORMS)
def test_hostile_text_survives_a_form_round_trip(client, hostile, page_name):
    """Open the form and save it untouched: every hostile value comes back exactly as it was."""
    page = PAGES[page_name]
    fields = [name for name, field in FIELDS.items() if page_name in field.pages and name not in VALIDATED]
    sign_in(client, page.persona)
    url = page.url(hostile)
    for payload in PAYLOADS:
        values = {name: store(hostile, FIELDS[name], payload, tag_of(name)) for name in fields}
        reader = FormReader()
        reader.feed(client.get(url).content.decode())
        response = client.post(url, reader.submission())
        assert response.status_code == 302, (
            payload,
            re.findall(r'class="[^"]*invalid-feedback[^"]*"[^>]*>(.*?)<', response.content.decode()),
        )
        for name, value in values.items():
            record = FIELDS[name].record(hostile)
            record.refresh_from_db()
            assert getattr(record, FIELDS[name].name) == value, f"{name} changed by saving {page_name} ({payload})"


def fill_every_field(world):
    hostile = f"{SCRIPT} {TEMPLATE} {PAYLOADS['rtl']} {PAYLOADS['emoji']} "
    for field in FIELDS.values():
        limit = field.max_length(field.record(world)) or LONG_LENGTH
        tail = "BEGIN" + "x" * max(limit - len(hostile) - 8, 0) + "END"
        store_text(world, field, (hostile + tail)[:limit])


def watch(page):
    """Collect dialogs, console messages and CSP violations on the page."""
    seen = {"dialogs": [], "console": [], "violations": []}
    page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: seen["console"].append(message.text))
    page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective));"
    )
    return seen


def import_preview_url(world):
    client = Client()
    assert client.login(username="alice", password=PASSWORD)
    return reverse("events:import-preview", kwargs={"job_pk": hostile_import(world, client).pk})


BROWSER_PAGES = {name: (page.persona, page.url) for name, page in PAGES.items()}
BROWSER_PAGES["import-preview"] = ("alice", import_preview_url)
VIEWPORTS = ({"width": 1280, "height": 900}, {"width": 375, "height": 812})


def page_problems(page, seen) -> list[str]:
    """What a person would notice: a script ran, an element was injected, the page lost its frame or
    became wider than the screen, the browser refused something."""
    problems = []
    if seen["dialogs"] or page.evaluate("window.__xss") is not None:
        problems.append("a script ran")
    if page.locator("#xss").count():
        problems.append("an injected element exists")
    for selector in ("nav[aria-label=Main]", "main", "h1"):
        if not page.locator(selector).first.is_visible():
            problems.append(f"{selector} is not visible")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 1:
        problems.append(f"{overflow}px wider than the screen")
    if page.evaluate("window.__violations") or [m for m in seen["console"] if "Content Security Policy" in m]:
        problems.append("a Content Security Policy violation")
    return problems


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("persona", sorted({persona for persona, _ in BROWSER_PAGES.values()}))
def test_hostile_text_neither_runs_nor_breaks_the_page(browser, live_server, world, persona):
    """Every page, full of hostile text, on a desktop and a phone screen (one sign-in per persona)."""
    fill_every_field(prepare(world))
    context = browser.new_context(base_url=live_server.url, viewport=VIEWPORTS[0])
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems = {}
    try:
        seen = watch(page)
        login(page, persona)
        for name, (_, url) in sorted(BROWSER_PAGES.items()):
            if BROWSER_PAGES[name][0] != persona:
                continue
            url = url(world)
            for viewport in VIEWPORTS:
                page.set_viewport_size(viewport)
                page.goto(url)
                page.wait_for_load_state("load")
                found = page_problems(page, seen)
                if found:
                    problems[f"{name} at {viewport['width']}px"] = found
    finally:
        context.close()
    assert problems == {}
