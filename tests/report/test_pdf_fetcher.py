"""The PDF renderer reads the project's own stylesheet and nothing else: report
text is untrusted, so it must never make the renderer fetch a URL or a file."""

import http.server
import io
import socket
import threading

import pytest
from django.urls import reverse
from pypdf import PdfReader

from contacts.models import Organisation
from followups.exports import PDF_BASE_URL, project_asset_fetcher, render_pdf
from followups.models import Testimonial
from tests.factories import MeetingFactory, MissionFactory


class CountingHandler(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        CountingHandler.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def trap():
    """A real HTTP server on loopback that records every request it gets."""
    CountingHandler.hits = []
    server = http.server.HTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_fetcher_refuses_urls_and_files_outside_the_projects_assets():
    fetcher = project_asset_fetcher()
    for url in (
        "http://127.0.0.1:1/x",
        "https://example.org/logo.png",
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        PDF_BASE_URL + "css/../../manage.py",
        PDF_BASE_URL + "vendor/htmx/htmx.min.js",
        "data:text/plain,hello",
        "ftp://127.0.0.1/x",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 8
    response = fetcher.fetch(PDF_BASE_URL + "css/report-pdf.css")
    assert b"@page" in response.read() and response.content_type == "text/css"


def test_raw_html_with_remote_and_local_references_fetches_nothing(trap):
    html = (
        f'<html><head><link rel="stylesheet" href="{trap}/style.css">'
        '<link rel="stylesheet" href="file:///etc/passwd"></head>'
        f'<body><p>Hello</p><img src="{trap}/x.png"><img src="file:///etc/passwd">'
        f'<div style="background: url({trap}/bg.png)">x</div></body></html>'
    )
    pdf = render_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert CountingHandler.hits == []


def test_user_text_in_the_report_is_printed_not_fetched(manager_client, trap):
    mission = MissionFactory(title="Tiny mission")
    org = Organisation.objects.create(name=f'<img src="{trap}/org.png"> 武田薬品工業', country="JP")
    meeting = MeetingFactory(mission=mission, topic='<img src="file:///etc/passwd">')
    meeting.counterpart_organisations.add(org)
    Testimonial.objects.create(
        mission=mission, attribution="Someone", quote=f'<link rel="stylesheet" href="{trap}/q.css">', approved=True
    )
    response = manager_client.post(reverse("followups:mission-report-export", kwargs={"pk": mission.pk, "fmt": "pdf"}))
    assert response.status_code == 200
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    squeezed = "".join(text.split())  # table cells wrap long text across lines
    assert f'<imgsrc="{trap}/org.png">武田薬品工業' in squeezed  # printed as text, escaped
    assert '<imgsrc="file:///etc/passwd">' in squeezed
    assert f'<linkrel="stylesheet"href="{trap}/q.css">' in squeezed
    assert CountingHandler.hits == []


def test_trap_server_does_see_a_plain_request(trap):
    # The trap works: a direct request is recorded, so the assertions above can fail.
    host, port = trap.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(b"GET /probe HTTP/1.0\r\n\r\n")
        sock.recv(100)
    assert CountingHandler.hits == ["/probe"]
