"""Large files are imported by a real Celery worker against Redis, with progress the page can poll."""

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.urls import reverse

from events.models import ImportJob, PartneringMeeting
from events.services import _Progress

from ..factories import DelegateFactory, PersonFactory
from .conftest import csv_bytes

ROOT = Path(__file__).resolve().parents[2]
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def celery_worker(transactional_db, tmp_path, settings):
    """`celery worker --pool=solo` on our Redis database and the test database, in a subprocess."""
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "delegation_crm.settings_test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CONN_MAX_AGE": "0",
    }
    assert db["NAME"].startswith("test_"), db["NAME"]
    celery = [sys.executable, "-m", "celery", "-A", "delegation_crm"]
    subprocess.run([*celery, "purge", "-f"], env=env, cwd=ROOT, check=True, capture_output=True, timeout=60)
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115
    worker = subprocess.Popen(
        [*celery, "worker", "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield tmp_path / "worker.log"
    worker.terminate()
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
    log.close()


def meeting_rows(mission, count):
    rows = [["Date", "Time", "Table", "Our delegate", "Company", "Company name (Japanese)", "Status"]]
    for n in range(count):
        day = mission.start_date + dt.timedelta(days=n // 200)
        start = dt.datetime.combine(day, dt.time(9)) + dt.timedelta(minutes=30 * ((n % 200) // 10))
        rows.append(
            [day.isoformat(), f"{start:%H:%M}", f"T{n % 10}", "Oscar Ces", f"Company {n}", f"会社{n}番", "Accepted"]
        )
    return rows


@pytest.mark.django_db(transaction=True)
def test_a_large_meeting_list_is_imported_by_a_celery_worker(importer, world, celery_worker):
    mission = world.mission_a
    DelegateFactory(mission=mission, person=PersonFactory(given_name="Oscar", family_name="Ces"))
    count = settings.IMPORT_BACKGROUND_ROWS + 300
    job = importer.upload_ok("meetings", "platform-export.csv", csv_bytes(meeting_rows(mission, count)),
                             mission=mission)  # fmt: skip
    importer.submit_mapping(job)
    preview = importer.preview(job).content.decode()
    assert "imported in the background" in preview

    response = importer.confirm(job)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)
    page = importer.client.get(response.url).content.decode()
    assert 'hx-trigger="every 1s"' in page and "<progress" in page

    progress_url = reverse("events:import-progress", kwargs={"job_pk": job.pk})
    deadline = time.monotonic() + 300
    while not job.is_finished:
        assert time.monotonic() < deadline, celery_worker.read_text()[-3000:]
        time.sleep(1)
        job.refresh_from_db()
        assert 0 <= job.processed_rows <= count

    assert job.status == ImportJob.Status.DONE, job.failure + celery_worker.read_text()[-3000:]
    assert job.processed_rows == job.total_rows == count
    assert job.percent == 100
    assert PartneringMeeting.objects.filter(mission=mission).count() == count
    meeting = PartneringMeeting.objects.get(counterpart_organisations__name_native="会社7番")
    assert meeting.starts_at == dt.datetime.combine(mission.start_date, dt.time(9), TOKYO)
    partial = importer.client.get(progress_url, HTTP_HX_REQUEST="true").content.decode()
    assert f"{count} rows read; {count} added something new" in partial and 'value="100"' in partial
    assert "hx-trigger" not in partial  # polling stops when the job is finished
    assert "import_job_run" in celery_worker.read_text()


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_outside_the_import_transaction(world):
    job = ImportJob.objects.create(
        kind="delegates", mission=world.mission_a, original_name="x.csv", file_hash="2" * 64, total_rows=100
    )
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with transaction.atomic(), _Progress(job.pk) as progress:
            progress.tick(50)
            with other.cursor() as cursor:
                cursor.execute("SELECT processed_rows FROM events_importjob WHERE id = %s", [job.pk])
                assert cursor.fetchone() == (50,)
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_an_import_whose_task_was_lost_is_sent_again_and_imported_once(importer, world, request):
    """Redis keeps nothing on disk: a restart loses the queued task. The periodic sweep sends
    the waiting job again, and the worker imports it once."""
    mission = world.mission_a
    DelegateFactory(mission=mission, person=PersonFactory(given_name="Oscar", family_name="Ces"))
    count = settings.IMPORT_BACKGROUND_ROWS + 10
    job = importer.upload_ok("meetings", "lost.csv", csv_bytes(meeting_rows(mission, count)), mission=mission)
    importer.submit_mapping(job)
    assert importer.confirm(job).status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED and job.queued_at is not None

    worker_log = request.getfixturevalue("celery_worker")  # purges the queue first: the task is lost
    from events.services import import_jobs_resend_stalled

    assert import_jobs_resend_stalled() == 0  # not yet: it has only just been queued
    ImportJob.objects.filter(pk=job.pk).update(queued_at=job.queued_at - dt.timedelta(minutes=11))
    assert import_jobs_resend_stalled() == 1
    assert import_jobs_resend_stalled() == 0  # sent once per interval, not at every sweep

    deadline = time.monotonic() + 300
    while not job.is_finished:
        assert time.monotonic() < deadline, worker_log.read_text()[-3000:]
        time.sleep(1)
        job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.failure
    assert PartneringMeeting.objects.filter(mission=mission).count() == count
