"""Importing a mission's delegates from CSV and XLSX, with Japanese names."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Organisation, Person
from events.models import Delegate, ImportJob

from ..factories import OrganisationFactory, PersonFactory
from ..reminders.test_rearm_once import mission_locks
from .conftest import csv_bytes, xlsx_bytes

ROWS = [
    ["First name", "Surname", "Name (Japanese)", "E-mail", "Company", "Role"],
    ["Oscar", "Ces", "", "o.ces@imperial.ac.uk", "Imperial College London", "Speaker"],
    ["Ken", "Sato", "佐藤 健", "ken.sato@example.jp", "Takeda Pharmaceutical", "delegate"],
    ["Yuki", "Tanaka", "田中 由紀", "yuki@example.jp", "武田薬品工業", ""],
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_delegates_end_to_end(importer, world, fmt):
    data = csv_bytes(ROWS) if fmt == "csv" else xlsx_bytes(ROWS)
    takeda = OrganisationFactory(name="Takeda Pharmaceutical", name_native="武田薬品工業", country="JP")
    job = importer.upload_ok("delegates", f"delegates.{fmt}", data, mission=world.mission_a)
    assert job.file_format == fmt

    # The mapping step guessed every column from its header.
    assert job.mapping == {
        "given_name": "First name",
        "family_name": "Surname",
        "name_native": "Name (Japanese)",
        "email": "E-mail",
        "organisation": "Company",
        "role": "Role",
    }
    page = importer.mapping_page(job).content.decode()
    assert "佐藤 健" in page  # first values shown next to the choice

    importer.submit_mapping(job)
    preview = importer.preview(job).content.decode()
    assert "nothing has been written yet" in preview
    # Takeda matched by its Latin name on row 3 and by its Japanese name on row 4.
    assert preview.count('matches existing <span class="fw-semibold">Takeda Pharmaceutical (武田薬品工業)') == 2
    assert Person.objects.filter(email="ken.sato@example.jp").count() == 0  # nothing written by the preview

    response = importer.confirm(job)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.created_count == 3 and job.existing_count == 0 and job.skipped_count == 0

    sato = Delegate.objects.get(mission=world.mission_a, person__email="ken.sato@example.jp")
    assert sato.person.name_native == "佐藤 健"
    assert sato.person.name_order == Person.NameOrder.FAMILY_FIRST
    assert sato.person.organisation == takeda
    assert Delegate.objects.get(person__email="yuki@example.jp").person.organisation == takeda
    assert Delegate.objects.get(person__email="o.ces@imperial.ac.uk").role == Delegate.Role.SPEAKER
    assert Organisation.objects.filter(name="Imperial College London").count() == 1

    detail = importer.client.get(response.url).content.decode()
    assert "3 rows read; 3 added something new" in detail


def test_the_same_file_twice_creates_nothing(importer, world):
    data = xlsx_bytes(ROWS)
    importer.run("delegates", "delegates.xlsx", data, mission=world.mission_a)
    counts = (Person.objects.count(), Organisation.objects.count(), Delegate.objects.count())

    job = importer.upload_ok("delegates", "delegates-again.xlsx", data, mission=world.mission_a)
    importer.submit_mapping(job)
    preview = importer.preview(job).content.decode()
    assert "This exact file was already imported" in preview
    importer.confirm(job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.created_count == 0 and job.existing_count == 3
    assert (Person.objects.count(), Organisation.objects.count(), Delegate.objects.count()) == counts


def test_existing_person_matched_by_email_becomes_a_delegate(importer, world):
    sato = PersonFactory(given_name="Ken", family_name="Sato", email="KEN.SATO@example.jp")
    job = importer.run("delegates", "d.csv", csv_bytes(ROWS[:1] + ROWS[2:3]), mission=world.mission_a)
    assert job.status == ImportJob.Status.DONE
    assert Delegate.objects.filter(mission=world.mission_a, person=sato).exists()
    assert Person.objects.filter(family_name="Sato").count() == 1


def test_mapping_is_remembered_for_the_next_import(importer, world):
    rows = [["Col A", "Col B", "Col C"], ["Ken", "Sato", "ken@example.jp"]]
    mapping = {"given_name": "Col A", "family_name": "Col B", "email": "Col C"}
    importer.run("delegates", "odd.csv", csv_bytes(rows), mission=world.mission_a, mapping=mapping)
    job = importer.upload_ok("delegates", "odd2.csv", csv_bytes(rows), mission=world.mission_a)
    assert job.mapping == mapping


def test_unknown_role_and_missing_family_name_are_reported_per_row(importer, world):
    rows = [ROWS[0], ["Oscar", "Ces", "", "o.ces@imperial.ac.uk", "Imperial", "Captain"], ["Ken", "", "", "", "", ""]]
    job = importer.upload_ok("delegates", "bad.csv", csv_bytes(rows), mission=world.mission_a)
    importer.submit_mapping(job)
    preview = importer.preview(job).content.decode()
    assert "Unknown role “Captain”" in preview
    assert "The family name is missing." in preview
    response = importer.confirm(job)
    assert response.status_code == 400
    assert "2 row(s) have errors" in response.content.decode()
    assert not Person.objects.filter(email="o.ces@imperial.ac.uk").exists()


def test_importing_delegates_rearms_the_mission_once(importer, world):
    """Three new delegates, one reconciliation of the mission's reminder emails."""
    job = importer.upload_ok("delegates", "delegates.csv", csv_bytes(ROWS), mission=world.mission_a)
    importer.submit_mapping(job)
    with CaptureQueriesContext(connection) as captured:
        importer.confirm(job)
    assert Delegate.objects.filter(mission=world.mission_a, person__email="yuki@example.jp").exists()
    assert mission_locks(captured.captured_queries) == 1
