"""Who may import: a mission's organisers and managers into the mission; contacts: organisers and managers."""

import pytest
from django.urls import reverse

from contacts.models import Person
from events.models import ImportJob

from ..conftest import PASSWORD
from .conftest import csv_bytes, start_url, upload_file

ROWS = [["Given name", "Family name", "Email"], ["Ken", "Sato", "ken@example.jp"]]


def post_upload(client, persona, url):
    assert client.login(username=persona, password=PASSWORD)
    return client.post(url, {"file": upload_file("d.csv", csv_bytes(ROWS)), "encoding": "auto"})


@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 302), ("mary", 302), ("dave", 403), ("erin", 404), ("oliver", 404), ("nobody", 404)],
)
@pytest.mark.parametrize("kind", ["delegates", "meetings"])
def test_upload_into_a_mission(client, world, persona, status, kind):
    response = post_upload(client, persona, start_url(kind, world.mission_a))
    assert response.status_code == status
    assert ImportJob.objects.exists() == (status == 302)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 302), ("oliver", 302), ("mary", 302), ("dave", 403), ("erin", 403), ("nobody", 403)],
)
def test_upload_contacts(client, world, persona, status):
    response = post_upload(client, persona, start_url("contacts"))
    assert response.status_code == status


def test_unknown_kind_is_not_found(client, world):
    assert client.login(username="alice", password=PASSWORD)
    assert client.get(f"/missions/{world.mission_a.pk}/imports/contacts/").status_code == 404
    assert client.get(f"/missions/{world.mission_a.pk}/imports/whatever/").status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"), [("alice", 200), ("mary", 200), ("oliver", 404), ("dave", 404), ("erin", 404)]
)
def test_contacts_import_jobs_are_seen_by_their_uploader_and_managers(client, world, persona, status):
    job = ImportJob.objects.create(
        kind="contacts", uploaded_by=world.alice, original_name="c.csv", file_hash="1" * 64, status="done"
    )
    assert client.login(username=persona, password=PASSWORD)
    assert client.get(reverse("events:import-detail", kwargs={"job_pk": job.pk})).status_code == status


def test_another_missions_organiser_cannot_confirm_an_import(client, world):
    assert client.login(username="alice", password=PASSWORD)
    response = client.post(start_url("delegates", world.mission_a), {"file": upload_file("d.csv", csv_bytes(ROWS))})
    job = ImportJob.objects.get()
    client.post(reverse("events:import-mapping", kwargs={"job_pk": job.pk}), {"given_name": "Given name",
                "family_name": "Family name", "email": "Email"})  # fmt: skip
    client.logout()
    assert client.login(username="oliver", password=PASSWORD)
    response = client.post(reverse("events:import-preview", kwargs={"job_pk": job.pk}))
    assert response.status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.MAPPED
    assert not Person.objects.filter(email="ken@example.jp").exists()


def test_mission_page_shows_the_entry_points_to_organisers_only(client, world):
    url = reverse("events:mission-detail", kwargs={"pk": world.mission_a.pk})
    assert client.login(username="alice", password=PASSWORD)
    page = client.get(url).content.decode()
    assert start_url("delegates", world.mission_a) in page
    assert start_url("meetings", world.mission_a) in page
    assert start_url("contacts") in page
    client.logout()
    assert client.login(username="dave", password=PASSWORD)
    page = client.get(url).content.decode()
    assert "/imports/" not in page
