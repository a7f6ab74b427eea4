"""Files built to cost a worker: each is refused quickly, says why, and leaves
nothing behind (no job, no file in storage)."""

import io
import os
import time
import zipfile
from pathlib import Path

import pytest
from django.db import IntegrityError

from events.imports import files
from events.models import ImportJob

from .conftest import csv_bytes, xlsx_bytes

ROWS = [["Given name", "Family name", "Name in Japanese", "Email"], ["健", "佐藤", "佐藤 健", "ken@example.jp"]]


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def refused(importer, world, settings, name, data, message):
    response = importer.upload("delegates", name, data, mission=world.mission_a)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ImportJob.objects.count() == 0
    assert stored_files(settings) == []
    return response


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(importer, world, codec):
    job = importer.upload_ok("delegates", "export.csv", csv_bytes(ROWS, encoding=codec), mission=world.mission_a)
    assert job.headers == ROWS[0]
    importer.submit_mapping(job)
    importer.confirm(job)
    assert world.mission_a.delegates.get(person__email="ken@example.jp").person.name_native == "佐藤 健"


def test_a_nul_in_the_header_is_refused_with_where_it_is(importer, world, settings):
    data = "Given name,Fam\x00ily name\n健,佐藤\n".encode()
    refused(importer, world, settings, "nul.csv", data, "holds a NUL character (byte 0) at row 1")


def test_a_nul_in_a_data_cell_is_refused_at_upload_not_in_the_preview(importer, world, settings):
    data = "Given name,Family name,Email\n健,佐藤,ok@example.jp\nKen,Sa\x00to,x@example.jp\n".encode()
    refused(importer, world, settings, "nul.csv", data, "at row 3, column “Family name”")


def test_a_workbook_that_inflates_past_the_bound_is_refused_before_it_is_parsed(importer, world, settings):
    """The shared strings unpack to 72 MB from a few hundred KB."""
    plain = zipfile.ZipFile(io.BytesIO(xlsx_bytes(ROWS)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in plain.infolist():
            if item.filename != "xl/sharedStrings.xml":
                bomb.writestr(item, plain.read(item))
        huge = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
        bomb.writestr("xl/sharedStrings.xml", huge + b"x" * (72 * 1024 * 1024) + b"</t></si></sst>")
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024
    started = time.monotonic()
    refused(importer, world, settings, "bomb.xlsx", data, "This workbook unpacks to 72 MB of data")
    assert time.monotonic() - started < 10  # refused from the ZIP directory, not after parsing


def test_twenty_thousand_identical_header_names_are_refused_as_too_wide(importer, world, settings):
    data = (",".join(["Email"] * 20_000) + "\n" + ",".join(["x"] * 20_000) + "\n").encode()
    refused(importer, world, settings, "wide.csv", data, "The file has more than 200 columns")


def test_repeated_header_names_are_numbered_in_one_pass():
    names = files._unique_headers(["Email"] * 150 + ["", "Email (2)"])
    assert names[:3] == ["Email", "Email (2)", "Email (3)"]
    assert names[149] == "Email (150)"
    assert names[150] == "Column 151"
    assert len(set(names)) == len(names) == 152


def test_an_xlsx_wider_than_the_bound_is_refused(importer, world, settings):
    rows = [[f"Column {i}" for i in range(260)], ["x"] * 260]
    refused(importer, world, settings, "wide.xlsx", xlsx_bytes(rows), "The file has more than 200 columns")


@pytest.mark.parametrize("length", [40_000, 200_000])
def test_an_overlong_csv_cell_is_refused(importer, world, settings, length):
    data = csv_bytes([ROWS[0], ["健", "x" * length, "佐藤 健", "ken@example.jp"]])
    refused(importer, world, settings, "long.csv", data, "holds more than 32,767 characters")


def test_more_cells_than_one_import_reads_are_refused(importer, world, settings, monkeypatch):
    monkeypatch.setattr(files, "MAX_CELLS", 1_000)
    data = csv_bytes([[f"C{i}" for i in range(20)]] + [[str(n)] * 20 for n in range(60)])
    refused(importer, world, settings, "many.csv", data, "The file has 60 rows of 20 columns, more than the 1,000")


def test_a_file_that_takes_too_long_to_read_is_stopped(importer, world, settings, monkeypatch):
    monkeypatch.setattr(files, "MAX_READ_SECONDS", 0.0)
    data = csv_bytes([ROWS[0]] + [["健", "佐藤", "佐藤 健", f"k{n}@example.jp"] for n in range(2_500)])
    refused(importer, world, settings, "slow.csv", data, "took longer than 0 seconds, so it was stopped")


def test_an_upload_whose_job_cannot_be_saved_leaves_no_file(importer, world, settings, monkeypatch):
    def database_refuses(self, *args, **kwargs):
        raise IntegrityError("the database refused the row")

    monkeypatch.setattr(ImportJob, "save", database_refuses)
    with pytest.raises(IntegrityError):
        importer.upload("delegates", "d.csv", csv_bytes(ROWS), mission=world.mission_a)
    assert stored_files(settings) == []


def test_the_purge_sweeps_files_no_job_refers_to(importer, world, settings):
    from events.services import import_files_purge

    job = importer.upload_ok("delegates", "d.csv", csv_bytes(ROWS), mission=world.mission_a)
    kept = Path(settings.MEDIA_ROOT) / job.file.name
    orphan = kept.parent / "left-behind.csv"
    recent = kept.parent / "being-saved-now.csv"
    orphan.write_bytes(b"Given name\nKen\n")
    recent.write_bytes(b"Given name\nKen\n")
    two_hours_ago = time.time() - 2 * 3600
    os.utime(orphan, (two_hours_ago, two_hours_ago))
    os.utime(kept, (two_hours_ago, two_hours_ago))
    assert import_files_purge() == 1
    assert not orphan.exists()
    assert kept.exists() and recent.exists()  # its job's file, and one whose job may be being saved
