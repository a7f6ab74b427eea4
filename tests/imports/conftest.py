"""Helpers for the import tests: real CSV and XLSX files built in memory, and a client that walks
upload → columns → preview → import like a user would."""

import csv
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from events.models import ImportJob

from ..conftest import PASSWORD


def csv_bytes(rows: list[list], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload_file(name: str, data: bytes) -> SimpleUploadedFile:
    content_type = "text/csv" if name.endswith(".csv") else "application/octet-stream"
    return SimpleUploadedFile(name, data, content_type=content_type)


def start_url(kind: str, mission=None) -> str:
    if kind == "contacts":
        return reverse("events:contacts-import-start")
    return reverse("events:import-start", kwargs={"pk": mission.pk, "kind": kind})


class Importer:
    """Drives the import pages through Django's test client."""

    def __init__(self, client):
        self.client = client

    def upload(self, kind, name, data, *, mission=None, encoding="auto"):
        return self.client.post(start_url(kind, mission), {"file": upload_file(name, data), "encoding": encoding})

    def upload_ok(self, kind, name, data, *, mission=None, encoding="auto") -> ImportJob:
        response = self.upload(kind, name, data, mission=mission, encoding=encoding)
        assert response.status_code == 302, response.content.decode()[:3000]
        job_pk = int(re.search(r"/imports/(\d+)/columns/", response.url).group(1))
        return ImportJob.objects.get(pk=job_pk)

    def mapping_page(self, job):
        return self.client.get(reverse("events:import-mapping", kwargs={"job_pk": job.pk}))

    def submit_mapping(self, job, mapping=None):
        """Post the mapping form as shown (the guesses), with `mapping` overriding fields."""
        page = self.mapping_page(job).content.decode()
        data = {}
        for name, body in re.findall(r'<select name="([a-z_]+)"[^>]*>(.*?)</select>', page, re.S):
            selected = re.search(r'<option value="([^"]*)" selected>', body)
            data[name] = selected.group(1) if selected else ""
        for tag in re.findall(r'<input[^>]*type="radio"[^>]*checked[^>]*>', page):
            data[re.search(r'name="([^"]+)"', tag).group(1)] = re.search(r'value="([^"]*)"', tag).group(1)
        data.update(mapping or {})
        return self.client.post(reverse("events:import-mapping", kwargs={"job_pk": job.pk}), data)

    def preview(self, job):
        return self.client.get(reverse("events:import-preview", kwargs={"job_pk": job.pk}))

    def confirm(self, job, *, skip_bad_rows=False):
        data = {"skip_bad_rows": "on"} if skip_bad_rows else {}
        return self.client.post(reverse("events:import-preview", kwargs={"job_pk": job.pk}), data)

    def run(self, kind, name, data, *, mission=None, mapping=None, skip_bad_rows=False, encoding="auto") -> ImportJob:
        """The whole journey; returns the finished job."""
        job = self.upload_ok(kind, name, data, mission=mission, encoding=encoding)
        response = self.submit_mapping(job, mapping)
        assert response.status_code == 302, response.content.decode()[:3000]
        assert self.preview(job).status_code == 200
        response = self.confirm(job, skip_bad_rows=skip_bad_rows)
        assert response.status_code == 302, response.content.decode()[:3000]
        job.refresh_from_db()
        return job


@pytest.fixture
def importer(client, world):
    assert client.login(username="alice", password=PASSWORD)
    return Importer(client)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
