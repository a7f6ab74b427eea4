"""Large exports are built by a Celery worker into Django's storage, shown with
a progress bar, downloaded by any web process, and deleted when they expire."""

import io
import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from contacts.models import Organisation
from delegation_crm.celery import app
from events.models import PartneringMeeting
from followups.export_jobs import report_export_build
from followups.models import ReportExport
from followups.tasks import delete_expired_report_exports
from tests.factories import DelegateFactory, EventFactory, MissionFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]


def big_mission(meetings: int):
    mission = MissionFactory(title="Large delegation to BIO")
    event = EventFactory(mission=mission)
    delegate = DelegateFactory(mission=mission)
    org = Organisation.objects.create(name="Takeda Pharmaceutical", name_native="武田薬品工業", country="JP")
    created = PartneringMeeting.objects.bulk_create(
        PartneringMeeting(
            mission=mission,
            event=event,
            starts_at=event.starts_at + timedelta(minutes=15 * i),
            topic=f"Meeting {i}",
            status=PartneringMeeting.Status.HELD,
        )
        for i in range(meetings)
    )
    PartneringMeeting.delegates.through.objects.bulk_create(
        PartneringMeeting.delegates.through(partneringmeeting=m, delegate=delegate) for m in created
    )
    PartneringMeeting.counterpart_organisations.through.objects.bulk_create(
        PartneringMeeting.counterpart_organisations.through(partneringmeeting=m, organisation=org) for m in created
    )
    return mission


@pytest.fixture
def worker(transactional_db, media, tmp_path):
    """A real Celery worker process on the test database and the test Redis."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "delegation_crm.settings_test",
        "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(
            **{k: connection.settings_dict[k] or "" for k in ("USER", "HOST", "PORT", "NAME")}
        ),
        "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
        "MEDIA_ROOT": str(media),
        "CONN_MAX_AGE": "0",
    }
    log = (tmp_path / "worker.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "delegation_crm", "worker", "--pool", "solo", "-l", "info",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"report-{uuid.uuid4().hex[:8]}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


@pytest.mark.django_db(transaction=True)
def test_large_export_is_built_by_a_worker_with_progress_and_a_download(client, settings, worker, tmp_path):
    settings.REPORT_EXPORT_DIRECT_MAX_ROWS = 100
    mission = big_mission(400)
    client.force_login(UserFactory(role="manager"))
    url = reverse("followups:mission-report-export", kwargs={"pk": mission.pk, "fmt": "xlsx"})
    response = client.post(url)
    export = ReportExport.objects.get()
    status_url = reverse("followups:report-export-status", kwargs={"pk": export.pk})
    assert response.status_code == 302 and response["Location"] == status_url  # the page never blocks
    assert not export.served_directly and export.rows == 400

    page = client.get(status_url).content.decode()
    assert "Download" in page or "<progress" in page
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        export.refresh_from_db()
        if export.finished:
            break
        partial = client.get(status_url, headers={"HX-Request": "true"}).content.decode()
        # Still building: the bar polls; or it finished meanwhile: the link is there.
        assert ('hx-trigger="every 1s"' in partial and "<progress" in partial) or "Download" in partial
        time.sleep(0.5)
    worker_log = (tmp_path / "worker.log").read_text()
    assert export.status == ReportExport.Status.DONE, (export.status, export.error, worker_log)
    assert export.progress == 100 and export.size > 0
    assert export.expires_at > timezone.now() + timedelta(hours=23)
    assert default_storage.exists(export.file.name)

    partial = client.get(status_url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial  # polling stops
    download = reverse("followups:report-export-download", kwargs={"pk": export.pk})
    assert download in partial
    response = client.get(download)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = wb["Partnering meetings"]
    assert sheet.max_row == 401  # no row cap
    assert "武田薬品工業" in sheet["E2"].value


def test_building_twice_is_harmless(db, media):
    mission = MissionFactory()
    export = ReportExport.objects.create(mission=mission, format="csv", filters={})
    built = report_export_build(export_id=export.pk)
    assert built.status == ReportExport.Status.DONE
    content = default_storage.open(built.file.name).read()
    assert content.startswith(b"\xef\xbb\xbf")
    assert report_export_build(export_id=export.pk) is None  # already done: nothing to do
    assert ReportExport.objects.get().file.name == built.file.name


def test_expired_files_are_deleted_and_the_log_stays(client, db, media):
    mission = MissionFactory()
    user = UserFactory(role="manager")
    old = ReportExport.objects.create(mission=mission, requested_by=user, format="csv", status="done", progress=100)
    old.file.save("old.csv", ContentFile(b"a,b\n"), save=False)
    old.expires_at = timezone.now() - timedelta(minutes=1)
    old.save()
    fresh = ReportExport.objects.create(mission=mission, requested_by=user, format="csv", status="done", progress=100)
    fresh.file.save("fresh.csv", ContentFile(b"a,b\n"), save=False)
    fresh.expires_at = timezone.now() + timedelta(hours=23)
    fresh.save()
    old_name = old.file.name

    assert delete_expired_report_exports() == 1  # the task the beat schedule runs

    old.refresh_from_db()
    assert old.status == ReportExport.Status.EXPIRED and not old.file
    assert not default_storage.exists(old_name)
    assert default_storage.exists(fresh.file.name)
    assert ReportExport.objects.count() == 2  # the log of who exported what stays
    client.force_login(user)
    response = client.get(reverse("followups:report-export-download", kwargs={"pk": old.pk}))
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_cleanup_runs_on_the_beat_schedule():
    entries = [e for e in django_settings.CELERY_BEAT_SCHEDULE.values() if e["task"].endswith("report_exports")]
    assert entries and entries[0]["task"] in app.tasks


def test_pdf_goes_to_a_worker_sooner_than_a_spreadsheet(client, db, settings):
    settings.REPORT_EXPORT_DIRECT_MAX_ROWS = 50
    mission = big_mission(20)
    client.force_login(UserFactory(role="manager"))
    csv_response = client.post(reverse("followups:mission-report-export", kwargs={"pk": mission.pk, "fmt": "csv"}))
    assert csv_response.status_code == 200  # 20 rows: served at once
    b"".join(csv_response.streaming_content)
    pdf_response = client.post(reverse("followups:mission-report-export", kwargs={"pk": mission.pk, "fmt": "pdf"}))
    queued = ReportExport.objects.get(format="pdf")
    assert pdf_response.status_code == 302 and queued.status == ReportExport.Status.PENDING
