"""Files that cannot be imported get a clear message and write nothing."""

import pytest

from events.models import ImportJob

from .conftest import csv_bytes, xlsx_bytes

ROWS = [["Given name", "Family name", "Name in Japanese", "Email"], ["健", "佐藤", "佐藤 健", "ken@example.jp"]]


def test_a_20_mb_upload_is_refused(importer, world):
    data = csv_bytes(ROWS) + b"x" * (20 * 1024 * 1024)
    response = importer.upload("delegates", "huge.csv", data, mission=world.mission_a)
    assert response.status_code == 400
    assert "The file is 20.0 MB; the largest file you can import is 10 MB." in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_the_limit_is_a_setting(importer, world, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    response = importer.upload("delegates", "big.csv", csv_bytes(ROWS) + b"x" * (1024 * 1024), mission=world.mission_a)
    assert "the largest file you can import is 1 MB" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_shift_jis_csv_is_detected_and_refused_clearly(importer, world):
    response = importer.upload("delegates", "japanese-excel.csv", csv_bytes(ROWS, encoding="shift_jis"),
                               mission=world.mission_a)  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    assert "The file is not UTF-8 text (first unreadable character on line 2): it looks like Shift_JIS" in page
    assert "Nothing was imported." in page
    assert ImportJob.objects.count() == 0


def test_shift_jis_csv_is_read_when_the_user_says_so(importer, world):
    job = importer.upload_ok("delegates", "japanese-excel.csv", csv_bytes(ROWS, encoding="shift_jis"),
                             mission=world.mission_a, encoding="shift_jis")  # fmt: skip
    assert job.encoding == "shift_jis"
    importer.submit_mapping(job)
    importer.confirm(job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    delegate = world.mission_a.delegates.get(person__email="ken@example.jp")
    assert delegate.person.name_native == "佐藤 健" and delegate.person.given_name == "健"


def test_windows_1252_csv_is_detected_and_refused_clearly(importer, world):
    rows = [["First name", "Last name"], ["Zoë", "Brontë"]]
    response = importer.upload("delegates", "western.csv", csv_bytes(rows, encoding="cp1252"), mission=world.mission_a)
    assert response.status_code == 400
    assert "it looks like Windows-1252" in response.content.decode()
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_utf8_with_bom_and_utf16_are_read(importer, world, encoding):
    job = importer.upload_ok("delegates", "excel.csv", csv_bytes(ROWS, encoding=encoding), mission=world.mission_a)
    assert job.headers == ROWS[0]  # no BOM left on the first header


def test_semicolon_and_tab_separated_files_are_read(importer, world):
    job = importer.upload_ok("delegates", "eu.csv", csv_bytes(ROWS, delimiter=";"), mission=world.mission_a)
    assert job.headers == ROWS[0]
    job = importer.upload_ok("delegates", "tabs.txt", csv_bytes(ROWS, delimiter="\t"), mission=world.mission_a)
    assert job.headers == ROWS[0]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.xlsx", b"%PDF-1.7 not really", "This is a PDF."),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old Excel 97–2003 (.xls)"),
        ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00", "This is not a CSV file or an Excel workbook"),
        ("empty.csv", b"   \n", "The file is empty."),
        ("header-only.csv", b"Given name,Family name\n", "no data rows"),
        ("broken.xlsx", b"PK\x03\x04 this is no zip", "could not be opened"),
    ],
)
def test_files_that_are_not_csv_or_xlsx_are_refused_by_content(importer, world, name, data, message):
    response = importer.upload("delegates", name, data, mission=world.mission_a)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_an_xlsx_named_csv_is_read_as_xlsx(importer, world):
    job = importer.upload_ok("delegates", "misnamed.csv", xlsx_bytes(ROWS), mission=world.mission_a)
    assert job.file_format == "xlsx"
    assert job.headers == ROWS[0]


def test_the_file_is_kept_in_storage_then_purged(importer, world, settings):
    import datetime as dt

    from django.core.files.storage import default_storage
    from django.utils import timezone

    from events.services import import_files_purge

    job = importer.upload_ok("delegates", "d.csv", csv_bytes(ROWS), mission=world.mission_a)
    name = job.file.name
    assert default_storage.exists(name)
    assert import_files_purge() == 0
    assert import_files_purge(now=timezone.now() + dt.timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS + 1)) == 1
    assert not default_storage.exists(name)
    job.refresh_from_db()
    assert job.file_removed_at is not None
    response = importer.mapping_page(job)
    assert response.status_code == 302  # back to the upload page, with a message
